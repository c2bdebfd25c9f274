"""Engagement panels: responsiveness, goals, lessons, starter prompts, the programme team as models."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncWeek

from .. import disclosure
from ..models import (
    TOPIC_PEOPLE_KEPT,
    GoalState,
    GoalStatus,
    LessonProgress,
    PersonRole,
    PromptRollup,
    PromptTiming,
    TopicPeople,
    TopicPersonKind,
)
from ..models import TopicResponse as Topic
from ..rollup.common import week_of
from . import figures as f
from . import people_weeks
from .figures import Cell, Panel, Series
from .scope import Scope

STAGES = [("crawl", "Crawl (short term)"), ("walk", "Walk (mid term)"), ("run", "Run (long term)")]


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default); the median is p=50."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


class Percentiles(Aggregate):
    """PostgreSQL's continuous percentiles (linear interpolation, like ``percentile`` above), several from one
    sort of the values: an array, one per fraction (None when no value is not null)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fractions)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fractions: tuple[float, ...], **extra):
        listed = ", ".join(repr(float(p)) for p in fractions)
        super().__init__(
            expression, fractions=f"ARRAY[{listed}]::float8[]", output_field=ArrayField(FloatField()), **extra
        )


TOPIC_COUNTS = {
    "started": Count("id"),
    "authors": Count("author_id", distinct=True),
    "answered": Count("seconds"),
    "responders": Count("responder_id", distinct=True),
    "unanswered": Count("id", filter=Q(seconds__isnull=True)),
    "unanswered_authors": Count("author_id", distinct=True, filter=Q(seconds__isnull=True)),
}
_TOPIC_SQL = {  # TOPIC_COUNTS in the SQL of topic_figures' one statement
    "started": "COUNT(id)",
    "authors": "COUNT(DISTINCT author_id)",
    "answered": "COUNT(seconds)",
    "responders": "COUNT(DISTINCT responder_id)",
    "unanswered": "COUNT(id) FILTER (WHERE seconds IS NULL)",
    "unanswered_authors": "COUNT(DISTINCT author_id) FILTER (WHERE seconds IS NULL)",
}
EMPTY_TOPICS = {**dict.fromkeys(TOPIC_COUNTS, 0), "median": None, "p90": None}


def topic_stats(scope: Scope, *, first: date | None = None, by_week: bool = False) -> dict:
    """Topics started in the range: counts, and median and 90th percentile hours to a first response.

    Aggregated in the database (on PostgreSQL the percentiles too, both from one sort), so no topic comes
    to Python; the statement still reads every topic of the range, as exact percentiles and distinct
    people need. Returns {week: stats} when ``by_week``, else the stats of the whole range.
    """
    qs = scope.dims(Topic.objects.filter(created_on__range=(first or scope.start, scope.end)))
    aggregates: dict[str, Any] = dict(TOPIC_COUNTS)
    in_database = connection.vendor == "postgresql"
    if in_database:
        aggregates["percentiles"] = Percentiles("seconds", (0.5, 0.9))
    if by_week:
        stats = {row.pop("week"): row for row in qs.values("week").annotate(**aggregates).order_by()}
    else:
        stats = {None: qs.aggregate(**aggregates)}
    if in_database:
        for row in stats.values():
            row["median"], row["p90"] = row.pop("percentiles") or (None, None)
    else:  # SQLite has no percentile: take the answered times (the embedded profile is small)
        seconds: dict = defaultdict(list)
        for week, value in qs.filter(seconds__isnull=False).values_list("week", "seconds"):
            seconds[week if by_week else None].append(value)
        for key, row in stats.items():
            row["median"] = percentile(seconds.get(key, []), 50)
            row["p90"] = percentile(seconds.get(key, []), 90)
    for row in stats.values():
        for key in ("median", "p90"):
            row[key] = row[key] / 3600 if row[key] is not None else None
    return stats if by_week else stats[None]


@dataclass(frozen=True)
class TopicFigures:
    """The topic figures of one selection and range: ``weeks``, {Monday: stats} over the whole weeks overlapping
    the range (the responsiveness panel), ``whole``, the stats of the range itself (the headline), and
    ``unanswered_weekly``, per week of the range the authors of its topics nobody has answered."""

    weeks: dict[date, dict]
    whole: dict
    unanswered_weekly: list[int]


