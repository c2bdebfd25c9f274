"""Every view in the "people" namespace, for every role, → expected status.

The target person is a leader of the cohort; the target cohort is the one ``facilitator`` runs
(so ``other_facilitator`` is a facilitator of another cohort). Adding a view to portal/urls_people.py
without a row here fails ``test_every_people_url_has_a_row``.
"""

import pytest
from django.urls import reverse

from portal.people import urls as urls_people
from tests.conftest import ROLES
from tests.factories import CohortSessionFactory

LOGIN = "login"  # anonymous visitors are sent to the sign-in page (a 302 to it)
OK, REDIRECT, FORBIDDEN = 200, 302, 403

EVERYONE = {"leader": OK, "facilitator": OK, "other_facilitator": OK, "analyst": OK, "admin": OK}
EVERYONE_REDIRECTED = dict.fromkeys(EVERYONE, REDIRECT)
ADMIN_ONLY = {**dict.fromkeys(EVERYONE, FORBIDDEN), "admin": OK}
ADMIN_ONLY_POST = {**dict.fromkeys(EVERYONE, FORBIDDEN), "admin": REDIRECT}
FACILITATION = {**dict.fromkeys(EVERYONE, FORBIDDEN), "facilitator": OK, "admin": OK}
FACILITATION_POST = {**dict.fromkeys(EVERYONE, FORBIDDEN), "facilitator": REDIRECT, "admin": REDIRECT}

# name: (method, args builder, data, expected by role)
MATRIX = {
    "directory": ("get", lambda t: [], {}, EVERYONE),
    "profile": ("get", lambda t: [t["person"].pk], {}, EVERYONE),
    "profile-edit": ("get", lambda t: [], {}, EVERYONE),
    "profile-edit-person": ("get", lambda t: [t["person"].pk], {}, ADMIN_ONLY),
    "follow": ("post", lambda t: [t["person"].pk], {}, EVERYONE_REDIRECTED),
    "unfollow": ("post", lambda t: [t["person"].pk], {}, EVERYONE_REDIRECTED),
    "followers": ("get", lambda t: [t["person"].pk], {}, EVERYONE),
    "following": ("get", lambda t: [t["person"].pk], {}, EVERYONE),
    "cohorts": ("get", lambda t: [], {}, EVERYONE),
    "cohort": ("get", lambda t: [t["cohort"].slug], {}, EVERYONE),
    "cohort-create": ("get", lambda t: [], {}, ADMIN_ONLY),
    "cohort-edit": ("get", lambda t: [t["cohort"].slug], {}, FACILITATION),
    "session-create": ("get", lambda t: [t["cohort"].slug], {}, FACILITATION),
    "session-edit": ("get", lambda t: [t["cohort"].slug, t["session"].pk], {}, FACILITATION),
    "session-delete": ("post", lambda t: [t["cohort"].slug, t["session"].pk], {}, FACILITATION_POST),
    "cohort-members": ("get", lambda t: [t["cohort"].slug], {}, ADMIN_ONLY),
    "cohort-member-kind": (
        "post",
        lambda t: [t["cohort"].slug, t["person"].pk],
        {"kind": "facilitator"},
        ADMIN_ONLY_POST,
    ),
    "cohort-member-remove": ("post", lambda t: [t["cohort"].slug, t["person"].pk], {}, ADMIN_ONLY_POST),
}


def test_every_people_url_has_a_row():
    names = {pattern.name for pattern in urls_people.urlpatterns}
    assert names == set(MATRIX), f"missing rows: {names - set(MATRIX)}; stale rows: {set(MATRIX) - names}"


def test_every_row_covers_every_role():
    for name, (_, _, _, expected) in MATRIX.items():
        assert set(expected) | {"anonymous"} == set(ROLES), name


CASES = [(name, role) for name in MATRIX for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_permission_matrix(name, role, as_role, other_leader, cohort):
    client, _ = as_role(role)
    targets = {"person": other_leader, "cohort": cohort, "session": CohortSessionFactory(cohort=cohort)}
    method, args, data, expected = MATRIX[name]
    url = reverse(f"people:{name}", args=args(targets))

    response = getattr(client, method)(url, data)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected[role], f"{method.upper()} {url} as {role}"
        if expected[role] == REDIRECT:
            assert not response["Location"].startswith(reverse("account_login"))
            assert "/accounts/2fa" not in response["Location"]
