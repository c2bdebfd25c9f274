"""Settings for the test suite: SQLite by default, PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set."""

import os
import re

# pytest-xdist: each test worker (gw0, gw1, …) gets its own Redis database (cache, broker and rate limits),
# counting down from the one REDIS_URL names, so two workers never consume each other's jobs or keys. The
# Celery worker a test starts inherits the adjusted URL, hence the marker.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker and os.environ.get("REDIS_URL") and not os.environ.get("KEYSTONE_REDIS_PER_WORKER"):
    _offset = int(_xdist_worker.removeprefix("gw") or 0)
    os.environ["REDIS_URL"] = re.sub(
        r"/(\d+)$", lambda m: f"/{max(int(m.group(1)) - _offset, 0)}", os.environ["REDIS_URL"]
    )
    os.environ["KEYSTONE_REDIS_PER_WORKER"] = "1"

from .base import *  # noqa: E402, F403
from .base import BASE_DIR, env  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Unit tests run tasks in-process; the tests marked `worker` switch this off and use a real worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# A refused send is retried after 2 s (production: 60 s), so the worker tests see the retry without waiting
# a minute; the ops tests set the product's 60 s back on their stack.
NOTIFICATION_EMAIL_RETRY_BACKOFF = env.int("NOTIFICATION_EMAIL_RETRY_BACKOFF", default=2)
# In-process tests read mail.outbox; a worker process is pointed at a real SMTP server via EMAIL_URL.
if not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ACCOUNT_RATE_LIMITS_ENABLED = False
ACCOUNT_RATE_LIMITS = False  # allauth reads this one; tests that check the limits switch them back on
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
# Browser tests serve static files from the source folders (the manifest storage 404s under live_server).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The SQLite test database is a file, so a real Celery worker process can share it (tests marked `worker`).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One file per test run, so several runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")}
STATIC_ROOT = None
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# A real worker outlives the database flushes between transactional tests (see portal.celery).
CLEAR_CONTENT_TYPE_CACHE_PER_TASK = True

# --- demo (architecture): the demo organisation and `seed_demo`; production settings do not install it.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]

# The ops tests' slow job (tests/ops/tasks.py) is a task outside the apps: the job outbox may enqueue it by name
# (portal.outbox_tasks lists the apps' tasks; a web process checks names there, not in Celery's registry).
OUTBOX_EXTRA_TASK_NAMES = ["tests.ops.slow_job"]
