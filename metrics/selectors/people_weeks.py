"""Distinct people over weeks and periods, read from person-weeks where whole weeks allow it.

WeeklyActor holds one row per person-week (per cohort, level, department and role), DailyActor one
per person-day. A figure over a date range reads the whole Monday-to-Sunday weeks inside the range
from WeeklyActor and only the days outside them from DailyActor, so its cost follows people x weeks
plus at most twelve days, not how much each person did. Counts stay exact: a person-week's counters
are the sums of their days, so "did X in the week" is "did X on one of its days", and a week is
never read from both tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet, Sum

from ..models import DailyActor, WeeklyActor

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


def sources(first: date, end: date) -> list[QuerySet]:
    """The rows covering ``first``..``end``: person-weeks of its whole weeks, person-days of the rest.

    Both have the fields a figure filters and groups by (``week``, the dimensions, the counters).
    """
    monday = first + timedelta(days=-first.weekday() % 7)
    sunday = end - timedelta(days=(end.weekday() + 1) % 7)
    if monday + timedelta(days=6) > sunday:
        return [DailyActor.objects.filter(day__range=(first, end))]
    found: list[QuerySet] = [WeeklyActor.objects.filter(week__range=(monday, sunday - timedelta(days=6)))]
    if first < monday:
        found.append(DailyActor.objects.filter(day__range=(first, monday - timedelta(days=1))))
    if sunday < end:
        found.append(DailyActor.objects.filter(day__range=(sunday + timedelta(days=1), end)))
    return found


def per_week(first: date, end: date, build: Callable[[QuerySet], Iterable[Any]]) -> list[Any]:
    """``build`` (a query grouped by ``week``) run over ``first``..``end``; its rows, week by week.

    A week is read from one table only, so rows grouped by week (and more) are exact as they come.
    """
    rows: list[Any] = []
    for qs in sources(first, end):
        rows.extend(build(qs))
    return rows


def per_person(first: date, end: date, narrow: Callable[[QuerySet], QuerySet]) -> dict[int, dict[str, int]]:
    """Each person's counters summed over ``first``..``end`` (rows narrowed by ``narrow``, e.g. the scope).

    One row per person from each table, merged here: a person counts once however many weeks they span.
    """
    people: dict[int, dict[str, int]] = {}
    for qs in sources(first, end):
        for row in narrow(qs).values("actor_id").annotate(**{c: Sum(c) for c in COUNTERS}).order_by():
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
