"""TOTP two-factor sign-in: offered to everyone, required for facilitators and admins."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.urls import reverse

from tests.factories import UserFactory, facilitator_of
from tests.factories.portal import PASSWORD

pytestmark = pytest.mark.django_db

ACTIVATE = reverse("mfa_activate_totp")


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _sign_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _open_activation(client, query=""):
    """Just signed in: the set-up page opens without asking for the password a second time."""
    page = client.get(ACTIVATE + query)
    assert page.status_code == 200
    return page


@pytest.fixture
def facilitator_without_totp(cohort):
    return facilitator_of(cohort, profile__display_name="New Facilitator")


@pytest.fixture
def admin_without_totp(db):
    return UserFactory(roles=("admin",))


@pytest.mark.parametrize("path", ["/", "/invitations/", "/people/"])
def test_facilitator_without_totp_is_sent_to_set_it_up(client, facilitator_without_totp, path):
    client.force_login(facilitator_without_totp)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{ACTIVATE}?required=1"


def test_admin_without_totp_is_sent_to_set_it_up(client, admin_without_totp):
    client.force_login(admin_without_totp)
    assert client.get("/")["Location"] == f"{ACTIVATE}?required=1"


@pytest.mark.parametrize("role", ["leader", "analyst"])
def test_other_roles_may_use_the_portal_without_totp(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/").status_code == 200


def test_facilitator_with_totp_passes(client, facilitator):
    client.force_login(facilitator)
    assert client.get("/").status_code == 200


def test_activation_page_and_sign_out_stay_reachable(client, facilitator_without_totp):
    _sign_in(client, facilitator_without_totp)
    page = _open_activation(client, "?required=1")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Facilitators and admins" in body
    assert 'src="data:image/svg+xml;base64,' in body
    assert 'style="' not in body
    # The static files the page needs are not redirected either.
    assert client.get("/static/css/keystone.css").status_code != 302
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_setting_up_totp_unlocks_the_portal(client, facilitator_without_totp):
    _sign_in(client, facilitator_without_totp)
    assert client.get("/")["Location"] == f"{ACTIVATE}?required=1"
    page = _open_activation(client)
    secret = page.context["form"].secret
    wrong = client.post(ACTIVATE, {"code": "000000" if _code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=facilitator_without_totp).exists()
    response = client.post(ACTIVATE, {"code": _code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=facilitator_without_totp, type=Authenticator.Type.TOTP).exists()
    assert client.get("/").status_code == 200


def test_totp_is_offered_to_leaders_too(client, leader):
    _sign_in(client, leader)
    index = client.get(reverse("mfa_index"))
    assert index.status_code == 200
    assert ACTIVATE in index.content.decode()
    page = _open_activation(client)
    assert page.status_code == 200
    assert "Facilitators and admins" not in page.content.decode()


def test_sign_in_asks_for_the_code_once_totp_is_on(client, cohort):
    user = facilitator_of(cohort)
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(user, secret)
    response = _sign_in(client, user)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "One more step" in page.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get("/").status_code == 200


def test_signed_in_a_while_ago_confirms_the_password_first(client, facilitator_without_totp):
    _sign_in(client, facilitator_without_totp)
    session = client.session
    records = session["account_authentication_methods"]
    for record in records:
        record["at"] -= 3600
    session["account_authentication_methods"] = records
    session.save()
    response = client.get(f"{ACTIVATE}?required=1")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    page = client.get(response["Location"])
    assert "Confirm it is you" in page.content.decode()
    response = client.post(response["Location"], {"password": PASSWORD})
    assert client.get(f"{ACTIVATE}?required=1").status_code == 200


def test_force_logged_in_sessions_must_confirm_too(client, facilitator_without_totp):
    client.force_login(facilitator_without_totp)  # no record of how they signed in
    response = client.get(ACTIVATE)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
