"""Every view in the "onboarding" namespace, for every role, -> expected status.

Cohort-scoped views target the cohort ``facilitator`` runs, so ``other_facilitator`` (who runs another
cohort) shows the own/other split. Adding a view to onboarding/urls.py without a row here fails
``test_every_onboarding_url_has_a_row``.
"""

import pytest
from django.urls import reverse

from onboarding import urls as onboarding_urls
from onboarding.models import CoachTerm, Goal, GoalStage, PolicyVersion
from tests.conftest import ROLES

OK, REDIRECT, BAD, FORBIDDEN = 200, 302, 400, 403
SIGNED_IN = ["leader", "facilitator", "other_facilitator", "analyst", "admin"]


def only(allowed: dict, default=FORBIDDEN) -> dict:
    return {role: allowed.get(role, default) for role in SIGNED_IN}


EVERYONE = only({r: OK for r in SIGNED_IN})
EVERYONE_REDIRECTED = only({r: REDIRECT for r in SIGNED_IN})
AUTHORS = only({"facilitator": OK, "other_facilitator": OK, "analyst": OK, "admin": OK})
L_AND_D = only({"analyst": OK, "admin": OK})
L_AND_D_POST = only({"analyst": REDIRECT, "admin": REDIRECT})
PROGRAMME_TEAM = only({"facilitator": OK, "other_facilitator": OK, "analyst": OK, "admin": OK})
OWN_COHORT = only({"facilitator": OK, "analyst": OK, "admin": OK})  # other_facilitator: another cohort
COHORT_FACILITATION = only({"facilitator": OK, "admin": OK})  # individual goals: not L&D
ADMIN_ONLY = only({"admin": OK})
EXPORT = only({"analyst": OK, "admin": OK})


def q(cohort_slug):
    return f"?cohort={cohort_slug}"


