"""Headline figures for one period, and the before/after comparison of two periods."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, Sum

from ..models import MemberStatus, TopicPersonKind
from . import figures as f
from . import people_weeks
from .adoption import regular_by_group, regular_contributors
from .engagement import range_topics, topic_people
from .figures import Cell, Panel, Series
from .scope import Scope


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    cell: Cell
    definition: str


def period_figures(scope: Scope) -> list[Headline]:
    """Every headline figure for ``scope``'s dates (a fixed number of queries, whatever the history size)."""
    k = scope.k
    agg = people_weeks.period_totals(scope)

    def people(field: str) -> Count:
        return Count("actor_id", distinct=True, filter=Q(**{f"{field}__gt": 0}))

    # The same people per week: a figure summed over the range is hidden when one of its weeks is small
    # (metrics.disclosure.over_weeks), or two ranges that differ by that week would give it away.
    weekly = people_weeks.per_week(
        scope.start,
        scope.end,
        lambda rows: (
            scope.dims(rows)
            .values("week")
            .annotate(
                active=people("actions"),
                topics=people("topics"),
                replies=people("replies"),
                entries=people("entries"),
                comments=people("comments"),
                lessons=people("lessons_completed"),
                goals=people("goals_completed"),
            )
            .order_by()
        ),
    )

    def weeks(key: str) -> list[int]:
        return [row[key] for row in weekly]

    days = (scope.end - scope.start).days + 1
    avg_daily = sum(people_weeks.person_days(scope.start, scope.end, scope.dims).values()) / days
    firsts: dict[int, date] = {}
    for actor_id, day in scope.people_dims(
        MemberStatus.objects.filter(first_contribution_on__range=(scope.start, scope.end))
    ).values_list("actor_id", "first_contribution_on"):
        firsts[actor_id] = min(day, firsts.get(actor_id, day))
    new = len(firsts)
    new_weekly = Counter(day - timedelta(days=day.weekday()) for day in firsts.values())
    # Read now, not when a cell needs it: the page then makes the same queries whatever the figures.
    topics, unanswered_weekly = range_topics(scope)
    regular = len(regular_contributors(scope))
    active = agg["n_active"]
    siblings = _sibling_figures(scope, people)
    # Active people = contributors + readers: hide both or neither, or one gives the other away.
    contributors, readers = f.protect(
        [f.count(agg["n_contributors"], k=k), f.count(active - agg["n_contributors"], k=k)], k
    )

    def h(key: str, label: str, cell: Cell, definition: str) -> Headline:
        # The same figure, small in another selection, must not be recomputable from this one and others.
        for figures in siblings.get(key, ()):
            cell = f.shield(scope, [cell], *figures)[0]
        return Headline(key, label, cell, definition)

    def events(n: int, people: int, key: str) -> Cell:
        return f.over_weeks(f.count(n, people=people, k=k), weeks(key), k)

    # Daily active people summed over the days (the average times the days) adds up week by week too;
    # stickiness is that sum over the active people, so it is hidden with it.
    avg = f.over_weeks(f.number(avg_daily, people=active, k=k), weeks("active"), k)
    stickiness = f.hide_like(f.number(100 * avg_daily / active if active else None, people=active, k=k), avg)

    return [
        h("active", "People active", f.count(active, k=k), "active"),
        h("avg_daily", "Daily active people (average)", avg, "active"),
        h("stickiness", "Stickiness (%)", stickiness, "active"),
        h("contributors", "Contributors", contributors, "contributors"),
        h("readers", "Readers only", readers, "contributors"),
        h(
            "new_contributors",
            "New contributors",
            f.over_weeks(f.count(new, k=k), new_weekly.values(), k),
            "new-contributors",
        ),
        h("regular", "Regular contributors at the end", f.count(regular, k=k), "funnel"),
        h("topics", "Topics started", events(agg["n_topics"], agg["topic_people"], "topics"), "level-posts"),
        h("replies", "Replies", events(agg["n_replies"], agg["reply_people"], "replies"), "level-posts"),
        h("entries", "Blog entries published", events(agg["n_entries"], agg["entry_people"], "entries"), "active"),
        h("comments", "Blog comments", events(agg["n_comments"], agg["comment_people"], "comments"), "active"),
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
            f.over_weeks(f.count(topics["unanswered"], people=topics["unanswered_authors"], k=k), unanswered_weekly, k),
            "responsiveness",
        ),
        h("lessons", "Lessons completed", events(agg["n_lessons"], agg["lesson_people"], "lessons"), "lessons"),
        h("goals", "Goals completed", events(agg["n_goals"], agg["goal_people"], "goals"), "goals"),
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


