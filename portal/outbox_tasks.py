"""Every task's registered name: what ``portal.jobs.enqueue_on_commit`` checks a name against.

A web process does not load Celery (issue 13: ≈ 10 MB a gunicorn worker), so it cannot ask Celery's
registry whether a name exists. Each app declares the jobs its ``tasks`` module registers on its
``AppConfig`` (``job_names``), the portal collects them, and a name is checked here before anything is
written, so a typo still never loses a job. ``tests/portal/test_outbox_send.py`` checks that every
task in the worker's Celery registry is declared by the app whose module defines it, and nothing more.
``OUTBOX_EXTRA_TASK_NAMES`` (settings) adds names outside the apps (the ops tests' slow job).
"""

from __future__ import annotations

from functools import cache


@cache
def declared_task_names() -> frozenset[str]:
    """The ``job_names`` of every installed app (read once per process, after Django is set up)."""
    from django.apps import apps

    return frozenset().union(*(getattr(config, "job_names", frozenset()) for config in apps.get_app_configs()))


def known_task(name: str) -> bool:
    from django.conf import settings

    return name in declared_task_names() or name in getattr(settings, "OUTBOX_EXTRA_TASK_NAMES", ())
