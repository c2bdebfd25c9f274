"""Settings shared by every profile.

Every knob is read from the environment here, in one place, with django-environ.
The README's configuration table lists them all with their defaults.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# An optional .env file beside manage.py; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = env("SITE_NAME", default="Keystone")
# Used in e-mails and feeds, where no request tells us the host.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_htmx",
    "django_prose_editor",
    "csp",
    "portal",
    "portal.people",
    "portal.notifications",
    "metrics",
    "forums",
    "blogs",
    "onboarding",
    "onboarding.facilitation",
    "lms",  # xapi/calendars (and lms.lti): the learning stack
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
            # ``|iso`` for <time datetime> in every template (portal/templatetags/isodates.py).
            "builtins": ["portal.templatetags.isodates"],
        },
    },
]

# --- Database: SQLite (WAL) when DATABASE_URL is unset, PostgreSQL in production and CI.
SQLITE_PATH = env("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3"))
DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default=f"sqlite:///{SQLITE_PATH}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # WAL lets the web server, the worker and beat read while one of them writes.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
SITE_ID = 1

# --- Cache and broker: Redis when REDIS_URL is set, otherwise nothing to run.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Reliability: degrades to a per-process cache while Redis is down (portal.cache), never a 500.
            "BACKEND": "portal.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CACHE_TIMEOUT", default=0.5),
                "SOCKET_TIMEOUT": env.float("REDIS_CACHE_TIMEOUT", default=0.5),
                "REDIS_RETRY_SECONDS": env.float("REDIS_RETRY_SECONDS", default=5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The embedded broker: kombu's filesystem transport in a folder beside the database.
# A real worker and beat consume it, so scheduled jobs behave as in production.
BROKER_DIR = Path(env("BROKER_DIR", default=str(BASE_DIR / "var" / "broker")))
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport with atomic writes and claims (see portal.celery).
    CELERY_BROKER_TRANSPORT = "portal.celery:FilesystemTransport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
else:
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        # kombu's Redis transport; a worker survives losing Redis while it holds a message (see portal.celery).
        CELERY_BROKER_TRANSPORT = "portal.celery:RedisTransport"
    # Reliability: a job of a killed worker is redelivered after this many seconds (not an hour); keep it
    # above the longest task (CELERY_TASK_TIME_LIMIT) so a running job is never delivered twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
        "socket_connect_timeout": 2,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Reliability: no task may outlive the visibility timeout; a lost broker connection cancels running tasks
# (acks_late: they are redelivered) instead of letting them finish unacknowledged and run twice.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=540)
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = env("TIME_ZONE", default="Europe/London")
# Where beat remembers when each periodic job last ran (one beat per schedule file).
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "var" / "celerybeat-schedule")
)
# Beat's timetable; each app adds its own entries in its tasks module via portal.celery.
CELERY_BEAT_SCHEDULE: dict = {}

# --- Passwords and sign-in (django-allauth)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS_ENABLED", default=True)
ACCOUNT_ADAPTER = "portal.people.adapters.AccountAdapter"
ACCOUNT_SIGNUP_OPEN = env.bool("SIGNUP_OPEN", default=False)
ACCOUNT_PREVENT_ENUMERATION = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# Two-factor: a code already used in the same window says so, not "Incorrect code" (issue 17, "week").
MFA_FORMS = {
    "authenticate": "portal.people.forms.mfa.AuthenticateForm",
    "reauthenticate": "portal.people.forms.mfa.ReauthenticateForm",
}
# Roles that must have TOTP switched on before they can use the portal.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=["facilitator", "admin"])
SOCIALACCOUNT_ADAPTER = "portal.people.adapters.SocialAccountAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True

# Optional OpenID Connect single sign-on, configured purely by environment variables.
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", default="")
SOCIALACCOUNT_PROVIDERS: dict = {}
if OIDC_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": env("OIDC_PROVIDER_ID", default="sso"),
                "name": env("OIDC_PROVIDER_NAME", default="Single sign-on"),
                "client_id": OIDC_CLIENT_ID,
                "secret": env("OIDC_CLIENT_SECRET", default=""),
                "settings": {"server_url": env("OIDC_SERVER_URL")},
            }
        ],
    }

# --- E-mail: SMTP in production; the embedded profile writes files to var/mail.
EMAIL_CONFIG = env.email("EMAIL_URL", default="filemail://" + str(BASE_DIR / "var" / "mail"))
if EMAIL_CONFIG.get("EMAIL_BACKEND") == "django.core.mail.backends.filebased.EmailBackend":
    # django-environ drops the leading "/" of filemail:///an/absolute/path (mail then landed in a
    # relative folder under wherever the process started): an absolute path stays absolute, a
    # relative one is under BASE_DIR, none means var/mail.
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = str(
        BASE_DIR / (env("EMAIL_URL", default="").removeprefix("filemail://") or "var/mail")
    )
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <noreply@keystone.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static and media files
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads: caps enforced by portal.images before Pillow decodes anything large.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=24_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Content Security Policy: no inline script anywhere, no third-party origins.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Portal behaviour
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=14)
PEOPLE_PAGE_SIZE = env.int("PEOPLE_PAGE_SIZE", default=24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # Any case: the Procfile writes Celery's "-l info" and people copy it (reliability work).
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO").strip().upper()},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- blogs
# Reading-time estimate on entries ("4 min read").
BLOGS_WORDS_PER_MINUTE = env.int("BLOGS_WORDS_PER_MINUTE", default=200)
# Entries per page on blog homes, tag pages and the Following stream.
BLOGS_PAGE_SIZE = env.int("BLOGS_PAGE_SIZE", default=20)
# perf (issue 13): comment threads (a top-level comment and its replies) per page of an entry.
BLOGS_COMMENTS_PER_PAGE = env.int("BLOGS_COMMENTS_PER_PAGE", default=20)
# Items in each Atom/RSS feed.
BLOGS_FEED_ITEMS = env.int("BLOGS_FEED_ITEMS", default=30)
# Followers notified per background task when an entry is published.
BLOGS_FANOUT_BATCH = env.int("BLOGS_FANOUT_BATCH", default=200)

# --- notifications
# Seconds an immediate e-mail waits before it is rendered, so a burst of replies shares one e-mail.
NOTIFICATION_EMAIL_DELAY = env.int("NOTIFICATION_EMAIL_DELAY", default=60)
# Local hour (in each person's Profile.timezone) at which daily and weekly digests go out.
NOTIFICATION_DIGEST_HOUR = env.int("NOTIFICATION_DIGEST_HOUR", default=8)
# Day of the weekly digest: 0 = Monday … 6 = Sunday.
NOTIFICATION_WEEKLY_DIGEST_DAY = env.int("NOTIFICATION_WEEKLY_DIGEST_DAY", default=0)
# Retries of one failed send before the sweeper takes over: back-off 1, 2, 4, 8, then every 10 minutes,
# 55 minutes in all with the default 8 (reliability work: a long SMTP outage never exhausts them early).
NOTIFICATION_EMAIL_MAX_RETRIES = env.int("NOTIFICATION_EMAIL_MAX_RETRIES", default=8)
# Seconds before the first retry of a failed send; each later retry waits twice as long, at most 10 minutes.
NOTIFICATION_EMAIL_RETRY_BACKOFF = env.int("NOTIFICATION_EMAIL_RETRY_BACKOFF", default=60)
# Seconds Django's SMTP backend waits for the server before giving up (and retrying later).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Seconds the header's unread count is remembered between page loads (the bell's poll always counts afresh).
NOTIFICATION_BELL_CACHE_SECONDS = env.int("NOTIFICATION_BELL_CACHE_SECONDS", default=30)

# --- forums
# Distinct members whose open flags hide a post automatically, pending a moderator's review.
FORUM_AUTO_HIDE_FLAGS = env.int("FORUM_AUTO_HIDE_FLAGS", default=3)
FORUM_TOPICS_PER_PAGE = env.int("FORUM_TOPICS_PER_PAGE", default=30)
FORUM_POSTS_PER_PAGE = env.int("FORUM_POSTS_PER_PAGE", default=20)
# Visible characters in one post (the composer shows a count against it).
FORUM_POST_MAX_CHARS = env.int("FORUM_POST_MAX_CHARS", default=20_000)
# The same text posted again by the same person within this many seconds is a double submit.
FORUM_DUPLICATE_WINDOW_SECONDS = env.int("FORUM_DUPLICATE_WINDOW_SECONDS", default=60)
# How often the composer saves a draft while someone types.
FORUM_DRAFT_AUTOSAVE_SECONDS = env.int("FORUM_DRAFT_AUTOSAVE_SECONDS", default=5)
FORUM_MAX_IMAGES_PER_POST = env.int("FORUM_MAX_IMAGES_PER_POST", default=6)
# A topic someone never opened counts as "new" to them while it was active within this many days.
FORUM_NEW_DAYS = env.int("FORUM_NEW_DAYS", default=14)

# --- invitations and sign-in
# At most this many people, and this many bytes, in one invitation CSV upload.
INVITATION_CSV_MAX_ROWS = env.int("INVITATION_CSV_MAX_ROWS", default=500)
INVITATION_CSV_MAX_BYTES = env.int("INVITATION_CSV_MAX_BYTES", default=1024 * 1024)
# Sign-up through an invitation must use the invited address (portal.forms.invitations).
ACCOUNT_FORMS = {"signup": "portal.people.forms.invitations.InvitedSignupForm"}
# allauth has no on/off switch of its own: its limits apply unless ACCOUNT_RATE_LIMITS is False.
# They are counted in the default cache, which is Redis in production, so they hold across instances.
if not ACCOUNT_RATE_LIMITS_ENABLED:
    ACCOUNT_RATE_LIMITS = False

# --- metrics
# Privacy floor: a dashboard, export or sponsor e-mail figure describing fewer people than this is suppressed.
METRICS_MIN_GROUP_SIZE = env.int("METRICS_MIN_GROUP_SIZE", default=5)
# Minutes between incremental rollup runs (the beat job).
METRICS_ROLLUP_MINUTES = env.int("METRICS_ROLLUP_MINUTES", default=5)
# Activities per rollup transaction; a backlog is worked through in several batches.
METRICS_ROLLUP_BATCH = env.int("METRICS_ROLLUP_BATCH", default=50_000)
# How long an id skipped by the watermark (not yet committed) is looked for again before it is deemed rolled back.
METRICS_ROLLUP_GAP_SECONDS = env.int("METRICS_ROLLUP_GAP_SECONDS", default=3600)
# Weekly sponsor summaries go out on this weekday (0 = Monday) at this local hour, for the week just ended.
METRICS_SUMMARY_WEEKDAY = env.int("METRICS_SUMMARY_WEEKDAY", default=0)
METRICS_SUMMARY_HOUR = env.int("METRICS_SUMMARY_HOUR", default=7)

# --- onboarding
# Goal deadline reminders go out this many days before a crawl/walk/run stage's deadline (once per person and stage).
ONBOARDING_GOAL_REMINDER_DAYS = env.int("ONBOARDING_GOAL_REMINDER_DAYS", default=3)
# The programme readiness diagnostic shows its results only once this many people have answered a round.
ONBOARDING_DIAGNOSTIC_MIN_RESPONSES = env.int("ONBOARDING_DIAGNOSTIC_MIN_RESPONSES", default=3)
# How long the composer waits after the last keystroke before asking the coach (milliseconds).
ONBOARDING_COACH_DEBOUNCE_MS = env.int("ONBOARDING_COACH_DEBOUNCE_MS", default=800)
# Re-acknowledgement of a new major policy version at sign-in, and resuming an unfinished path.
MIDDLEWARE += ["onboarding.middleware.OnboardingMiddleware"]

# --- facilitation
# Default for new cohorts: a cohort board with no new topic for this many days gets its next queued prompt early.
FACILITATION_QUIET_DAYS = env.int("FACILITATION_QUIET_DAYS", default=5)
# A member with at most this many forum posts is a first-timer: their unanswered posts go to the facilitators' queue.
FACILITATION_FIRST_TIMER_MAX_POSTS = env.int("FACILITATION_FIRST_TIMER_MAX_POSTS", default=3)
# A first-timer's post without a response for this many hours is overdue (highlighted, counted on the console).
FACILITATION_FIRST_TIMER_HOURS = env.int("FACILITATION_FIRST_TIMER_HOURS", default=24)
# At most one nudge per member per this many days (across all facilitators).
FACILITATION_NUDGE_INTERVAL_DAYS = env.int("FACILITATION_NUDGE_INTERVAL_DAYS", default=7)
# What "the morning after a session" means, in the cohort's time zone (HH:MM).
FACILITATION_MORNING_TIME = env("FACILITATION_MORNING_TIME", default="08:00")
# Prompts the release job handles per run (the rest wait a minute).
FACILITATION_RELEASE_BATCH = env.int("FACILITATION_RELEASE_BATCH", default=100)

# --- lti: LTI 1.3 tool (lms.lti on django-lti); see README, Integrations
INSTALLED_APPS += ["lti_tool", "lms.lti"]
# Outermost of the cookie-setting middleware: makes the session and CSRF cookies of LTI sessions
# SameSite=None; Secure (on HTTPS) and lets registered platforms (only) frame those sessions.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"), "lms.lti.middleware.LtiFrameMiddleware"
)
# Re-post changed goal-stage scores to LMS gradebooks at least this often (they also follow progress at once).
LTI_SCORE_SYNC_MINUTES = env.int("LTI_SCORE_SYNC_MINUTES", default=15)
# A facilitator signed in by an LMS launch is not asked for Keystone's own TOTP (the LMS authenticated them).
LTI_TRUST_PLATFORM_MFA = env.bool("LTI_TRUST_PLATFORM_MFA", default=True)
# Tool keys older than this many days are dropped from the JWKS when keys are rotated.
LTI_KEY_RETIRE_DAYS = env.int("LTI_KEY_RETIRE_DAYS", default=7)

# --- lms: xAPI statements to the organisation's LRS (off unless XAPI_ENDPOINT is set) and calendar feeds.
# The LRS's xAPI base, e.g. https://lrs.example.org/xAPI (statements go to <endpoint>/statements).
XAPI_ENDPOINT = env("XAPI_ENDPOINT", default="")
XAPI_KEY = env("XAPI_KEY", default="")
XAPI_SECRET = env("XAPI_SECRET", default="")
# "account" (home page = the portal, name = the person's stable id) or "mbox" (their e-mail address).
XAPI_ACTOR_IDENTITY = env("XAPI_ACTOR_IDENTITY", default="account")
# Identifies this portal in statement ids, actor accounts and activity IRIs: never change it once sending.
XAPI_PLATFORM_IRI = env("XAPI_PLATFORM_IRI", default=SITE_URL)
XAPI_PUSH_MINUTES = env.int("XAPI_PUSH_MINUTES", default=1)
XAPI_BATCH_SIZE = env.int("XAPI_BATCH_SIZE", default=200)
XAPI_MAX_BATCHES_PER_RUN = env.int("XAPI_MAX_BATCHES_PER_RUN", default=25)
XAPI_TIMEOUT = env.int("XAPI_TIMEOUT", default=15)
XAPI_BACKOFF_BASE_SECONDS = env.int("XAPI_BACKOFF_BASE_SECONDS", default=60)
XAPI_BACKOFF_MAX_SECONDS = env.int("XAPI_BACKOFF_MAX_SECONDS", default=3600)
XAPI_GAP_SECONDS = env.int("XAPI_GAP_SECONDS", default=3600)
CALENDAR_SESSION_MINUTES = env.int("CALENDAR_SESSION_MINUTES", default=90)
CALENDAR_PROMPT_MINUTES = env.int("CALENDAR_PROMPT_MINUTES", default=15)
CALENDAR_PAST_DAYS = env.int("CALENDAR_PAST_DAYS", default=90)
CALENDAR_REFRESH_MINUTES = env.int("CALENDAR_REFRESH_MINUTES", default=60)

# --- Reliability (issue 16): the job outbox (portal.jobs)
# Seconds after its commit an unsent job waits before the sweeper (every minute) sends it instead.
OUTBOX_PUBLISH_GRACE_SECONDS = env.int("OUTBOX_PUBLISH_GRACE_SECONDS", default=30)
# Seconds past its due time a sent but unfinished job (a killed worker, a lost message) is sent again.
OUTBOX_STALE_SECONDS = env.int("OUTBOX_STALE_SECONDS", default=300)
# Seconds one delivery of a job holds it; another delivery of the same job meanwhile does nothing.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=300)
# Sends of one job before the sweeper gives up on it (the row stays, with its last error, for the admin).
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=20)
# Rows one sweep sends at most; finished rows are deleted after OUTBOX_KEEP_DAYS.
OUTBOX_SWEEP_BATCH = env.int("OUTBOX_SWEEP_BATCH", default=500)
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=7)
# After a failed hand-over, a process stops trying the broker after commits for this many seconds: the
# jobs wait for the sweeper, and a reply with several follow-ups costs one broker timeout, not one each.
OUTBOX_BROKER_PAUSE_SECONDS = env.int("OUTBOX_BROKER_PAUSE_SECONDS", default=30)
# A form sent with an expired or missing CSRF token: the portal's page, with the text given back.
CSRF_FAILURE_VIEW = "portal.views.errors.csrf_failure"
# Behind a reverse proxy: how many proxies' X-Forwarded-For entries to trust for the client address
# (allauth's sign-in limits); 0 here, production defaults to 1 (Caddy). See production.py.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# perf (issue 13): members per page of the cohort console's table (the summary above it counts everyone).
FACILITATION_CONSOLE_PAGE_SIZE = env.int("FACILITATION_CONSOLE_PAGE_SIZE", default=50)
