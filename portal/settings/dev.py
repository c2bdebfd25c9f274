"""The embedded default: no configuration needed (SQLite, local-memory cache, filesystem broker)."""

from .base import *  # noqa: F403
from .base import DATABASES, INSTALLED_APPS, TEMPLATES, env

DEBUG = env.bool("DEBUG", default=True)
CONTENT_SECURITY_POLICY_REPORT_ONLY = None
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# --- demo (architecture): the demo organisation and `seed_demo`; production settings do not install it.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
# While `make run` serves and `seed_demo` still writes the demo, every page says so (demo/seeding.py).
TEMPLATES = [
    {
        **TEMPLATES[0],
        "OPTIONS": {
            **TEMPLATES[0]["OPTIONS"],
            "context_processors": [
                *TEMPLATES[0]["OPTIONS"]["context_processors"],
                "demo.context_processors.seeding_notice",
            ],
        },
    }
]

# --- perf (issue 13): the threaded development server opens one connection per request thread;
# persistent connections there pile up (Django's docs advise 0). gunicorn keeps CONN_MAX_AGE from base.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DEV_CONN_MAX_AGE", default=0)
