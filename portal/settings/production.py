"""Production: PostgreSQL, Redis, gunicorn + whitenoise. Refuses to start without its essentials."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASE_IS_POSTGRES, REDIS_URL, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
_missing = [
    name
    for name, present in (
        ("SECRET_KEY", bool(SECRET_KEY) and not SECRET_KEY.startswith("dev-only")),
        ("ALLOWED_HOSTS", bool(ALLOWED_HOSTS)),
        ("DATABASE_URL", bool(env("DATABASE_URL", default=""))),
    )
    if not present
]
if _missing:
    raise ImproperlyConfigured(f"Production settings need these environment variables: {', '.join(_missing)}")
if not DATABASE_IS_POSTGRES and not env.bool("ALLOW_NON_POSTGRES", default=False):
    raise ImproperlyConfigured("Production expects PostgreSQL in DATABASE_URL.")
if not REDIS_URL and not env.bool("ALLOW_NO_REDIS", default=False):
    raise ImproperlyConfigured("Production expects REDIS_URL (Celery broker and shared cache).")

ACCOUNT_EMAIL_VERIFICATION = "mandatory"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# The load balancer's health probe speaks plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Reliability (issue 16): behind the reverse proxy (compose.yaml's Caddy), count people, not the proxy.
# allauth's sign-in rate limits take the client address from X-Forwarded-For, trusting this many proxies
# (Caddy replaces any X-Forwarded-For a client sends with the address it saw); or from one header the
# proxy sets, e.g. TRUSTED_CLIENT_IP_HEADER=X-Real-IP.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default=None)
# Links and redirects use the host the visitor asked the proxy for.
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=True)
