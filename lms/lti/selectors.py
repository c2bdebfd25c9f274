"""Reads for the LTI pages: platforms with their deployments, courses with their cohorts and rosters."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from lti_tool.models import Key, LtiContext, LtiDeployment, LtiRegistration

from portal.people import permissions as portal_permissions

from .models import CourseCohort, RosterEntry, StageLineItem


def platforms() -> QuerySet[LtiRegistration]:
    return (
        LtiRegistration.objects.select_related("keystone_policy")
        .prefetch_related(
            Prefetch("deployments", queryset=LtiDeployment.objects.order_by("-is_active", "deployment_id"))
        )
        .order_by("name")
    )


def tool_keys() -> QuerySet[Key]:
    return Key.objects.order_by("-datetime_created")


def courses_for(user) -> QuerySet[CourseCohort]:
    """Linked courses this person may run: all for admins, their cohorts' for facilitators."""
    qs = CourseCohort.objects.select_related("cohort", "context__deployment__registration").annotate(
        roster_size=Count("roster", distinct=True),
        left_count=Count("roster", filter=Q(roster__left_at__isnull=False), distinct=True),
        columns=Count("stage_line_items", distinct=True),
    )
    if portal_permissions.is_admin(user):
        return qs.order_by("cohort__name")
    return qs.filter(cohort_id__in=portal_permissions.facilitated_cohort_ids(user)).order_by("cohort__name")


def unlinked_contexts() -> QuerySet[LtiContext]:
    """Courses launched from an LMS that no cohort holds yet (an admin links them)."""
    return (
        LtiContext.objects.filter(keystone_cohort__isnull=True)
        .exclude(id_on_platform="")
        .select_related("deployment__registration")
        .order_by("-datetime_created")
    )


def roster(course: CourseCohort) -> QuerySet[RosterEntry]:
    return (
        RosterEntry.objects.filter(course=course)
        .select_related("lti_user__auth_user__profile", "invitation")
        .order_by("left_at", "lti_user__name", "lti_user__sub")
    )


def stage_columns(course: CourseCohort) -> QuerySet[StageLineItem]:
    return (
        StageLineItem.objects.filter(course=course)
        .select_related("stage", "line_item")
        .annotate(scores_sent=Count("scores"))
    )
