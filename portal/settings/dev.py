"""The embedded default: no configuration needed (SQLite, local-memory cache, filesystem broker)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
CONTENT_SECURITY_POLICY_REPORT_ONLY = None
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
