"""Who may see which dashboards. Views call these; templates receive booleans."""

from __future__ import annotations

from django.conf import settings

from portal.people import permissions as people


def can_view_dashboards(user) -> bool:
    """L&D analysts and admins see every cohort; facilitators see the cohorts they run."""
    return people.can_view_dashboards(user)


def sees_all_cohorts(user) -> bool:
    return people.is_admin(user) or people.is_analyst(user)


def dashboard_cohort_ids(user) -> frozenset[int] | None:
    """The cohorts ``user``'s dashboards cover: None means all of them (and organisation-wide activity)."""
    if sees_all_cohorts(user):
        return None
    if people.is_facilitator(user):
        return frozenset(people.facilitated_cohort_ids(user))
    return frozenset()


def can_view_cohort(user, cohort_id: int) -> bool:
    allowed = dashboard_cohort_ids(user)
    return can_view_dashboards(user) and (allowed is None or cohort_id in allowed)


def min_group_size(user) -> int:
    """The privacy floor applies to every shared dashboard and export, whoever reads it (admins too)."""
    return max(1, settings.METRICS_MIN_GROUP_SIZE)
