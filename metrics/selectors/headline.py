"""Headline figures for one period, and the before/after comparison of two periods."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from ..models import DailyActor, MemberStatus
from . import figures as f
from .adoption import regular_contributors
from .engagement import topic_stats
from .figures import Cell, Panel, Series
from .scope import Scope


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    cell: Cell
    definition: str


def period_figures(scope: Scope) -> list[Headline]:
    """Every headline figure for ``scope``'s dates (4 queries, whatever the history size)."""
    k = scope.k
    qs = scope.dims(DailyActor.objects.filter(day__range=(scope.start, scope.end)))

    def people(field: str) -> Count:
        return Count("actor_id", distinct=True, filter=Q(**{f"{field}__gt": 0}))

    agg = qs.aggregate(
        n_active=people("actions"),
        n_contributors=people("contributions"),
        n_topics=Sum("topics", default=0),
        topic_people=people("topics"),
        n_replies=Sum("replies", default=0),
        reply_people=people("replies"),
        n_entries=Sum("entries", default=0),
        entry_people=people("entries"),
        n_comments=Sum("comments", default=0),
        comment_people=people("comments"),
        n_lessons=Sum("lessons_completed", default=0),
        lesson_people=people("lessons_completed"),
        n_goals=Sum("goals_completed", default=0),
        goal_people=people("goals_completed"),
    )
    days = (scope.end - scope.start).days + 1
    daily = (
        qs.filter(actions__gt=0).values("day").annotate(n=Count("actor_id", distinct=True)).values_list("n", flat=True)
    )
    avg_daily = sum(daily) / days
    new = (
        scope.people_dims(MemberStatus.objects.filter(first_contribution_on__range=(scope.start, scope.end)))
        .values("actor_id")
        .distinct()
        .count()
    )
    topics = topic_stats(scope)
    regular = len(regular_contributors(scope))
    active = agg["n_active"]
    # Active people = contributors + readers: hide both or neither, or one gives the other away.
    contributors, readers = f.protect(
        [f.count(agg["n_contributors"], k=k), f.count(active - agg["n_contributors"], k=k)], k
    )

    def h(key: str, label: str, cell: Cell, definition: str) -> Headline:
        return Headline(key, label, cell, definition)

    return [
        h("active", "People active", f.count(active, k=k), "active"),
        h("avg_daily", "Daily active people (average)", f.number(avg_daily, people=active, k=k), "active"),
        h(
            "stickiness",
            "Stickiness (%)",
            f.number(100 * avg_daily / active if active else None, people=active, k=k),
            "active",
        ),
        h("contributors", "Contributors", contributors, "contributors"),
        h("readers", "Readers only", readers, "contributors"),
        h("new_contributors", "New contributors", f.count(new, k=k), "new-contributors"),
        h("regular", "Regular contributors at the end", f.count(regular, k=k), "funnel"),
        h("topics", "Topics started", f.count(agg["n_topics"], people=agg["topic_people"], k=k), "level-posts"),
        h("replies", "Replies", f.count(agg["n_replies"], people=agg["reply_people"], k=k), "level-posts"),
        h("entries", "Blog entries published", f.count(agg["n_entries"], people=agg["entry_people"], k=k), "active"),
        h("comments", "Blog comments", f.count(agg["n_comments"], people=agg["comment_people"], k=k), "active"),
        h(
            "median_response",
            "Median hours to first response",
            f.number(topics["median"], people=topics["responders"], k=k),
            "responsiveness",
        ),
        h(
            "p90_response",
            "90th percentile hours to first response",
            f.number(topics["p90"], people=topics["responders"], k=k),
            "responsiveness",
        ),
        h(
            "unanswered",
            "Topics with no response",
            f.count(topics["unanswered"], people=topics["unanswered_authors"], k=k),
            "responsiveness",
        ),
        h("lessons", "Lessons completed", f.count(agg["n_lessons"], people=agg["lesson_people"], k=k), "lessons"),
        h("goals", "Goals completed", f.count(agg["n_goals"], people=agg["goal_people"], k=k), "goals"),
    ]


def comparison(before: Scope, after: Scope) -> Panel:
    rows = []
    for a, b in zip(period_figures(before), period_figures(after), strict=True):
        diff, pct = f.change(a.cell, b.cell)
        rows.append([f.text(a.label), a.cell, b.cell, diff, pct])
    return Panel(
        slug="compare",
        title="Before and after",
        question=(
            f"Period A {before.start:%-d %b %Y} to {before.end:%-d %b %Y} against "
            f"period B {after.start:%-d %b %Y} to {after.end:%-d %b %Y}."
        ),
        columns=["Figure", "Period A", "Period B", "Change (B minus A)", "Change (%)"],
        rows=rows,
        series=[Series(1), Series(2)],
        horizontal=True,
        definition="compare",
    )