# name: (method, url builder(targets), data, expected by role)
MATRIX = {
    "index": ("get", lambda t: reverse("onboarding:index"), {}, EVERYONE),
    "path": ("get", lambda t: reverse("onboarding:path"), {}, EVERYONE),
    "welcome": ("get", lambda t: reverse("onboarding:welcome"), {}, EVERYONE),
    "path-next": ("get", lambda t: reverse("onboarding:path-next"), {}, EVERYONE_REDIRECTED),  # to the current step
    "path-skip": ("post", lambda t: reverse("onboarding:path-skip", args=["survey"]), {}, EVERYONE_REDIRECTED),
    "practice": ("get", lambda t: reverse("onboarding:practice"), {}, EVERYONE),
    "lesson-detail": ("get", lambda t: reverse("onboarding:lesson-detail", args=["how-to-reply"]), {}, EVERYONE),
    "lesson-complete": (
        "post",
        lambda t: reverse("onboarding:lesson-complete", args=["how-to-reply"]),
        {},
        EVERYONE_REDIRECTED,
    ),
    "goals": ("get", lambda t: reverse("onboarding:goals"), {}, EVERYONE),
    "policy": ("get", lambda t: reverse("onboarding:policy"), {}, EVERYONE),
    "policy-version": ("get", lambda t: reverse("onboarding:policy-version", args=[t["policy"].pk]), {}, EVERYONE),
    "policy-acknowledge": (
        "post",
        lambda t: reverse("onboarding:policy-acknowledge"),
        {"confirm": "on"},
        EVERYONE_REDIRECTED,
    ),
    "policy-publish": ("get", lambda t: reverse("onboarding:policy-publish"), {}, ADMIN_ONLY),
    "policy-export": ("get", lambda t: reverse("onboarding:policy-export"), {}, EXPORT),
    "survey-mine": ("get", lambda t: reverse("onboarding:survey-mine", args=["leader-readiness"]), {}, EVERYONE),
    "survey-take": (
        "get",
        lambda t: reverse("onboarding:survey-take", args=["leader-readiness", "before"]),
        {},
        EVERYONE,
    ),
    "coach-check": (
        "post",
        lambda t: reverse("onboarding:coach-check"),
        {"coach_kind": "reply", "body": "<p>Revenue was £2m.</p>"},
        EVERYONE,
    ),
    "cohort-goals": (
        "get",
        lambda t: reverse("onboarding:cohort-goals", args=[t["cohort"].slug]),
        {},
        COHORT_FACILITATION,
    ),
    "manage": ("get", lambda t: reverse("onboarding:manage"), {}, AUTHORS),
    "lesson-create": ("get", lambda t: reverse("onboarding:lesson-create"), {}, AUTHORS),
    "lesson-edit": ("get", lambda t: reverse("onboarding:lesson-edit", args=["how-to-reply"]), {}, AUTHORS),
    "curriculum-edit": ("get", lambda t: reverse("onboarding:curriculum-edit") + q(t["cohort"].slug), {}, OWN_COHORT),
    "ladder-edit": ("get", lambda t: reverse("onboarding:ladder-edit") + q(t["cohort"].slug), {}, OWN_COHORT),
    "stage-edit": (
        "post",
        lambda t: reverse("onboarding:stage-edit", args=[t["stage"].pk]),
        {},
        L_AND_D_POST,  # the default ladder: L&D and admins only
    ),
    "goal-add": ("post", lambda t: reverse("onboarding:goal-add", args=[t["stage"].pk]), {}, L_AND_D_POST),
    "goal-edit": ("get", lambda t: reverse("onboarding:goal-edit", args=[t["goal"].pk]), {}, L_AND_D),
    "goal-delete": ("post", lambda t: reverse("onboarding:goal-delete", args=[t["goal"].pk]), {}, L_AND_D_POST),
    "cohort-settings": (
        "get",
        lambda t: reverse("onboarding:cohort-settings", args=[t["cohort"].slug]),
        {},
        OWN_COHORT,
    ),
    "coach-rules": ("get", lambda t: reverse("onboarding:coach-rules"), {}, L_AND_D),
    "coach-rule-update": (
        "post",
        lambda t: reverse("onboarding:coach-rule-update", args=["figures"]),
        {"figures-enabled": "on"},
        L_AND_D_POST,
    ),
    "coach-terms": ("get", lambda t: reverse("onboarding:coach-terms"), {}, L_AND_D),
    "coach-term-delete": (
        "post",
        lambda t: reverse("onboarding:coach-term-delete", args=[t["term"].pk]),
        {},
        L_AND_D_POST,
    ),
    "survey-list": ("get", lambda t: reverse("onboarding:survey-list"), {}, PROGRAMME_TEAM),
    "survey-create": ("get", lambda t: reverse("onboarding:survey-create"), {}, L_AND_D),
    "survey-edit": ("get", lambda t: reverse("onboarding:survey-edit", args=["leader-readiness"]), {}, L_AND_D),
    "survey-results": (
        "get",
        lambda t: reverse("onboarding:survey-results", args=["programme-readiness-diagnostic"]),
        {},
        PROGRAMME_TEAM,
    ),
    "survey-round": (
        "get",
        lambda t: reverse("onboarding:survey-round", args=["leader-readiness"]) + q(t["cohort"].slug),
        {},
        OWN_COHORT,
    ),
}


def test_every_onboarding_url_has_a_row():
    names = {pattern.name for pattern in onboarding_urls.urlpatterns}
    assert names == set(MATRIX), f"missing rows: {names - set(MATRIX)}; stale rows: {set(MATRIX) - names}"


def test_every_row_covers_every_role():
    for name, (_, _, _, expected) in MATRIX.items():
        assert set(expected) | {"anonymous"} == set(ROLES), name


CASES = [(name, role) for name in MATRIX for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_permission_matrix(name, role, as_role, cohort):
    client, _ = as_role(role)
    stage = GoalStage.objects.get(ladder__cohort__isnull=True, kind="crawl")
    targets = {
        "cohort": cohort,
        "policy": PolicyVersion.objects.get(),
        "stage": stage,
        "goal": Goal.objects.filter(stage=stage).first(),
        "term": CoachTerm.objects.filter(list="privileged").first(),
    }
    method, url_for, data, expected = MATRIX[name]
    url = url_for(targets)
    if name == "policy-acknowledge":
        data = {**data, "version": targets["policy"].pk}

    response = getattr(client, method)(url, data)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected[role], f"{method.upper()} {url} as {role}"
        if expected[role] == REDIRECT:
            assert not response["Location"].startswith(reverse("account_login"))
            assert "/accounts/2fa" not in response["Location"]
