"""Reads about cohorts: the list, one cohort's page, its members and sessions."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from portal.people.models import Cohort, CohortSession, Membership, User
from portal.people.selectors.people import people_for_viewer


def _facilitators_prefetch() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(kind=Membership.Kind.FACILITATOR, user__is_active=True)
        .select_related("user__profile")
        .order_by(Lower("user__profile__display_name")),
        to_attr="facilitator_memberships",
    )


def cohort_list() -> QuerySet[Cohort]:
    """Every cohort with its sponsor, facilitators, member count and next session."""
    next_session = CohortSession.objects.filter(cohort=OuterRef("pk"), starts_at__gte=timezone.now()).order_by(
        "starts_at"
    )
    return (
        Cohort.objects.select_related("sponsor__profile")
        .annotate(
            member_count=Count(
                "memberships",
                filter=Q(memberships__kind=Membership.Kind.MEMBER, memberships__user__is_active=True),
            ),
            next_session_at=Subquery(next_session.values("starts_at")[:1]),
        )
        .prefetch_related(_facilitators_prefetch())
        .order_by("name")
    )


def cohort_detail_queryset() -> QuerySet[Cohort]:
    """Cohorts with what the cohort page shows beside the members list."""
    return cohort_list().prefetch_related(
        Prefetch("sessions", queryset=CohortSession.objects.order_by("starts_at", "number"), to_attr="session_list")
    )


def cohort_members(viewer, cohort: Cohort) -> QuerySet[User]:
    """The members (not facilitators) of a cohort, as directory people."""
    return people_for_viewer(viewer).filter(
        Exists(Membership.objects.filter(user=OuterRef("pk"), cohort=cohort, kind=Membership.Kind.MEMBER))
    )


def cohort_memberships(cohort: Cohort) -> QuerySet[Membership]:
    """Everyone in a cohort with their kind, for the admin's membership page: facilitators first."""
    return (
        Membership.objects.filter(cohort=cohort)
        .select_related("user__profile")
        .order_by("kind", Lower("user__profile__display_name"), "pk")
    )


def people_not_in(cohort: Cohort) -> QuerySet[User]:
    """Active people who could be added to a cohort."""
    return (
        User.objects.filter(is_active=True, profile__isnull=False)
        .exclude(Exists(Membership.objects.filter(user=OuterRef("pk"), cohort=cohort)))
        .select_related("profile")
        .order_by(Lower("profile__display_name"), "pk")
    )


def sponsor_choices() -> QuerySet[User]:
    """People who may be named sponsor: any active person, senior executives first."""
    return (
        User.objects.filter(is_active=True, profile__isnull=False)
        .select_related("profile")
        .order_by(F("profile__management_level").asc(nulls_last=True), Lower("profile__display_name"), "pk")
    )
