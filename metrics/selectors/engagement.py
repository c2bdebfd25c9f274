"""Engagement panels: responsiveness, goals, lessons, starter prompts, the programme team as models."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date

from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Q, Sum

from ..models import DailyActor, GoalState, GoalStatus, LessonProgress, PersonRole, PromptRollup, PromptTiming
from ..models import TopicResponse as Topic
from . import figures as f
from .figures import Panel, Series
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


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (linear interpolation, like ``percentile`` above)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


TOPIC_COUNTS = {
    "started": Count("id"),
    "authors": Count("author_id", distinct=True),
    "answered": Count("seconds"),
    "responders": Count("responder_id", distinct=True),
    "unanswered": Count("id", filter=Q(seconds__isnull=True)),
    "unanswered_authors": Count("author_id", distinct=True, filter=Q(seconds__isnull=True)),
}


def topic_stats(scope: Scope, *, first: date | None = None, by_week: bool = False) -> dict:
    """Topics started in the range: counts, and median and 90th percentile hours to a first response.

    Aggregated in the database (percentiles too, on PostgreSQL), so the cost does not grow with the
    number of topics. Returns {week: stats} when ``by_week``, else the stats of the whole range.
    """
    qs = scope.dims(Topic.objects.filter(created_on__range=(first or scope.start, scope.end)))
    aggregates = dict(TOPIC_COUNTS)
    in_database = connection.vendor == "postgresql"
    if in_database:
        aggregates.update(median=PercentileCont("seconds", 0.5), p90=PercentileCont("seconds", 0.9))
    if by_week:
        stats = {row.pop("week"): row for row in qs.values("week").annotate(**aggregates).order_by()}
    else:
        stats = {None: qs.aggregate(**aggregates)}
    if not in_database:  # SQLite has no percentile: take the answered times (the embedded profile is small)
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


EMPTY_TOPICS = {**dict.fromkeys(TOPIC_COUNTS, 0), "median": None, "p90": None}


def responsiveness(scope: Scope) -> Panel:
    per_week = topic_stats(scope, first=scope.first_week, by_week=True)
    k = scope.k
    rows = []
    for week in scope.weeks():
        s = per_week.get(week, EMPTY_TOPICS)
        rows.append(
            [
                f.text(week.isoformat()),
                f.count(s["started"], people=s["authors"], k=k),
                f.count(s["answered"], people=s["responders"], k=k),
                f.number(s["median"], people=s["responders"], k=k),
                f.number(s["p90"], people=s["responders"], k=k),
                f.count(s["unanswered"], people=s["unanswered_authors"], k=k),
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


def goals(scope: Scope) -> Panel:
    qs = (
        scope.dims(GoalStatus.objects.filter(_goal_filter(scope)))
        .values("stage", "status")
        .annotate(goals=Count("id"), people=Count("actor_id", distinct=True))
        .order_by()
    )
    found = {(row["stage"], row["status"]): row for row in qs}
    rows = []
    for stage, label in STAGES:
        row = [f.text(label)]
        for status in (GoalState.ON_TIME, GoalState.LATE, GoalState.OVERDUE):
            cell = found.get((stage, status), {"goals": 0, "people": 0})
            row.append(f.count(cell["goals"], people=cell["people"], k=scope.k))
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
    rows = [
        [
            f.text(titles.get(r["lesson_id"], f"Lesson {r['lesson_id']}")),
            f.count(r["started"], k=scope.k),
            f.count(r["completed"], k=scope.k),
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
    }


def prompts(scope: Scope) -> Panel:
    timing = dict(PromptTiming.choices)
    several = scope.cohort_ids is None or len(scope.cohort_ids) > 1
    qs = _prompts(scope)
    total = qs.count()
    latest = list(
        qs.select_related("cohort").annotate(**_responses(scope)).order_by("-released_at", "-pk")[:PROMPTS_SHOWN]
    )
    rows = [
        [
            f.text(f"{p.title} ({p.cohort.name})" if several and p.cohort else p.title),
            f.text(p.released_on.isoformat()),
            f.text(timing.get(p.timing, p.timing)),
            f.text(p.session or ""),
            f.count(p.n_responses, people=p.n_responders, k=scope.k),
            f.count(p.n_responders, k=scope.k),
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
    )


def prompt_timing(scope: Scope) -> Panel:
    # Released prompts per timing, and their replies, in two grouped queries (the join would multiply counts).
    released = dict(_prompts(scope).values("timing").annotate(n=Count("id")).order_by().values_list("timing", "n"))
    replies = {row["timing"]: row for row in _prompts(scope).values("timing").annotate(**_responses(scope)).order_by()}
    rows = []
    for value, label in PromptTiming.choices:
        n = released.get(value, 0)
        row = replies.get(value, {"n_responses": 0, "n_responders": 0})
        people = row["n_responders"]
        rows.append(
            [
                f.text(label),
                f.count(n),
                f.count(row["n_responses"], people=people, k=scope.k),
                f.number(row["n_responses"] / n if n else None, people=people, k=scope.k),
            ]
        )
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
    qs = DailyActor.objects.filter(day__range=(scope.first_week, scope.end))
    if scope.cohort_ids is not None:
        qs = qs.filter(cohort_id__in=scope.cohort_ids)
    rows_qs = (
        qs.filter(role__in=[PersonRole.TEAM, PersonRole.LEADER], contributions__gt=0)
        .values("week", "role")
        .annotate(contributions=Sum("contributions"), people=Count("actor_id", distinct=True))
        .order_by()
    )
    found = {(row["week"], row["role"]): row for row in rows_qs}
    rows = []
    k = scope.k
    for week in scope.weeks():
        t = found.get((week, PersonRole.TEAM), {"contributions": 0, "people": 0})
        ldr = found.get((week, PersonRole.LEADER), {"contributions": 0, "people": 0})
        rows.append(
            [
                f.text(week.isoformat()),
                f.count(t["contributions"], people=t["people"], k=k),
                f.count(t["people"], k=k),
                f.number(t["contributions"] / t["people"] if t["people"] else None, people=t["people"], k=k),
                f.number(ldr["contributions"] / ldr["people"] if ldr["people"] else None, people=ldr["people"], k=k),
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
        note="Management level and department filters do not apply to the programme team.",
        definition="team",
    )
