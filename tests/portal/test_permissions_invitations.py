"""Every view in the ``invitations`` namespace x every role → the status each should get.

The target is always the facilitator's own cohort ("Northern Lights"), so the ``other_facilitator``
column is the "facilitator of another cohort" case.
"""

import pytest
from django.urls import reverse

from portal.people import urls_invitations
from tests.conftest import ROLES
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db

LOGIN = 302  # anonymous → sign-in page
DONE = 302  # an action that worked redirects back to the list


def _cohort_url(cohort, invitation):
    return reverse("invitations:cohort", args=[cohort.slug])


def _resend_url(cohort, invitation):
    return reverse("invitations:resend", args=[invitation.pk])


def _revoke_url(cohort, invitation):
    return reverse("invitations:revoke", args=[invitation.pk])


def _accept_url(cohort, invitation):
    return invitation.get_absolute_url()


# url name: (method, url builder, {role: expected status})
MATRIX = {
    "create": (
        "get",
        lambda c, i: reverse("invitations:create"),
        dict(anonymous=LOGIN, leader=403, facilitator=200, other_facilitator=200, analyst=403, admin=200),
    ),
    "upload": (
        "post",
        lambda c, i: reverse("invitations:upload"),
        # Permitted roles get the form back with "choose a file".
        dict(anonymous=LOGIN, leader=403, facilitator=400, other_facilitator=400, analyst=403, admin=400),
    ),
    "csv-template": (
        "get",
        lambda c, i: reverse("invitations:csv-template"),
        dict(anonymous=LOGIN, leader=403, facilitator=200, other_facilitator=200, analyst=403, admin=200),
    ),
    "cohort": (
        "get",
        _cohort_url,
        dict(anonymous=LOGIN, leader=403, facilitator=200, other_facilitator=403, analyst=403, admin=200),
    ),
    "resend": (
        "post",
        _resend_url,
        dict(anonymous=LOGIN, leader=403, facilitator=DONE, other_facilitator=403, analyst=403, admin=DONE),
    ),
    "revoke": (
        "post",
        _revoke_url,
        dict(anonymous=LOGIN, leader=403, facilitator=DONE, other_facilitator=403, analyst=403, admin=DONE),
    ),
    # The token is the credential: anyone holding it sees the invitation (explained if it is not theirs).
    "accept": (
        "get",
        _accept_url,
        dict(anonymous=200, leader=200, facilitator=200, other_facilitator=200, analyst=200, admin=200),
    ),
}

CASES = [(name, role) for name in MATRIX for role in ROLES]


def test_every_invitation_view_has_a_row():
    names = {p.name for p in urls_invitations.urlpatterns}
    assert names == set(MATRIX)
    for _method, _url, expected in MATRIX.values():
        assert set(expected) == set(ROLES)


@pytest.mark.parametrize("name, role", CASES)
def test_invitation_permissions(name, role, as_role, cohort, other_cohort):
    client, _user = as_role(role)
    invitation = InvitationFactory(cohort=cohort, email="invitee@harbourview.example")
    method, build_url, expected = MATRIX[name]
    url = build_url(cohort, invitation)
    response = getattr(client, method)(url)
    assert response.status_code == expected[role], (name, role, response.status_code)
    if role == "anonymous" and expected[role] == LOGIN:
        assert response["Location"].startswith(reverse("account_login"))
    if name in ("resend", "revoke") and expected[role] == 403:
        invitation.refresh_from_db()  # a refused action changed nothing
        assert invitation.is_usable


def test_a_facilitator_cannot_see_another_cohorts_list(client, facilitator, other_cohort):
    client.force_login(facilitator)
    assert client.get(reverse("invitations:cohort", args=[other_cohort.slug])).status_code == 403


def test_unknown_cohort_and_invitation_are_404_for_inviters(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("invitations:cohort", args=["no-such-cohort"])).status_code == 404
    assert client.post(reverse("invitations:resend", args=[99999])).status_code == 404
