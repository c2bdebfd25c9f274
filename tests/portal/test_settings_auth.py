"""Sign-in settings in each profile: verification, rate limits in a shared cache, SSO from the environment."""

import json
import secrets
import subprocess
import sys

from tests.portal.test_deploy_check import ROOT, clean_env

PRINT_SETTINGS = """
import json
from django.conf import settings
from allauth.account import app_settings as account
print(json.dumps({
    "verification": settings.ACCOUNT_EMAIL_VERIFICATION,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "rate_limits": account.RATE_LIMITS,
    "login_by_code": settings.ACCOUNT_LOGIN_BY_CODE_ENABLED,
    "providers": settings.SOCIALACCOUNT_PROVIDERS,
    "mfa_roles": settings.MFA_REQUIRED_ROLES,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
}))
"""


def _settings(module: str, **env) -> dict:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean_env(DJANGO_SETTINGS_MODULE=module, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "keystone.harbourview.example",
    "DATABASE_URL": "postgres://keystone:x@127.0.0.1:5432/keystone",
    "REDIS_URL": "redis://127.0.0.1:6379/3",
}


def test_production_verifies_email_and_counts_rate_limits_in_redis():
    values = _settings("portal.settings.production", **PRODUCTION)
    assert values["verification"] == "mandatory"
    # django-redis, degrading to a per-process cache while Redis is down (portal.cache).
    assert values["cache"] == "portal.cache.DegradingRedisCache"
    assert values["cache_location"] == "redis://127.0.0.1:6379/3"
    limits = values["rate_limits"]
    assert limits["login_failed"] and limits["request_login_code"] and limits["reset_password"] and limits["signup"]
    assert values["login_by_code"] is True
    assert values["session_cookie_secure"] is True
    assert set(values["mfa_roles"]) == {"facilitator", "admin"}


def test_embedded_profile_makes_verification_optional_and_keeps_limits_on():
    values = _settings("portal.settings.dev")
    assert values["verification"] == "optional"
    assert values["rate_limits"]["login_failed"]


def test_rate_limits_can_be_switched_off_by_environment():
    assert _settings("portal.settings.dev", RATE_LIMITS_ENABLED="false")["rate_limits"] == {}


def test_sso_is_off_without_oidc_settings():
    assert _settings("portal.settings.dev")["providers"] == {}


def test_sso_is_configured_purely_from_the_environment():
    values = _settings(
        "portal.settings.dev",
        OIDC_CLIENT_ID="keystone-portal",
        OIDC_CLIENT_SECRET="s3cret",
        OIDC_SERVER_URL="https://login.harbourview.example/realms/staff",
        OIDC_PROVIDER_ID="harbourview",
        OIDC_PROVIDER_NAME="Harbourview staff login",
    )
    app = values["providers"]["openid_connect"]["APPS"][0]
    assert app == {
        "provider_id": "harbourview",
        "name": "Harbourview staff login",
        "client_id": "keystone-portal",
        "secret": "s3cret",
        "settings": {"server_url": "https://login.harbourview.example/realms/staff"},
    }
