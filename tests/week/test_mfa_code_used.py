"""Two-factor sign-in: a code already used in the same window says so, not "Incorrect code"."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache
from django.urls import reverse

from tests.factories import facilitator_of
from tests.factories.portal import PASSWORD

pytestmark = pytest.mark.django_db


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _password_step(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")


def test_a_reused_code_is_explained_and_a_wrong_code_is_still_incorrect(client, cohort):
    cache.clear()
    user = facilitator_of(cohort, profile__display_name="Twofa Tester")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    code = _code(secret)

    _password_step(client, user)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302  # signed in
    client.post(reverse("account_logout"))

    _password_step(client, user)
    again = client.post(reverse("mfa_authenticate"), {"code": code})
    assert again.status_code == 200
    html = again.content.decode()
    assert "This code has already been used" in html and "Incorrect code" not in html

    wrong = str((int(code) + 1) % 1_000_000).zfill(6)
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert "Incorrect code" in response.content.decode()
