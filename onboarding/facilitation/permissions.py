"""Who may do what in facilitation. Views call these; templates receive booleans.

- Cohort tools (console, schedule, buddies, nudges, settings): the cohort's facilitators and admins
  (``portal.permissions.can_facilitate``). L&D analysts read dashboards, not individuals: no access.
- The prompt library: the programme's facilitators and admins (anyone who can schedule prompts somewhere).
  Shipped prompts are read-only; a saved prompt is edited by its owner or an admin.
- Private reviews: the author and the facilitators *of that cohort* (a Membership of kind facilitator).
  Nobody else, admins and analysts included: a draft someone shares privately stays private. Views
  answer 404 so a review's existence is not revealed.
- The first-timer queue: facilitators (their cohorts), admins (every cohort), and members with a buddy
  (their buddy's first posts only).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.people import permissions as portal_permissions
from portal.people.models import Cohort, Membership

from .models import BuddyPair, Nudge, PromptTemplate, ReviewRequest


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# ---------------------------------------------------------------- cohorts
def can_facilitate(user, cohort: Cohort | int) -> bool:
    return _authenticated(user) and portal_permissions.can_facilitate(user, cohort)


def facilitation_cohorts(user) -> QuerySet[Cohort]:
    """The cohorts whose facilitation tools this person may use."""
    if not _authenticated(user):
        return Cohort.objects.none()
    if portal_permissions.is_admin(user):
        return Cohort.objects.all()
    if portal_permissions.is_facilitator(user):
        return Cohort.objects.filter(pk__in=portal_permissions.facilitated_cohort_ids(user))
    return Cohort.objects.none()


def can_use_facilitation(user) -> bool:
    """Has at least one cohort to facilitate (the index page and the library)."""
    return portal_permissions.is_admin(user) or (
        portal_permissions.is_facilitator(user) and bool(portal_permissions.facilitated_cohort_ids(user))
    )


# ---------------------------------------------------------------- the library
def can_use_library(user) -> bool:
    return _authenticated(user) and can_use_facilitation(user)


def can_edit_template(user, template: PromptTemplate) -> bool:
    if template.is_shipped or not can_use_library(user):
        return False
    return template.owner_id == user.pk or portal_permissions.is_admin(user)


# ---------------------------------------------------------------- private reviews
def review_facilitator_ids(cohort_id: int) -> set[int]:
    """The people who see a cohort's private reviews besides each author: its facilitators."""
    return set(
        Membership.objects.filter(
            cohort_id=cohort_id, kind=Membership.Kind.FACILITATOR, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def reviews_cohort_ids(user) -> set[int]:
    """Cohorts whose private reviews this person handles (those they are a facilitator member of)."""
    if not _authenticated(user) or not portal_permissions.is_facilitator(user):
        return set()
    return set(portal_permissions.facilitated_cohort_ids(user))


def can_view_review(user, review: ReviewRequest) -> bool:
    if not _authenticated(user):
        return False
    return review.author_id == user.pk or review.cohort_id in reviews_cohort_ids(user)


def can_comment_review(user, review: ReviewRequest) -> bool:
    return review.is_open and can_view_review(user, review)


def can_change_review(user, review: ReviewRequest) -> bool:
    """Revise, publish or withdraw: the author alone, while the review is open."""
    return review.is_open and _authenticated(user) and review.author_id == user.pk


def can_request_review(user, cohort_id: int | None) -> bool:
    """A member may send drafts to the facilitators of a cohort they belong to as a member."""
    if not _authenticated(user) or cohort_id is None:
        return False
    return Membership.objects.filter(user=user, cohort_id=cohort_id, kind=Membership.Kind.MEMBER).exists()


def review_cohort_choices(user) -> QuerySet[Cohort]:
    """The cohorts this person may send drafts in (where they are a member)."""
    if not _authenticated(user):
        return Cohort.objects.none()
    return Cohort.objects.filter(memberships__user=user, memberships__kind=Membership.Kind.MEMBER).distinct()


# ---------------------------------------------------------------- first-timer queue and buddies
def buddy_ids(user) -> dict[int, int]:
    """{cohort id: buddy's user id} for this person (cached on the instance for the request)."""
    if not _authenticated(user):
        return {}
    cached = getattr(user, "_facilitation_buddies", None)
    if cached is None:
        cached = {}
        for pair in BuddyPair.objects.filter(Q(first=user) | Q(second=user)).only("cohort_id", "first_id", "second_id"):
            cached[pair.cohort_id] = pair.second_id if pair.first_id == user.pk else pair.first_id
        user._facilitation_buddies = cached
    return cached


def can_view_first_timers(user) -> bool:
    return can_use_facilitation(user) or bool(buddy_ids(user))


# ---------------------------------------------------------------- nudges
def can_view_nudge(user, nudge: Nudge) -> bool:
    return _authenticated(user) and (nudge.recipient_id == user.pk or can_facilitate(user, nudge.cohort_id))
