"""What a dashboard is looking at: cohorts, dates, level, department, and the privacy floor."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from ..disclosure import Plan
from ..models import PersonRole

LEVELS = {1: "Senior executive", 2: "Middle manager", 3: "Front-line manager"}


@dataclass(frozen=True)
class Scope:
    cohort_ids: frozenset[int] | None  # None: every cohort, and organisation-wide activity
    start: date
    end: date
    level: int | None = None
    department: str | None = None
    k: int = 0  # privacy floor; 0 for a person's own page
    survey_id: int | None = None
    diagnostic_id: int | None = None
    # The viewer's disclosure plan (metrics.disclosure): which levels and departments a breakdown may show.
    plan: Plan | None = field(default=None, compare=False, hash=False)

    @property
    def first_week(self) -> date:
        return self.start - timedelta(days=self.start.weekday())

    def weeks(self) -> list[date]:
        """Mondays of the whole weeks that overlap the range."""
        weeks, week = [], self.first_week
        while week <= self.end:
            weeks.append(week)
            week += timedelta(days=7)
        return weeks

    def with_dates(self, start: date, end: date) -> Scope:
        return replace(self, start=start, end=end)

    def shows(self, *, level: int | None = None, department: str | None = None) -> bool:
        """May a breakdown row for ``level`` / ``department`` within this scope be shown?"""
        if self.plan is None:
            return True
        return self.plan.shows(self.cohort_ids, level or self.level, department or self.department)

    def hides(self, *figures: dict) -> bool:
        """Must this selection hide a figure that, given per row group (cohort, level, department) for every
        offered selection at once, is small in some selection (``metrics.disclosure.Siblings``)?"""
        if self.plan is None or not self.k:
            return False
        return self.plan.hides(figures, self.cohort_ids, self.level, self.department)

    def hides_within(self, option, *figures: dict) -> bool:
        """Must this selection hide a figure only ``option``'s selections show, the same value under every
        option showing it (one prompt's replies, one cohort's trends column)? ``Siblings.hidden_within``."""
        if self.plan is None or not self.k:
            return False
        return self.plan.hides_within(figures, option, self.level, self.department)

    def hides_largest(self, parts: list[dict]) -> bool:
        """Must this selection hide a count of events resting on its largest part (replies to several prompts)?"""
        if self.plan is None or not self.k:
            return False
        return self.plan.hides_largest(parts, self.cohort_ids, self.level, self.department)

    def hides_option(self, reach) -> bool:
        """Must this selection hide a figure that ignores level and department (``Plan.hidden_options``)?

        ``reach``: for each person behind the figure, the cohort options (``disclosure.ALL``, cohort ids)
        whose figure counts them.
        """
        if self.plan is None or not self.k:
            return False
        option = self.plan.option_of(self.cohort_ids)
        return option is not None and option in self.plan.hidden_options(reach)

    def members(self) -> list[dict]:
        """Every MemberStatus row the viewer's plan read (all selections at once), each with its ``group``."""
        rows = self.plan.members if self.plan is not None else []
        for row in rows:
            row.setdefault("group", (row["cohort_id"], row["management_level"], row["department"] or ""))
        return rows

    def everyone(self, qs: QuerySet, *, role: str | None = PersonRole.LEADER) -> QuerySet:
        """A rollup queryset over every selection the viewer may open (the plan's "all"), not just this one."""
        all_cohorts = self.plan.all_cohorts if self.plan is not None else self.cohort_ids
        if all_cohorts is not None:
            qs = qs.filter(cohort_id__in=all_cohorts)
        return qs.filter(role=role) if role else qs

    # -------------------------------------------------------------- filters
    def dims(self, qs: QuerySet, *, role: str | None = PersonRole.LEADER, prefix: str = "") -> QuerySet:
        """Filter a rollup queryset by cohort, level, department (and role) of its rows."""
        if self.cohort_ids is not None:
            qs = qs.filter(**{f"{prefix}cohort_id__in": self.cohort_ids})
        if self.level:
            qs = qs.filter(**{f"{prefix}management_level": self.level})
        if self.department:
            qs = qs.filter(**{f"{prefix}department": self.department})
        if role:
            qs = qs.filter(**{f"{prefix}role": role})
        return qs

    def people_dims(self, qs: QuerySet) -> QuerySet:
        """MemberStatus (current level and department; no role: members are leaders)."""
        if self.cohort_ids is not None:
            qs = qs.filter(cohort_id__in=self.cohort_ids)
        if self.level:
            qs = qs.filter(management_level=self.level)
        if self.department:
            qs = qs.filter(department=self.department)
        return qs

    def response_filter(self) -> Q:
        """The level/department/role part of the scope, for PromptResponse rows reached through a join."""
        q = Q(responses__role=PersonRole.LEADER)
        if self.level:
            q &= Q(responses__management_level=self.level)
        if self.department:
            q &= Q(responses__department=self.department)
        return q
