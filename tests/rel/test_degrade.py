"""Cache outages degrade (portal.cache): pages and sign-in keep working, limits still count, /healthz tells."""

import logging
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import _free_port
from tests.factories import NotificationFactory, UserFactory
from tests.factories.portal import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "guess"


@pytest.fixture
def redis_down(settings):
    """The cache is the production one (DegradingRedisCache) but Redis does not answer on its port."""
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.DegradingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_free_port()}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, "REDIS_RETRY_SECONDS": 5},
        }
    }
    yield


def test_signed_in_pages_show_the_unread_count_from_the_database(client, leader, redis_down, caplog):
    NotificationFactory(recipient=leader)
    NotificationFactory(recipient=leader)
    client.force_login(leader)
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        response = client.get(reverse("home"))
        again = client.get(reverse("home"))
    assert response.status_code == 200 and again.status_code == 200
    assert 'data-count="2"' in response.content.decode()
    # Logged once, not on every page.
    assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1


def test_sign_in_limits_still_count_locally_while_redis_is_down(client, settings, redis_down):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,3/300s/key"}
    user = UserFactory(email="limited@harbourview.example")
    for _ in range(3):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "guess"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 200  # never a 500
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_works_while_redis_is_down(client, redis_down):
    user = UserFactory(email="steady@harbourview.example")
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_healthz_stays_honest_while_pages_use_the_local_cache(client, redis_down):
    cache.set("still", "works")
    assert cache.get("still") == "works"  # the per-process fallback
    assert cache.ping() is False
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("error")
    assert response.json()["checks"]["database"] == "ok"


def test_log_level_is_accepted_in_any_case():
    level = "info"
    # The Procfile writes Celery's level in lower case; the same variable must not stop Django.
    env = {"DJANGO_SETTINGS_MODULE": "portal.settings.test", "LOG_LEVEL": level, "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_behind_the_proxy_sign_in_limits_count_each_person_not_the_proxy(settings):
    from django.test import Client

    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/m/ip"}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # production's default: Caddy in front
    user = UserFactory(email="proxied@harbourview.example")

    def attempt(ip: str, secret: str = WRONG):
        # Every request arrives from the proxy's address; Caddy names the visitor in X-Forwarded-For.
        return Client(REMOTE_ADDR="10.0.0.2", headers={"x-forwarded-for": ip}).post(
            reverse("account_login"), {"login": user.email, "password": secret}
        )

    attempt("198.51.100.7")
    attempt("198.51.100.7")
    assert "Too many failed login attempts" in attempt("198.51.100.7", PASSWORD).content.decode()
    # Someone else behind the same proxy is not locked out by the first person's mistakes.
    assert attempt("203.0.113.9", PASSWORD).status_code == 302
    cache.clear()
