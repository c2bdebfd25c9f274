"""Reads behind the filter form: the cohorts, departments and surveys a viewer may choose from."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from portal.people.models import Cohort, CohortSession

from ..models import MemberStatus


def visible_cohorts(cohort_ids: frozenset[int] | None) -> QuerySet[Cohort]:
    qs = Cohort.objects.order_by("name")
    return qs if cohort_ids is None else qs.filter(pk__in=cohort_ids)


def departments(cohort_ids: frozenset[int] | None) -> list[str]:
    qs = MemberStatus.objects.exclude(department="")
    if cohort_ids is not None:
        qs = qs.filter(cohort_id__in=cohort_ids)
    return list(qs.order_by("department").values_list("department", flat=True).distinct())


def compare_pivot(cohort_id: int | None, today: date) -> date:
    """Where period B starts by default: the cohort's first formal session if it has passed, else 4 weeks ago."""
    if cohort_id:
        first = CohortSession.objects.filter(cohort_id=cohort_id).order_by("starts_at").first()
        if first and timezone.localtime(first.starts_at).date() <= today:
            return timezone.localtime(first.starts_at).date()
    return today - timedelta(days=27)
