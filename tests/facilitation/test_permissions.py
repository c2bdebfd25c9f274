"""Every view in the "facilitation" namespace, for every role, -> expected status.

Cohort tools target the cohort ``facilitator`` runs, so ``other_facilitator`` (who runs another cohort)
shows the own/other split. The private review belongs to ``other_leader``: every other member, other
cohorts' facilitators, analysts and admins get 404 (its existence is not revealed). Adding a view to
onboarding/facilitation/urls.py without a row here fails ``test_every_url_has_a_row``.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forums.services import topic_create
from onboarding.facilitation import urls as facilitation_urls
from onboarding.facilitation.models import PromptTemplate, ReviewRequest, ScheduledPrompt
from tests.conftest import ROLES
from tests.factories import BuddyPairFactory, PromptTemplateFactory, ReviewRequestFactory, ScheduledPromptFactory

OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404
SIGNED_IN = ["leader", "facilitator", "other_facilitator", "analyst", "admin"]


def only(allowed: dict, default=FORBIDDEN) -> dict:
    return {role: allowed.get(role, default) for role in SIGNED_IN}


OWN_COHORT = only({"facilitator": OK, "admin": OK})
OWN_COHORT_POST = only({"facilitator": REDIRECT, "admin": REDIRECT})
FACILITATORS = only({"facilitator": OK, "other_facilitator": OK, "admin": OK})
EVERYONE = only({r: OK for r in SIGNED_IN})
# The private review of other_leader: only the cohort's facilitator (and the author) may see it.
PRIVATE = {"leader": NOT_FOUND, "other_facilitator": NOT_FOUND, "analyst": NOT_FOUND, "admin": NOT_FOUND}

# name: (method, url builder(targets), data builder(targets), expected by role)
MATRIX = {
    "index": ("get", lambda t: reverse("facilitation:index"), None, FACILITATORS),
    "console": ("get", lambda t: reverse("facilitation:console", args=[t["cohort"].slug]), None, OWN_COHORT),
    "settings": ("get", lambda t: reverse("facilitation:settings", args=[t["cohort"].slug]), None, OWN_COHORT),
    "nudge": ("get", lambda t: reverse("facilitation:nudge", args=[t["cohort"].slug]), None, OWN_COHORT),
    "buddies": ("get", lambda t: reverse("facilitation:buddies", args=[t["cohort"].slug]), None, OWN_COHORT),
    "buddy-remove": (
        "post", lambda t: reverse("facilitation:buddy-remove", args=[t["pair"].pk]), None, OWN_COHORT_POST
    ),
    "schedule": ("get", lambda t: reverse("facilitation:schedule", args=[t["cohort"].slug]), None, OWN_COHORT),
    "prompt-create": (
        "get", lambda t: reverse("facilitation:prompt-create", args=[t["cohort"].slug]), None, OWN_COHORT
    ),
    "prompt-edit": ("get", lambda t: reverse("facilitation:prompt-edit", args=[t["prompt"].pk]), None, OWN_COHORT),
    "prompt-cancel": (
        "post", lambda t: reverse("facilitation:prompt-cancel", args=[t["prompt"].pk]), None, OWN_COHORT_POST
    ),
    "prompt-move": (
        "post", lambda t: reverse("facilitation:prompt-move", args=[t["prompt"].pk]), lambda t: {"direction": "down"},
        OWN_COHORT_POST,
    ),
    "prompt-release": (
        "post", lambda t: reverse("facilitation:prompt-release", args=[t["prompt"].pk]), None, OWN_COHORT_POST
    ),
    "prompt-save": (
        "post", lambda t: reverse("facilitation:prompt-save", args=[t["prompt"].pk]), None, OWN_COHORT_POST
    ),
    "library": ("get", lambda t: reverse("facilitation:library"), None, FACILITATORS),
    "template-create": ("get", lambda t: reverse("facilitation:template-create"), None, FACILITATORS),
    "template-edit": (
        "get", lambda t: reverse("facilitation:template-edit", args=[t["template"].pk]), None, OWN_COHORT
    ),
    "template-delete": (
        "post", lambda t: reverse("facilitation:template-delete", args=[t["template"].pk]), None, OWN_COHORT_POST
    ),
    "library-clone": (
        "post",
        lambda t: reverse("facilitation:library-clone", args=[t["shipped"].pk]),
        lambda t: {"cohort": t["cohort"].pk, "board": t["board"].pk, "session": ""},
        OWN_COHORT_POST,
    ),
    # leader has a buddy (other_leader), so has a queue of their own.
    "first-timers": ("get", lambda t: reverse("facilitation:first-timers"), None, only({"analyst": FORBIDDEN}, OK)),
    "first-timer-reply": (
        "post",
        lambda t: reverse("facilitation:first-timer-reply", args=[t["post"].pk]),
        lambda t: {f"p{t['post'].pk}-body": "Welcome, glad you posted this.", f"p{t['post'].pk}-client_key": "k1"},
        only({"leader": REDIRECT, "facilitator": REDIRECT, "admin": REDIRECT}, NOT_FOUND),
    ),
    "reviews": ("get", lambda t: reverse("facilitation:reviews"), None, EVERYONE),
    "review-create": ("get", lambda t: reverse("facilitation:review-create"), None, only({"leader": OK})),
    "review-detail": (
        "get", lambda t: reverse("facilitation:review-detail", args=[t["review"].pk]), None,
        {**PRIVATE, "facilitator": OK},
    ),
    "review-edit": (
        "get", lambda t: reverse("facilitation:review-edit", args=[t["review"].pk]), None,
        {**PRIVATE, "facilitator": FORBIDDEN},
    ),
    "review-comment": (
        "post", lambda t: reverse("facilitation:review-comment", args=[t["review"].pk]),
        lambda t: {"body": "The second paragraph says it best: lead with it."}, {**PRIVATE, "facilitator": REDIRECT},
    ),
    "review-publish": (
        "post", lambda t: reverse("facilitation:review-publish", args=[t["review"].pk]), None,
        {**PRIVATE, "facilitator": FORBIDDEN},
    ),
    "review-withdraw": (
        "post", lambda t: reverse("facilitation:review-withdraw", args=[t["review"].pk]), None,
        {**PRIVATE, "facilitator": FORBIDDEN},
    ),
}  # fmt: skip


def test_every_url_has_a_row():
    names = {pattern.name for pattern in facilitation_urls.urlpatterns}
    assert names == set(MATRIX), f"missing rows: {names - set(MATRIX)}; stale rows: {set(MATRIX) - names}"


def test_every_row_covers_every_role():
    for name, (_, _, _, expected) in MATRIX.items():
        assert set(expected) | {"anonymous"} == set(ROLES), name


@pytest.fixture
def targets(cohort, facilitator, leader, other_leader, board, sessions):
    post = topic_create(
        actor=other_leader, board=board, title="My very first topic here", body="<p>Hello, everyone.</p>"
    ).first_post
    return {
        "cohort": cohort,
        "board": board,
        "pair": BuddyPairFactory(cohort=cohort, first=min(leader, other_leader, key=lambda u: u.pk),
                                 second=max(leader, other_leader, key=lambda u: u.pk)),
        "prompt": ScheduledPromptFactory(cohort=cohort, board=board, created_by=facilitator),
        "later": ScheduledPromptFactory(
            cohort=cohort, board=board, created_by=facilitator, release_at=timezone.now() + timedelta(days=3)
        ),
        "template": PromptTemplateFactory(owner=facilitator),
        "shipped": PromptTemplate.objects.filter(key__isnull=False).first(),
        "review": ReviewRequestFactory(author=other_leader, cohort=cohort, board=board),
        "post": post,
    }  # fmt: skip


CASES = [(name, role) for name in MATRIX for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_permission_matrix(name, role, as_role, targets):
    client, _ = as_role(role)
    method, url_for, data_for, expected = MATRIX[name]
    url = url_for(targets)
    data = data_for(targets) if data_for else {}

    response = getattr(client, method)(url, data)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected[role], f"{method.upper()} {url} as {role}"
        if expected[role] == REDIRECT:
            assert not response["Location"].startswith(reverse("account_login"))
            assert "/accounts/2fa" not in response["Location"]


# ---------------------------------------------------------------- what a refusal leaves behind
@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader", "other_facilitator", "analyst", "admin"])
def test_a_private_draft_and_its_comments_never_show_to_others(role, as_role, targets, facilitator):
    from onboarding.facilitation.services import review_comment

    review = targets["review"]
    review_comment(actor=facilitator, review=review, body="Lead with the second paragraph, it is your point.")
    client, _ = as_role(role)

    for url in (reverse("facilitation:reviews"), reverse("facilitation:review-detail", args=[review.pk])):
        page = client.get(url).content.decode()
        assert review.title not in page
        assert "Lead with the second paragraph" not in page
        assert "depot missed its target" not in page


@pytest.mark.django_db
def test_the_cohorts_facilitator_sees_the_draft_and_its_author_can_act(client, targets, facilitator, other_leader):
    review = targets["review"]
    client.force_login(facilitator)
    assert review.title in client.get(reverse("facilitation:reviews")).content.decode()
    client.force_login(other_leader)
    assert client.get(reverse("facilitation:review-edit", args=[review.pk])).status_code == OK
    assert client.post(reverse("facilitation:review-withdraw", args=[review.pk])).status_code == REDIRECT
    assert ReviewRequest.objects.get(pk=review.pk).status == "withdrawn"


@pytest.mark.django_db
def test_refused_posts_change_nothing(as_role, targets):
    client, _ = as_role("other_facilitator")
    prompt = targets["prompt"]
    client.post(reverse("facilitation:prompt-cancel", args=[prompt.pk]))
    client.post(reverse("facilitation:prompt-release", args=[prompt.pk]))
    client.post(
        reverse("facilitation:library-clone", args=[targets["shipped"].pk]),
        {"cohort": targets["cohort"].pk, "board": targets["board"].pk},
    )
    assert ScheduledPrompt.objects.get(pk=prompt.pk).status == "queued"
    assert ScheduledPrompt.objects.count() == 2
