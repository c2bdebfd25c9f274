"""Distinct people over weeks and periods, read from person-weeks where whole weeks allow it.

WeeklyActor holds one row per person-week (per cohort, level, department and role), DailyActor one
per person-day. A figure over a date range reads the whole Monday-to-Sunday weeks inside the range
from WeeklyActor and only the days outside them from DailyActor, so its cost follows people x weeks
plus at most twelve days, not how much each person did. Counts stay exact: a person-week's counters
are the sums of their days, so "did X in the week" is "did X on one of its days", and a week is
never read from both tables. Runs of days that are not whole weeks (the last 7 or 28 days, the 7-day
windows of regular contributors, daily active people) are read from the person-weeks' day masks
(one bit per weekday with activity, or with a contribution), also exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, F, IntegerField, QuerySet, Sum, Value, When
from django.db.models.lookups import GreaterThan

from ..models import DailyActor, WeeklyActor
from ..rollup.common import week_of  # Monday of a day's week, as the rollup files it

COUNTERS = (
    "actions",
    "contributions",
    "topics",
    "replies",
    "entries",
    "comments",
    "reactions",
    "lessons_completed",
    "goals_completed",
)


def whole_weeks(first: date, end: date) -> tuple[date, date] | None:
    """The Mondays of the first and last whole Monday-to-Sunday weeks inside ``first``..``end`` (None: none)."""
    monday = first + timedelta(days=-first.weekday() % 7)
    sunday = end - timedelta(days=(end.weekday() + 1) % 7)
    if monday + timedelta(days=6) > sunday:
        return None
    return monday, sunday - timedelta(days=6)


def sources(first: date, end: date) -> list[QuerySet]:
    """The rows covering ``first``..``end``: person-weeks of its whole weeks, person-days of the rest.

    Both have the fields a figure filters and groups by (``week``, the dimensions, the counters).
    """
    weeks = whole_weeks(first, end)
    if weeks is None:
        return [DailyActor.objects.filter(day__range=(first, end))]
    monday, last = weeks
    sunday = last + timedelta(days=6)
    found: list[QuerySet] = [WeeklyActor.objects.filter(week__range=(monday, last))]
    if first < monday:
        found.append(DailyActor.objects.filter(day__range=(first, monday - timedelta(days=1))))
    if sunday < end:
        found.append(DailyActor.objects.filter(day__range=(sunday + timedelta(days=1), end)))
    return found


def combined(first: date, end: date, build: Callable[[QuerySet], QuerySet]) -> QuerySet:
    """``build`` (a ``values()`` query) run over every source of ``first``..``end``, as one query.

    Guarantees: one SQL statement whatever the range (the sources' parts joined by UNION ALL, so
    rows are neither merged nor dropped); each row comes from one table.
    """
    parts = [build(qs).order_by() for qs in sources(first, end)]
    return parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)


def per_week(first: date, end: date, build: Callable[[QuerySet], QuerySet]) -> list[Any]:
    """``build`` (a query grouped by ``week``) run over ``first``..``end``; its rows, week by week.

    A week is read from one table only, so rows grouped by week (and more) are exact as they come;
    the tables are read in one query (``combined``).
    """
    return list(combined(first, end, build))


def days_mask(week: date, first: date, last: date) -> int:
    """The bits (Monday 1 ... Sunday 64, as in WeeklyActor's masks) of ``week``'s days in ``first``..``last``."""
    return sum(1 << d for d in range(7) if first <= week + timedelta(days=d) <= last)


def overlapping(first: date, last: date) -> QuerySet:
    """The person-weeks of every week that overlaps ``first``..``last`` (test their masks for the days inside)."""
    return WeeklyActor.objects.filter(week__range=(week_of(first), week_of(last)))


def acted_within(mask: str, first: date, last: date) -> Case:
    """1 when a person-week's ``mask`` (active or contribution) has a day in ``first``..``last``, else 0.

    For rows of ``overlapping(first, last)``: a person did it within the days when one of their rows
    does (``Max`` over a person's rows), exactly as when their person-days in the run are read.
    """
    whens = []
    week = week_of(first)
    while week <= last:
        whens.append(When(GreaterThan(F(mask).bitand(days_mask(week, first, last)), 0), week=week, then=Value(1)))
        week += timedelta(days=7)
    return Case(*whens, default=Value(0), output_field=IntegerField())


def person_days(first: date, end: date, narrow: Callable[[QuerySet], QuerySet]) -> dict[date, int]:
    """Per week, the active people of each day of ``first``..``end`` summed over its days (``narrow``: the scope).

    Daily active people summed over days is the number of distinct (person, day) pairs: each person-week's
    days are the bits of its ``active_mask`` inside the range, OR-ed over the person's rows in the scope
    (two cohorts, a level or department changed mid-week), so nobody's day counts twice.

    Guarantees: the same sums as counting distinct people day by day over DailyActor; one query,
    whatever the range or the history; its rows follow people x weeks.
    """
    rows = (
        narrow(overlapping(first, end).filter(active_mask__gt=0))
        .values_list("week", "actor_id", "active_mask")
        .order_by()
    )
    inside = {}
    days: dict[tuple[date, int], int] = {}
    for week, actor, mask in rows:
        if week not in inside:
            inside[week] = days_mask(week, first, end)
        days[(week, actor)] = days.get((week, actor), 0) | (mask & inside[week])
    sums: dict[date, int] = {}
    for (week, _actor), bits in days.items():
        if bits:
            sums[week] = sums.get(week, 0) + bits.bit_count()
    return sums


def per_person(first: date, end: date, narrow: Callable[[QuerySet], QuerySet]) -> dict[int, dict[str, int]]:
    """Each person's counters summed over ``first``..``end`` (rows narrowed by ``narrow``, e.g. the scope).

    One row per person from each table, merged here: a person counts once however many weeks they span.
    """
    people: dict[int, dict[str, int]] = {}
    sums = {c: Sum(c) for c in COUNTERS}
    for row in combined(first, end, lambda qs: narrow(qs).values("actor_id").annotate(**sums).order_by()):
        totals = people.setdefault(row["actor_id"], dict.fromkeys(COUNTERS, 0))
        for counter in COUNTERS:
            totals[counter] += row[counter] or 0
    return people


# The headline figures of a period: (figure, counter, "people" who did it or "sum" of what they did).
PERIOD_FIGURES = (
    ("n_active", "actions", "people"),
    ("n_contributors", "contributions", "people"),
    ("n_topics", "topics", "sum"),
    ("topic_people", "topics", "people"),
    ("n_replies", "replies", "sum"),
    ("reply_people", "replies", "people"),
    ("n_entries", "entries", "sum"),
    ("entry_people", "entries", "people"),
    ("n_comments", "comments", "sum"),
    ("comment_people", "comments", "people"),
    ("n_lessons", "lessons_completed", "sum"),
    ("lesson_people", "lessons_completed", "people"),
    ("n_goals", "goals_completed", "sum"),
    ("goal_people", "goals_completed", "people"),
)


def period_totals(scope: Any) -> dict[str, int]:
    """Every headline count of ``scope``'s dates and filters: distinct people per counter, and sums."""
    people = per_person(scope.start, scope.end, scope.dims).values()
    return {
        name: sum(1 for p in people if p[counter] > 0) if kind == "people" else sum(p[counter] for p in people)
        for name, counter, kind in PERIOD_FIGURES
    }
