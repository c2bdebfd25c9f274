"""Every notifications view, every role, own or someone else's notification: the expected status.

Notifications belong to one person: "own" is the signed-in person's notification, "other" belongs
to a leader in the same cohort. Anonymous visitors are sent to sign in, except for the signed
unsubscribe link, which must work without an account session.
"""

import pytest
from django.urls import reverse

from portal.notifications import urls as urls_notifications
from portal.notifications.email import unsubscribe_token
from tests.conftest import ROLES
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

SIGN_IN = 302

# name: (method, whose, {role: status}); whose = "own" / "other" / None (not about a notification)
EVERYONE = dict.fromkeys(ROLES, 200) | {"anonymous": SIGN_IN}
MATRIX = {
    "list": [("get", None, EVERYONE)],
    "bell": [("get", None, EVERYONE)],
    "dropdown": [("get", None, EVERYONE)],
    "preferences": [("get", None, EVERYONE), ("post", None, dict.fromkeys(ROLES, 302))],
    "mark-all-read": [
        ("post", None, dict.fromkeys(ROLES, 302)),
        ("get", None, dict.fromkeys(ROLES, 405) | {"anonymous": SIGN_IN}),
    ],
    "open": [
        ("get", "own", dict.fromkeys(ROLES, 302)),
        ("get", "other", dict.fromkeys(ROLES, 404) | {"anonymous": SIGN_IN}),
    ],
    "mark-read": [
        ("post", "own", dict.fromkeys(ROLES, 302)),
        ("post", "other", dict.fromkeys(ROLES, 404) | {"anonymous": SIGN_IN}),
    ],
    # The token is the authority: it works for anyone holding it, signed in as someone else or not at all.
    "unsubscribe": [("get", "own", dict.fromkeys(ROLES, 200)), ("post", "own", dict.fromkeys(ROLES, 200))],
}

CASES = [
    (name, method, whose, role, expected)
    for name, rows in MATRIX.items()
    for method, whose, statuses in rows
    for role, expected in statuses.items()
]


def test_every_url_name_has_a_row():
    names = {p.name for p in urls_notifications.urlpatterns}
    assert names == set(MATRIX), f"missing rows: {names - set(MATRIX)}; stale rows: {set(MATRIX) - names}"


@pytest.mark.parametrize(("name", "method", "whose", "role", "expected"), CASES)
def test_matrix(as_role, other_leader, leader, name, method, whose, role, expected):
    client, user = as_role(role)
    owner = user or leader
    if whose == "other":
        notification = NotificationFactory(recipient=other_leader, url="/people/")
    else:
        notification = NotificationFactory(recipient=owner, url="/people/")
    if name == "unsubscribe":
        url = reverse("notifications:unsubscribe", args=[unsubscribe_token(owner, "mention")])
    elif name in ("open", "mark-read"):
        url = reverse(f"notifications:{name}", args=[notification.pk])
    else:
        url = reverse(f"notifications:{name}")
    response = getattr(client, method)(url)
    assert response.status_code == expected, f"{role} {method.upper()} {name} ({whose})"
    if expected == SIGN_IN and role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    if whose == "other" and method == "post":
        notification.refresh_from_db()
        assert notification.read_at is None