SUMMED = {
    "avg_daily": "active",
    "topics": "topics",
    "replies": "replies",
    "entries": "entries",
    "comments": "comments",
    "lessons": "lessons",
    "goals": "goals",
}


COLUMNS = {
    "active": "actions",
    "contributors": "contributions",
    "topics": "topics",
    "replies": "replies",
    "entries": "entries",
    "comments": "comments",
    "lessons": "lessons_completed",
    "goals": "goals_completed",
}


def _sibling_figures(scope: Scope, people) -> dict[str, list[list[dict]]]:
    """Per headline figure, the people behind it per row group, in every selection the viewer may open.

    Each entry is a list of decisions, each a list of figures that hide the cell when any is small:
    the range's people, or, for figures summed over weeks, one decision per week (``over_weeks``).
    A fixed number of queries, whatever the history size; responders are read as people, since one
    person answers topics of several groups.
    """
    if scope.plan is None or not scope.k:
        return {}
    rng = (scope.start, scope.end)
    fields = {name: people(field) for name, field in COLUMNS.items()}
    whole = f.per_group(_people_per_group(scope), lambda r: None, fields).get(None, {})
    weekly = f.per_group(
        people_weeks.per_week(
            scope.start, scope.end, lambda qs: scope.everyone(qs).values("week", *f.GROUP).annotate(**fields).order_by()
        ),
        lambda r: r["week"],
        fields,
    )
    firsts: dict[tuple, dict] = defaultdict(dict)
    for row in scope.members():
        day = row["first_contribution_on"]
        if day is not None and rng[0] <= day <= rng[1]:
            seen = firsts[row["group"]]
            seen[row["actor_id"]] = min(day, seen.get(row["actor_id"], day))
    new_weekly: dict[date, dict] = defaultdict(lambda: defaultdict(int))
    for group, actors in firsts.items():
        for day in actors.values():
            new_weekly[day - timedelta(days=day.weekday())][group] += 1
    unanswered: dict[date, dict] = defaultdict(lambda: defaultdict(set))
    responders: dict[tuple, set] = defaultdict(set)
    for (week, kind, group), found in topic_people(scope, scope.start).items():
        if kind == TopicPersonKind.UNANSWERED:
            unanswered[week][group] |= found
        elif kind == TopicPersonKind.RESPONDER:
            responders[group] |= found

    def of(name: str) -> dict:
        return whole.get(name, {})

    readers = {g: n - of("contributors").get(g, 0) for g, n in of("active").items()}
    regular = regular_by_group(scope)  # at the end (3 of the 4 weeks ending on it), per row group
    # A figure summed over weeks is decided week by week: hidden here when any of its weeks is, so the
    # ranges that show it hold only weeks shown in every sibling selection (see over_weeks).
    out: dict[str, list[list[dict]]] = {
        "active": [[of("active")]],
        "regular": [[dict(regular)]],
        "contributors": [[of("contributors"), readers]],
        "readers": [[of("contributors"), readers]],
        "new_contributors": [[dict(w)] for w in new_weekly.values()],
        "median_response": [[responders]],
        "p90_response": [[responders]],
        "unanswered": [[dict(w)] for w in unanswered.values()],
    }
    for key, name in SUMMED.items():
        out[key] = [[w.get(name, {})] for w in weekly.values()]
    out["stickiness"] = out["avg_daily"]
    return out


def _people_per_group(scope: Scope) -> list[dict]:
    """Per row group of every selection (``scope.everyone``), the distinct people over the range behind
    each ``COLUMNS`` figure: rows shaped like ``values(*GROUP).annotate(...)`` over the range's person-days.

    Guarantees: the same counts as counting distinct people over DailyActor, read from person-weeks for
    the whole weeks (a person-week's counters are the sums of its days) in one query.
    """
    sums = {column: Sum(column) for column in COLUMNS.values()}
    totals: dict[tuple, dict[str, int]] = {}
    for row in people_weeks.combined(
        scope.start, scope.end, lambda qs: scope.everyone(qs).values("actor_id", *f.GROUP).annotate(**sums).order_by()
    ):
        key = (row["actor_id"], *(row[g] for g in f.GROUP))
        seen = totals.setdefault(key, dict.fromkeys(sums, 0))
        for column in sums:
            seen[column] += row[column] or 0
    groups: dict[tuple, dict[str, int]] = {}
    for (_actor, *group), seen in totals.items():
        counts = groups.setdefault(tuple(group), dict.fromkeys(COLUMNS, 0))
        for name, column in COLUMNS.items():
            counts[name] += seen[column] > 0
    return [{**dict(zip(f.GROUP, group, strict=True)), **counts} for group, counts in groups.items()]
