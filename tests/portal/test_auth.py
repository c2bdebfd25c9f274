"""Signing in with allauth: password, e-mailed code, password reset, verification, rate limits, SSO button."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from portal.people.models import User
from tests.factories.portal import PASSWORD, UserFactory
from tests.portal.test_invitations_views import NEW_PASSWORD, sign_up

pytestmark = pytest.mark.django_db

OIDC_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "harbourview",
                "name": "Harbourview staff login",
                "client_id": "keystone-portal",
                "secret": "s3cret",
                "settings": {"server_url": "https://login.harbourview.example/realms/staff"},
            }
        ],
    }
}


def _no_inline_code(body: str) -> None:
    """CSP allows no inline script or style: every <script> has a src or is JSON data."""
    assert 'style="' not in body
    assert " onclick=" not in body and " onload=" not in body
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_login_page_in_the_portal_layout(client):
    response = client.get(reverse("account_login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in body
    assert "Sign in to Keystone" in body
    assert 'class="card auth-form"' in body
    assert reverse("account_request_login_code") in body
    assert reverse("account_reset_password") in body
    _no_inline_code(body)


def test_no_sso_button_without_oidc_settings(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    body = client.get(reverse("account_login")).content.decode()
    assert "organisation account" not in body
    assert "/accounts/oidc/" not in body


def test_sso_button_when_oidc_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = OIDC_PROVIDERS
    body = client.get(reverse("account_login")).content.decode()
    assert "Or use your organisation account" in body
    assert "Sign in with Harbourview staff login" in body
    assert 'href="/accounts/oidc/harbourview/login/?process=login"' in body
    # The provider's start page (a POST, so a link preview cannot start a login) is in the portal layout too.
    start = client.get("/accounts/oidc/harbourview/login/?process=login")
    assert start.status_code == 200
    assert 'class="site-header"' in start.content.decode()


def test_password_sign_in_lands_home(client, leader):
    response = client.post(reverse("account_login"), {"login": leader.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == leader.pk


def test_wrong_password_is_a_form_error(client, leader):
    response = client.post(reverse("account_login"), {"login": leader.email, "password": "wrong"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_by_emailed_code(client, leader):
    response = client.post(reverse("account_request_login_code"), {"email": leader.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    page = client.get(response["Location"])
    assert "Check your e-mail" in page.content.decode()
    _no_inline_code(page.content.decode())
    (message,) = mail.outbox
    assert message.to == [leader.email]
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == leader.pk


def test_login_code_for_an_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_request_login_code"), {"email": "nobody@harbourview.example"})
    # Same next page as for a real account (no account enumeration).
    assert response.status_code == 302 and response["Location"] == reverse("account_confirm_login_code")


def test_a_wrong_code_does_not_sign_in(client, leader):
    client.post(reverse("account_request_login_code"), {"email": leader.email})
    response = client.post(reverse("account_confirm_login_code"), {"code": "ZZZZZZ"})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)


def test_password_reset(client, leader):
    response = client.post(reverse("account_reset_password"), {"email": leader.email})
    assert response.status_code == 302
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(action, {"password1": "new-long-pass-phrase-7", "password2": "new-long-pass-phrase-7"})
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.check_password("new-long-pass-phrase-7")


def test_email_verification_is_mandatory_when_configured(client, settings):
    settings.ACCOUNT_SIGNUP_OPEN = True
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    response = sign_up(client, "new@harbourview.example")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    (message,) = mail.outbox
    assert message.to == ["new@harbourview.example"]
    response = client.post(reverse("account_login"), {"login": "new@harbourview.example", "password": NEW_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_email_verification_is_optional_in_the_embedded_profile(client, settings):
    settings.ACCOUNT_SIGNUP_OPEN = True
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    sign_up(client, "new@harbourview.example")
    user = User.objects.get(email="new@harbourview.example")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.profile is not None
    assert "leader" in set(user.groups.values_list("name", flat=True))


def test_failed_sign_ins_are_rate_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,3/300s/key"}
    cache.clear()
    user = UserFactory(email="target@harbourview.example")
    for _ in range(3):
        client.post(reverse("account_login"), {"login": user.email, "password": "guess"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_login_code_requests_are_rate_limited(client, settings, leader):
    settings.ACCOUNT_RATE_LIMITS = {"request_login_code": "20/m/ip,2/m/key"}
    cache.clear()
    for _ in range(2):
        # A fresh browser each time: a pending code sign-in would otherwise skip the form.
        Client().post(reverse("account_request_login_code"), {"email": leader.email})
    response = Client().post(reverse("account_request_login_code"), {"email": leader.email})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert len(mail.outbox) == 2
    cache.clear()


@pytest.mark.parametrize(
    "name",
    ["account_login", "account_signup", "account_request_login_code", "account_reset_password"],
)
def test_entrance_pages_are_csp_clean(client, name):
    body = client.get(reverse(name)).content.decode()
    assert 'class="site-header"' in body
    _no_inline_code(body)


def test_account_pages_for_signed_in_people_are_csp_clean(client, leader):
    client.force_login(leader)
    for name in ("account_email", "account_change_password", "mfa_index", "account_logout"):
        response = client.get(reverse(name), follow=True)
        assert response.status_code == 200, name
        _no_inline_code(response.content.decode())
