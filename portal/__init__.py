"""The portal's own app. Celery's app is ``portal.celery`` (``celery -A portal`` finds it there).

It is deliberately not imported here: a gunicorn web process hands jobs to the broker without Celery
(``portal.jobs``, ``portal.outbox_send``; issue 13: ≈ 10 MB a worker). Processes that run tasks load it:
the worker and beat (``-A portal``), the eager in-process path (``portal.jobs.task_registry``) and the
test suite (tests/conftest.py).
"""
