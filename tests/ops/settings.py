"""Settings of the processes the ops tests start (gunicorn, Celery): the test settings, limits on."""

from portal.settings.test import *  # noqa: F403

# The ops tests check that sign-in limits hold across instances, so they are on here.
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip,3/300s/key"}
# A slow job the worker-kill scenario can interrupt.
CELERY_IMPORTS = ["tests.ops.tasks"]
# Long-lived web processes outlive the database flushes between the ops tests (see the middleware).
MIDDLEWARE = ["tests.ops.middleware.fresh_content_types", *MIDDLEWARE]  # noqa: F405