def topic_figures(scope: Scope) -> TopicFigures:
    """``TopicFigures`` of ``scope``, read once per request (the panel and the headline share them).

    The range of a dashboard starts on a Monday (``metrics.forms.whole_weeks``): then the range is the
    union of its weeks, and on PostgreSQL one statement grouped by ``ROLLUP(week)`` gives the weeks and the
    whole range from one read and one sort of the range's topics (each week's rows, then all of them, feed
    the same aggregates, exact as before). Any other range, and SQLite, take the statements one by one.
    """

    def read() -> TopicFigures:
        if scope.start != scope.first_week or connection.vendor != "postgresql":
            return TopicFigures(topic_stats(scope, first=scope.first_week, by_week=True), *_range_topics(scope))
        qs = scope.dims(Topic.objects.filter(created_on__range=(scope.start, scope.end)))
        where, params = qs.query.get_compiler(qs.db).compile(qs.query.where)
        stats: dict[date, dict] = {}
        whole = dict(EMPTY_TOPICS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT week, {", ".join(_TOPIC_SQL.values())},
                       PERCENTILE_CONT(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY seconds)
                FROM {Topic._meta.db_table} WHERE {where} GROUP BY ROLLUP (week)
                """,  # noqa: S608 (table name from the model, the filter compiled by Django with its params)
                params,
            )
            for week, *counts, percentiles in cursor.fetchall():
                median, p90 = percentiles or (None, None)
                found = {
                    **dict(zip(_TOPIC_SQL, counts, strict=True)),
                    "median": median / 3600 if median is not None else None,
                    "p90": p90 / 3600 if p90 is not None else None,
                }
                if week is None:  # ROLLUP's row of the whole range (one, even with no topic)
                    whole = found
                else:
                    stats[week] = found
        return TopicFigures(stats, whole, [row["unanswered_authors"] for row in stats.values()])

    if scope.plan is None:
        return read()
    key = (scope.cohort_ids, scope.level, scope.department, scope.start, scope.end)
    found = scope.plan.memo(("topic-figures", *key), read)
    scope.plan.memo(("topic-range", *key), lambda: (found.whole, found.unanswered_weekly))
    return found


def _range_topics(scope: Scope) -> tuple[dict, list[int]]:
    """The range's topic stats, and per week the authors of its unanswered topics: two statements."""
    unanswered = scope.dims(Topic.objects.filter(created_on__range=(scope.start, scope.end), seconds__isnull=True))
    return topic_stats(scope), list(
        unanswered.values("week").annotate(n=Count("author_id", distinct=True)).order_by().values_list("n", flat=True)
    )


def range_topics(scope: Scope) -> tuple[dict, list[int]]:
    """The headline's topic figures (``TopicFigures.whole`` and ``unanswered_weekly``): from ``topic_figures``
    when the request read them (the dashboard builds its responsiveness panel before the headline), else
    read alone (the before/after comparison shows no weeks: two statements without the weeks' aggregates,
    cheaper than the one that computes them)."""
    if scope.plan is None:
        return _range_topics(scope)
    key = (scope.cohort_ids, scope.level, scope.department, scope.start, scope.end)
    return scope.plan.memo(("topic-range", *key), lambda: _range_topics(scope))


def topic_rows(scope: Scope, first: date) -> list[tuple]:
    """(week, author, responder, seconds, row group) of each topic started in ``first``..end, in every selection."""
    rows = scope.everyone(Topic.objects.filter(created_on__range=(first, scope.end)))
    return [
        (week, author, responder, seconds, (cohort, level, department or ""))
        for week, author, responder, seconds, cohort, level, department in rows.values_list(
            "week", "author_id", "responder_id", "seconds", *f.GROUP
        )
    ]


def topic_people(scope: Scope, first: date) -> dict[tuple, set]:
    """{(week, kind, row group): people} behind the topics started in ``first``..end, in every selection.

    Kinds (``TopicPersonKind``): the authors, the first responders of answered topics, the authors of
    unanswered ones. Read once per request and range (the responsiveness panel and the headline's
    sibling figures share it). While the privacy floor is at most ``TOPIC_PEOPLE_KEPT``, read from
    TopicPeople: a set holds all its people when fewer than that, else that many of them, which the
    disclosure checks decide on exactly as on the full sets (see TopicPeople); whole weeks from the
    week rows, the other days from the day rows, so the read is bounded by groups x weeks, not topics.
    Above that floor, every topic is read.
    """

    def read() -> dict[tuple, set]:
        found: dict[tuple, set] = defaultdict(set)
        if scope.k > TOPIC_PEOPLE_KEPT:
            for week, author, responder, seconds, key in topic_rows(scope, first):
                found[(week, TopicPersonKind.AUTHOR, key)].add(author)
                if seconds is not None:
                    found[(week, TopicPersonKind.RESPONDER, key)].add(responder)
                else:
                    found[(week, TopicPersonKind.UNANSWERED, key)].add(author)
            return found
        days = Q(day__range=(first, scope.end))
        weeks = people_weeks.whole_weeks(first, scope.end)
        if weeks is not None:
            days = Q(day__isnull=True, week__range=weeks) | (days & ~Q(week__range=weeks))
        rows = scope.everyone(TopicPeople.objects.filter(days, week__range=(week_of(first), week_of(scope.end))))
        for week, kind, people, cohort, level, department in _at_once(rows, "week", "kind", "people", *f.GROUP):
            found[(week, kind, (cohort, level, department or ""))].update(people)
        return found

    return read() if scope.plan is None else scope.plan.memo(("topic-people", first, scope.end), read)


def _at_once(qs: QuerySet, *fields: str) -> Iterable[tuple]:
    """``qs.values_list(*fields)`` of TopicPeople: on PostgreSQL as one JSON document, parsed in one call
    rather than one ``people`` array per row (most of the read's Python time); weeks come back as dates."""
    rows = qs.values_list(*fields)
    if connection.vendor != "postgresql":
        return rows
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        # Field names from the caller, the query compiled by Django with its params:
        cursor.execute(f"SELECT json_agg(json_build_array({', '.join(fields)})) FROM ({sql}) AS t", params)  # noqa: S608
        found = cursor.fetchone()[0] or []
    if isinstance(found, str):
        found = json.loads(found)
    mondays: dict[str, date] = {}
    for row in found:
        row[0] = mondays.get(row[0]) or mondays.setdefault(row[0], date.fromisoformat(row[0]))
    return found


TOPIC_SETS = {
    TopicPersonKind.AUTHOR: "authors",
    TopicPersonKind.RESPONDER: "responders",
    TopicPersonKind.UNANSWERED: "unanswered",
}


def _topic_siblings(scope: Scope) -> dict[date, dict[str, dict]]:
    """Per week: authors, responders and authors left unanswered, per row group, in every selection at once."""
    if scope.plan is None or not scope.k:
        return {}
    out: dict[date, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    for (week, kind, key), people in topic_people(scope, scope.first_week).items():
        out[week][TOPIC_SETS[kind]][key] = people
    return out


def responsiveness(scope: Scope) -> Panel:
    per_week = topic_figures(scope).weeks
    k = scope.k
    siblings = _topic_siblings(scope)
    rows = []
    for week in scope.weeks():
        s = per_week.get(week, EMPTY_TOPICS)
        people = siblings.get(week, {})
        rows.append(
            [
                f.text(week.isoformat()),
                *f.shield(scope, [f.count(s["started"], people=s["authors"], k=k)], people.get("authors", {})),
                *f.shield(
                    scope,
                    [
                        f.count(s["answered"], people=s["responders"], k=k),
                        f.number(s["median"], people=s["responders"], k=k),
                        f.number(s["p90"], people=s["responders"], k=k),
                    ],
                    people.get("responders", {}),
                ),
                *f.shield(
                    scope,
                    [f.count(s["unanswered"], people=s["unanswered_authors"], k=k)],
                    people.get("unanswered", {}),
                ),
            ]
        )
    return Panel(
        slug="responsiveness",
        title="Responsiveness",
        question="How quickly does a new topic get its first answer from someone else, and how many get none?",
        columns=[
            "Week starting",
            "Topics started",
            "Answered",
            "Median hours to first response",
            "90th percentile hours",
            "No response yet",
        ],
        rows=rows,
        series=[Series(3), Series(4), Series(5, kind="bar")],
        chart="line",
        y_title="hours / topics",
        note="Topics are grouped by the week they were started.",
        definition="responsiveness",
    )


def _goal_filter(scope: Scope) -> Q:
    due = Q(deadline__range=(scope.start, scope.end))
    undated = Q(deadline__isnull=True) & (
        Q(completed_on__range=(scope.start, scope.end)) | Q(overdue_on__range=(scope.start, scope.end))
    )
    return due | undated


def _goal_weeks(scope: Scope, group: str) -> dict[tuple, list[int]]:
    """People per week (of the deadline, else of completion or overdue) behind each (group, status) cell."""
    qs = (
        scope.dims(GoalStatus.objects.filter(_goal_filter(scope)))
        .annotate(due_week=TruncWeek(Coalesce("deadline", "completed_on", "overdue_on")))
        .values(group, "status", "due_week")
        .annotate(people=Count("actor_id", distinct=True))
        .order_by()
    )
    weeks: dict[tuple, list[int]] = defaultdict(list)
    for row in qs:
        weeks[(row[group], row["status"])].append(row["people"])
    return weeks


def _goal_rows(scope: Scope) -> list[tuple]:
    """(stage, status, week, person, row group) of every goal due in the range, in every selection: read once per
    request (the goals panel and goals by level share it). The week (of the deadline, else of completion or
    overdue) is worked out here from the dates, as _goal_weeks groups them in SQL: truncating in the database
    returns a datetime per row to convert."""

    def read() -> list[tuple]:
        rows = (
            scope.everyone(GoalStatus.objects.filter(_goal_filter(scope)))
            .annotate(due_on=Coalesce("deadline", "completed_on", "overdue_on"))
            .values_list("stage", "status", "due_on", "actor_id", *f.GROUP)
        )
        return [
            (stage, status, day - timedelta(days=day.weekday()), actor, (cohort, level, department or ""))
            for stage, status, day, actor, cohort, level, department in rows
        ]

    return read() if scope.plan is None else scope.plan.memo(("goals", scope.start, scope.end), read)


def _goal_siblings(scope: Scope, group: str) -> dict[tuple, list[list[dict]]] | None:
    """Per (stage or level, status): one decision per week, the people per row group in every selection."""
    if scope.plan is None or not scope.k:
        return None
    people: dict[tuple, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    by_level = group == "management_level"
    for stage, status, week, actor, key in _goal_rows(scope):
        people[(key[1] if by_level else stage, status)][week][key].add(actor)
    return {key: [[dict(groups)] for groups in weeks.values()] for key, weeks in people.items()}


def goals(scope: Scope) -> Panel:
    qs = (
        scope.dims(GoalStatus.objects.filter(_goal_filter(scope)))
        .values("stage", "status")
        .annotate(goals=Count("id"), people=Count("actor_id", distinct=True))
        .order_by()
    )
    found = {(row["stage"], row["status"]): row for row in qs}
    siblings = _goal_siblings(scope, "stage")
    weeks = f.weekly_people(scope, siblings)
    if weeks is None:
        weeks = _goal_weeks(scope, "stage")
    siblings = siblings or {}
    rows = []
    for stage, label in STAGES:
        row = [f.text(label)]
        for status in (GoalState.ON_TIME, GoalState.LATE, GoalState.OVERDUE):
            cell = found.get((stage, status), {"goals": 0, "people": 0})
            figure = f.over_weeks(
                f.count(cell["goals"], people=cell["people"], k=scope.k), weeks.get((stage, status), ()), scope.k
            )
            for decision in siblings.get((stage, status), ()):
                figure = f.shield(scope, [figure], *decision)[0]
            row.append(figure)
        rows.append(row)
    return Panel(
        slug="goals",
        title="Crawl, walk, run goals",
        question="Goals due in the period: done on time, done late, or overdue.",
        columns=["Stage", "Done on time", "Done late", "Overdue"],
        rows=rows,
        series=[Series(1, stack="goals"), Series(2, stack="goals"), Series(3, stack="goals")],
        stacked=True,
        y_title="goals",
        definition="goals",
    )


def _lesson_weeks(scope: Scope, field: str) -> dict[int, list[int]]:
    """People per week of ``field`` (started_on or completed_on) behind each lesson's figure."""
    qs = (
        scope.dims(LessonProgress.objects.filter(**{f"{field}__range": (scope.start, scope.end)}))
        .annotate(in_week=TruncWeek(field))
        .values("lesson_id", "in_week")
        .annotate(people=Count("actor_id", distinct=True))
        .order_by()
    )
    weeks: dict[int, list[int]] = defaultdict(list)
    for row in qs:
        weeks[row["lesson_id"]].append(row["people"])
    return weeks


def _lesson_siblings(scope: Scope) -> dict[tuple, list[list[dict]]] | None:
    """Per (lesson, started_on or completed_on): one decision per week, people per row group, every selection."""
    if scope.plan is None or not scope.k:
        return None
    rng = (scope.start, scope.end)
    people: dict[tuple, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    for lesson, actor, started_on, completed_on, *dims in scope.everyone(
        LessonProgress.objects.filter(Q(started_on__range=rng) | Q(completed_on__range=rng))
    ).values_list("lesson_id", "actor_id", "started_on", "completed_on", *f.GROUP):
        group = (dims[0], dims[1], dims[2] or "")
        for field, day in (("started_on", started_on), ("completed_on", completed_on)):
            if day is not None and rng[0] <= day <= rng[1]:
                people[(lesson, field)][day - timedelta(days=day.weekday())][group].add(actor)
    return {key: [[dict(groups)] for groups in weeks.values()] for key, weeks in people.items()}


def lessons(scope: Scope) -> Panel:
    rng = (scope.start, scope.end)
    qs = (
        scope.dims(LessonProgress.objects.filter(Q(started_on__range=rng) | Q(completed_on__range=rng)))
        .values("lesson_id")
        .annotate(
            started=Count("actor_id", distinct=True, filter=Q(started_on__range=rng)),
            completed=Count("actor_id", distinct=True, filter=Q(completed_on__range=rng)),
        )
        .order_by("lesson_id")
    )
    titles = dict(
        LessonProgress.objects.filter(lesson_id__in=[r["lesson_id"] for r in qs])
        .order_by("lesson_id", "-completed_on")
        .values_list("lesson_id", "title")
    )
    # A person starts (and completes) a lesson once, so each figure is a sum over the weeks of the range.
    siblings = _lesson_siblings(scope)
    here = f.weekly_people(scope, siblings)
    if here is None:
        started, completed = _lesson_weeks(scope, "started_on"), _lesson_weeks(scope, "completed_on")
    else:
        started = {lesson: people for (lesson, field), people in here.items() if field == "started_on"}
        completed = {lesson: people for (lesson, field), people in here.items() if field == "completed_on"}
    siblings = siblings or {}

    def cell(lesson: int, n: int, weeks: dict, field: str) -> Cell:
        figure = f.over_weeks(f.count(n, k=scope.k), weeks.get(lesson, ()), scope.k)
        for decision in siblings.get((lesson, field), ()):
            figure = f.shield(scope, [figure], *decision)[0]
        return figure

    rows = [
        [
            f.text(titles.get(r["lesson_id"], f"Lesson {r['lesson_id']}")),
            cell(r["lesson_id"], r["started"], started, "started_on"),
            cell(r["lesson_id"], r["completed"], completed, "completed_on"),
        ]
        for r in qs
    ]
    return Panel(
        slug="lessons",
        title="Lessons",
        question="How many people started and completed each lesson in the period?",
        columns=["Lesson", "Started", "Completed"],
        rows=rows,
        series=[Series(1), Series(2)],
        horizontal=True,
        y_title="people",
        definition="lessons",
    )


PROMPTS_SHOWN = 40  # a cohort releases a few prompts a week: the latest forty cover a programme


def _prompts(scope: Scope):
    qs = PromptRollup.objects.filter(released_on__range=(scope.start, scope.end))
    if scope.cohort_ids is not None:
        qs = qs.filter(cohort_id__in=scope.cohort_ids)
    return qs


def _responses(scope: Scope) -> dict:
    flt = scope.response_filter()
    return {
        "n_responses": Sum("responses__responses", filter=flt, default=0),
        "n_responders": Sum("responses__responders", filter=flt, default=0),
        # Distinct people across several prompts are unknown; the largest group replying to one prompt
        # is a floor under them, so a figure shown on it rests on at least that many people.
        "min_people": Max("responses__responders", filter=flt, default=0),
    }


Prompt = tuple  # (timing, cohort id, released_at, leaders replying per row group)


def _prompt_siblings(scope: Scope) -> dict[int, Prompt] | None:
    """Every prompt released in the dates the viewer may see: its timing, cohort, release time, and the
    leaders replying per row group (the prompt's cohort, their level and department), for every selection
    at once. One query, read once per request (both prompt panels use it)."""
    if scope.plan is None or not scope.k:
        return None
    plan = scope.plan

    def read() -> dict[int, Prompt]:
        qs = PromptRollup.objects.filter(released_on__range=(scope.start, scope.end))
        if plan.all_cohorts is not None:
            qs = qs.filter(cohort_id__in=plan.all_cohorts)
        out: dict[int, Prompt] = {}
        rows = qs.values_list(
            "pk",
            "timing",
            "cohort_id",
            "released_at",
            "responses__role",
            "responses__management_level",
            "responses__department",
            "responses__responders",
        )
        for pk, timing, cohort_id, released_at, role, level, department, n in rows:
            groups = out.setdefault(pk, (timing, cohort_id, released_at, defaultdict(int)))[3]
            if role == PersonRole.LEADER and n:
                groups[(cohort_id, level, department or "")] += n
        return out

    return plan.memo(("prompts", scope.start, scope.end), read)


def _hides_prompt(scope: Scope, figure: dict) -> bool:
    """Is one prompt's replies cell hidden in this selection (too few leaders, or protecting a sibling)?

    A prompt's figures are the same under "all cohorts" as under its cohort: one decision over the levels
    and departments of "all", read by both.
    """
    people = disclosure.people_in((disclosure.ALL, scope.level or None, scope.department or None), figure)
    return 0 < people < scope.k or scope.hides_within(disclosure.ALL, figure)


def prompts(scope: Scope) -> Panel:
    timing = dict(PromptTiming.choices)
    several = scope.cohort_ids is None or len(scope.cohort_ids) > 1
    qs = _prompts(scope)
    total = qs.count()
    latest = list(
        qs.select_related("cohort").annotate(**_responses(scope)).order_by("-released_at", "-pk")[:PROMPTS_SHOWN]
    )
    siblings = _prompt_siblings(scope) or {}
    k = scope.k

    def replies(p) -> list[Cell]:
        cells = [f.count(p.n_responses, people=p.n_responders, k=k), f.count(p.n_responders, k=k)]
        # A prompt's figures are the same under "all cohorts" as under its cohort: one decision over the
        # levels and departments of "all", read by both.
        if p.pk in siblings and _hides_prompt(scope, siblings[p.pk][3]):
            cells = [f.for_siblings(c, k) for c in cells]
        return cells

    rows = [
        [
            f.text(f"{p.title} ({p.cohort.name})" if several and p.cohort else p.title),
            f.text(p.released_on.isoformat()),
            f.text(timing.get(p.timing, p.timing)),
            f.text(p.session or ""),
            *replies(p),
        ]
        for p in reversed(latest)
    ]
    note = f"The latest {PROMPTS_SHOWN} of {total} prompts released in these dates." if total > PROMPTS_SHOWN else ""
    return Panel(
        slug="prompts",
        title="Starter prompts",
        question="How many replies did each released prompt draw from leaders?",
        columns=["Prompt", "Released", "Timing", "Session", "Replies", "People replying"],
        rows=rows,
        series=[Series(4)],
        horizontal=True,
        y_title="replies",
        note=note,
        definition="prompts",
        zeros_are_data=True,
    )


def prompt_timing(scope: Scope) -> Panel:
    # Released prompts per timing, and their replies, in two grouped queries (the join would multiply counts).
    released = dict(_prompts(scope).values("timing").annotate(n=Count("id")).order_by().values_list("timing", "n"))
    replies = {row["timing"]: row for row in _prompts(scope).values("timing").annotate(**_responses(scope)).order_by()}
    siblings = _prompt_siblings(scope) or {}
    # A timing's replies are the sum of its prompts' on the prompts panel (its latest PROMPTS_SHOWN): when
    # one of those is hidden here, the timing is too, or the sum minus the shown prompts would give it back.
    listed = sorted(
        (pk for pk, p in siblings.items() if scope.cohort_ids is None or p[1] in scope.cohort_ids),
        key=lambda pk: (siblings[pk][2], pk),
        reverse=True,
    )[:PROMPTS_SHOWN]
    hiding = {siblings[pk][0] for pk in listed if _hides_prompt(scope, siblings[pk][3])}
    rows = []
    for value, label in PromptTiming.choices:
        n = released.get(value, 0)
        row = replies.get(value, {"n_responses": 0, "n_responders": 0, "min_people": 0})
        people = row["min_people"]
        cells = [
            f.count(row["n_responses"], people=people, k=scope.k),
            f.number(row["n_responses"] / n if n else None, people=people, k=scope.k),
        ]
        # Replies to a timing's prompts add up across cohorts, levels and departments: hidden where the
        # largest prompt's leaders are few, and in enough sibling selections that no sum gives it back.
        if value in hiding or scope.hides_largest([p[3] for p in siblings.values() if p[0] == value]):
            cells = [f.for_siblings(c, scope.k) for c in cells]
        rows.append([f.text(label), f.count(n), *cells])
    return Panel(
        slug="prompt-timing",
        title="Prompts before and after sessions",
        question="Do prompts released before a formal session draw more replies than those after it?",
        columns=["Timing", "Prompts released", "Replies", "Replies per prompt"],
        rows=rows,
        series=[Series(3)],
        y_title="replies per prompt",
        note="People replying to several prompts are counted once per prompt.",
        definition="prompts",
    )


def team(scope: Scope) -> Panel:
    """Does the programme team (facilitators and L&D) post and reply, next to the leaders they teach?"""
    cohorts = Q(cohort_id__in=scope.cohort_ids) if scope.cohort_ids is not None else Q()
    leaders = Q(role=PersonRole.LEADER)
    if scope.level:
        leaders &= Q(management_level=scope.level)
    if scope.department:
        leaders &= Q(department=scope.department)
    rows_qs = people_weeks.per_week(
        scope.first_week,
        scope.end,
        lambda qs: (
            qs.filter(cohorts, Q(role=PersonRole.TEAM) | leaders, contributions__gt=0)
            .values("week", "role")
            .annotate(contributions=Sum("contributions"), people=Count("actor_id", distinct=True))
            .order_by()
        ),
    )
    found = {(row["week"], row["role"]): row for row in rows_qs}
    leaders_of: dict[date, dict] = defaultdict(lambda: defaultdict(set))
    # The team's own figures ignore level and department: per week, the cohort options counting each
    # team member (every cohort they contributed in, and "all"), read with the leaders' row groups.
    team_reach: dict[date, dict] = defaultdict(lambda: defaultdict(set))
    if scope.plan is not None and scope.k:
        for week, actor, role, *group in people_weeks.combined(
            scope.first_week,
            scope.end,
            lambda qs: (
                scope.everyone(qs.filter(contributions__gt=0), role=None)
                .filter(role__in=(PersonRole.LEADER, PersonRole.TEAM))
                .values_list("week", "actor_id", "role", *f.GROUP)
                .distinct()
            ),
        ):
            if role == PersonRole.TEAM:
                team_reach[week][actor] |= {disclosure.ALL} if group[0] is None else {disclosure.ALL, group[0]}
            else:
                leaders_of[week][(group[0], group[1], group[2] or "")].add(actor)
    rows = []
    k = scope.k
    for week in scope.weeks():
        t = found.get((week, PersonRole.TEAM), {"contributions": 0, "people": 0})
        ldr = found.get((week, PersonRole.LEADER), {"contributions": 0, "people": 0})
        rows.append(
            [
                f.text(week.isoformat()),
                *f.shield_option(
                    scope,
                    [
                        f.count(t["contributions"], people=t["people"], k=k),
                        f.count(t["people"], k=k),
                        f.number(t["contributions"] / t["people"] if t["people"] else None, people=t["people"], k=k),
                    ],
                    team_reach[week].values(),
                ),
                *f.shield(
                    scope,
                    [
                        f.number(
                            ldr["contributions"] / ldr["people"] if ldr["people"] else None, people=ldr["people"], k=k
                        )
                    ],
                    leaders_of[week],
                ),
            ]
        )
    return Panel(
        slug="team",
        title="The programme team as models",
        question="Do facilitators and L&D staff themselves post, reply and blog, as they ask leaders to?",
        columns=[
            "Week starting",
            "Team contributions",
            "Team members contributing",
            "Contributions per contributing team member",
            "Contributions per contributing leader",
        ],
        rows=rows,
        series=[Series(3), Series(4)],
        chart="line",
        y_title="contributions per person",
        note=("Management level and department filters apply to the leaders' figure, not to the programme team."),
        definition="team",
    )


def goals_by_level(scope: Scope) -> Panel:
    """Goals due in the period by the management level of the person (as when the goal was settled)."""
    from .scope import LEVELS

    levels = [lv for lv in ([scope.level] if scope.level else list(LEVELS)) if scope.shows(level=lv)]
    qs = (
        scope.dims(GoalStatus.objects.filter(_goal_filter(scope)))
        .values("management_level", "status")
        .annotate(goals=Count("id"), people=Count("actor_id", distinct=True))
        .order_by()
    )
    found = {(row["management_level"], row["status"]): row for row in qs}
    people = dict(
        scope.dims(GoalStatus.objects.filter(_goal_filter(scope)))
        .values("management_level")
        .annotate(n=Count("actor_id", distinct=True))
        .order_by()
        .values_list("management_level", "n")
    )
    k = scope.k
    siblings = _goal_siblings(scope, "management_level")
    weeks = f.weekly_people(scope, siblings)
    if weeks is None:
        weeks = _goal_weeks(scope, "management_level")
    siblings = siblings or {}
    rows = []
    for level in levels:
        cells = []
        for status in (GoalState.ON_TIME, GoalState.LATE, GoalState.OVERDUE):
            cell = found.get((level, status), {"goals": 0, "people": 0})
            figure = f.over_weeks(f.count(cell["goals"], people=cell["people"], k=k), weeks.get((level, status), ()), k)
            for decision in siblings.get((level, status), ()):
                figure = f.shield(scope, [figure], *decision)[0]
            cells.append(figure)
        due = sum(found.get((level, s), {"goals": 0})["goals"] for s in GoalState.values)
        on_time = found.get((level, GoalState.ON_TIME), {"goals": 0})["goals"]
        share = f.number(100 * on_time / due if due else None, people=people.get(level, 0), k=k)
        # The share is on time over all due: hidden with any of the counts it is worked out from.
        share = f.hide_like(share, next((c for c in cells if c.suppressed), cells[0]))
        rows.append([f.text(LEVELS[level]), *cells, share])
    return Panel(
        slug="goals-by-level",
        title="Goals by management level",
        question="Goals due in the period, side by side for each level: done on time, done late, or overdue.",
        columns=["Management level", "Done on time", "Done late", "Overdue", "Done on time (% of due)"],
        rows=rows,
        series=[Series(1, stack="goals"), Series(2, stack="goals"), Series(3, stack="goals")],
        stacked=True,
        y_title="goals",
        note="Levels with too few people for the privacy floor are withheld.",
        definition="goals",
    )
