"""Adoption panels: the funnel, active people, contributors and readers, new contributors, levels."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, Q, Sum

from ..models import DailyActor, MemberStatus
from . import figures as f
from .figures import Panel, Series
from .scope import LEVELS, Scope

FUNNEL = [
    ("invited_on", "Invited"),
    ("signed_in_on", "Signed in"),
    ("profile_completed_on", "Profile complete"),
    ("policy_acknowledged_on", "Policy acknowledged"),
    ("first_post_on", "First forum post"),
    ("first_entry_on", "First blog entry"),
]
REGULAR_WEEKS, REGULAR_OF = 3, 4


def regular_contributors(scope: Scope, *, actor_id: int | None = None) -> set[int]:
    """People who contributed in at least 3 of the 4 seven-day windows ending on the range's last day."""
    end = scope.end
    first = end - timedelta(days=7 * REGULAR_OF - 1)
    qs = DailyActor.objects.filter(day__range=(first, end), contributions__gt=0)
    qs = qs.filter(actor_id=actor_id) if actor_id else scope.dims(qs)
    pairs = qs.values_list("actor_id", "day").distinct()
    windows: dict[int, set[int]] = defaultdict(set)
    for actor_id, day in pairs:
        windows[actor_id].add((end - day).days // 7)
    return {actor for actor, seen in windows.items() if len(seen) >= REGULAR_WEEKS}


def funnel(scope: Scope) -> Panel:
    end = scope.end
    qs = scope.people_dims(MemberStatus.objects.all())
    counts = qs.aggregate(
        **{field: Count("person_key", distinct=True, filter=Q(**{f"{field}__lte": end})) for field, _label in FUNNEL}
    )
    regular = len(regular_contributors(scope))
    rows = [[f.text(label), f.count(counts[field], k=scope.k)] for field, label in FUNNEL]
    rows.append([f.text("Regular contributor (3 of the last 4 weeks)"), f.count(regular, k=scope.k)])
    invited = counts["invited_on"]
    for row in rows:
        n = row[1]
        row.append(f.percent(n.value, invited, people=n.value, k=scope.k) if not n.suppressed else n)
    return Panel(
        slug="funnel",
        title="Adoption funnel",
        question=f"How far have invited leaders come, as of {end:%d %b %Y}?",
        columns=["Stage", "People", "Share of invited (%)"],
        rows=rows,
        series=[Series(1)],
        horizontal=True,
        note="A person counts at every stage they have reached, whatever the order.",
        definition="funnel",
    )


def _daily_active(scope: Scope, first: date) -> dict[date, int]:
    rows = (
        scope.dims(DailyActor.objects.filter(day__range=(first, scope.end), actions__gt=0))
        .values("day")
        .annotate(n=Count("actor_id", distinct=True))
        .order_by()
    )
    return {row["day"]: row["n"] for row in rows}


def _active_weeks(scope: Scope, first: date) -> dict[date, set[int]]:
    pairs = (
        scope.dims(DailyActor.objects.filter(day__range=(first, scope.end), actions__gt=0))
        .values_list("week", "actor_id")
        .distinct()
    )
    weeks: dict[date, set[int]] = defaultdict(set)
    for week, actor_id in pairs:
        weeks[week].add(actor_id)
    return weeks


def _days_of(week: date, end: date) -> list[date]:
    return [week + timedelta(days=i) for i in range(7) if week + timedelta(days=i) <= end]


def active_people(scope: Scope) -> Panel:
    """Average daily, weekly and 4-weekly active people per week, and stickiness."""
    weeks = scope.weeks()
    first = scope.first_week - timedelta(days=21)
    daily = _daily_active(scope, first)
    by_week = _active_weeks(scope, first)
    rows = []
    k = scope.k
    for week in weeks:
        wau = len(by_week.get(week, ()))
        window = [week - timedelta(days=7 * i) for i in range(4)]
        mau_people = set().union(*(by_week.get(w, set()) for w in window))
        mau = len(mau_people)
        days = _days_of(week, scope.end)
        dau = sum(daily.get(d, 0) for d in days) / len(days)
        month_days = [d for w in window for d in _days_of(w, scope.end)]
        month_dau = sum(daily.get(d, 0) for d in month_days) / len(month_days)
        rows.append(
            [
                f.text(week.isoformat()),
                f.number(dau, people=wau, k=k),
                f.count(wau, k=k),
                f.count(mau, k=k),
                f.number(100 * month_dau / mau if mau else None, people=mau, k=k),
            ]
        )
    return Panel(
        slug="active",
        title="Active people",
        question="How many leaders use the portal on a day, in a week, in four weeks, and how often they return?",
        columns=[
            "Week starting",
            "Daily active (average)",
            "Weekly active",
            "Active in the last 4 weeks",
            "Stickiness (%)",
        ],
        rows=rows,
        chart="line",
        series=[Series(1), Series(2), Series(3)],
        y_title="people",
        definition="active",
    )


def contributors_and_readers(scope: Scope) -> Panel:
    rows_qs = (
        scope.dims(DailyActor.objects.filter(day__range=(scope.first_week, scope.end), actions__gt=0))
        .values("week")
        .annotate(
            active=Count("actor_id", distinct=True),
            contributors=Count("actor_id", distinct=True, filter=Q(contributions__gt=0)),
        )
        .order_by()
    )
    found = {row["week"]: row for row in rows_qs}
    rows = []
    for week in scope.weeks():
        row = found.get(week, {"active": 0, "contributors": 0})
        readers = row["active"] - row["contributors"]
        rows.append([f.text(week.isoformat()), f.count(row["contributors"], k=scope.k), f.count(readers, k=scope.k)])
    return Panel(
        slug="contributors",
        title="Contributors and readers",
        question="Of the people active each week, how many wrote something and how many only read?",
        columns=["Week starting", "Contributors", "Readers only"],
        rows=rows,
        series=[Series(1, stack="people"), Series(2, stack="people")],
        stacked=True,
        y_title="people",
        definition="contributors",
    )


def new_contributors(scope: Scope) -> Panel:
    firsts = (
        scope.people_dims(MemberStatus.objects.filter(first_contribution_on__range=(scope.first_week, scope.end)))
        .values_list("actor_id", "first_contribution_on")
        .distinct()
    )
    per_week: dict[date, set[int]] = defaultdict(set)
    for actor_id, day in firsts:
        per_week[day - timedelta(days=day.weekday())].add(actor_id)
    rows = [[f.text(w.isoformat()), f.count(len(per_week.get(w, ())), k=scope.k)] for w in scope.weeks()]
    return Panel(
        slug="new-contributors",
        title="New contributors per week",
        question="How many members wrote their first post, entry or comment each week?",
        columns=["Week starting", "New contributors"],
        rows=rows,
        series=[Series(1)],
        y_title="people",
        definition="new-contributors",
    )


def level_share(scope: Scope) -> Panel:
    """Share of each management level that contributed in the last 7 and 28 days of the range."""
    levels = [scope.level] if scope.level else list(LEVELS)
    members = dict(
        scope.people_dims(MemberStatus.objects.filter(actor__isnull=False, joined_on__lte=scope.end))
        .values("management_level")
        .annotate(n=Count("actor_id", distinct=True))
        .order_by()
        .values_list("management_level", "n")
    )
    week_start, month_start = scope.end - timedelta(days=6), scope.end - timedelta(days=27)
    active = (
        scope.dims(DailyActor.objects.filter(day__range=(month_start, scope.end), contributions__gt=0))
        .values("management_level")
        .annotate(
            week=Count("actor_id", distinct=True, filter=Q(day__gte=week_start)),
            month=Count("actor_id", distinct=True),
        )
        .order_by()
    )
    found = {row["management_level"]: row for row in active}
    rows = []
    k = scope.k
    for level in levels:
        total = members.get(level, 0)
        row = found.get(level, {"week": 0, "month": 0})
        # A level with fewer than k members is hidden whole: its shares would describe those few people.
        small = bool(k) and 0 < total < k
        rows.append(
            [
                f.text(LEVELS[level]),
                f.count(total, k=k),
                f.count(row["week"], people=total if small else row["week"], k=k),
                f.percent(row["week"], total, people=total if small else row["week"], k=k),
                f.count(row["month"], people=total if small else row["month"], k=k),
                f.percent(row["month"], total, people=total if small else row["month"], k=k),
            ]
        )
    return Panel(
        slug="level-share",
        title="Participation by management level",
        question="Are all three levels of management visibly taking part?",
        columns=[
            "Management level",
            "Members",
            "Wrote, last 7 days",
            "% of level, 7 days",
            "Wrote, last 28 days",
            "% of level, 28 days",
        ],
        rows=rows,
        series=[Series(3), Series(5)],
        y_title="% of members",
        note="Members by their current level; contributors by their level when they wrote.",
        definition="level-share",
    )


def level_posts(scope: Scope) -> Panel:
    levels = [scope.level] if scope.level else list(LEVELS)
    qs = (
        scope.dims(DailyActor.objects.filter(day__range=(scope.first_week, scope.end)))
        .filter(Q(topics__gt=0) | Q(replies__gt=0))
        .values("week", "management_level")
        .annotate(posts=Sum("topics") + Sum("replies"), posters=Count("actor_id", distinct=True))
        .order_by()
    )
    found = {(row["week"], row["management_level"]): row for row in qs}
    rows = []
    for week in scope.weeks():
        row = [f.text(week.isoformat())]
        for level in levels:
            cell = found.get((week, level), {"posts": 0, "posters": 0})
            row.append(f.count(cell["posts"], people=cell["posters"], k=scope.k))
        rows.append(row)
    return Panel(
        slug="level-posts",
        title="Forum posts by management level",
        question="Topics and replies each week, by the level of the person posting.",
        columns=["Week starting", *[f"{LEVELS[level]} posts" for level in levels]],
        rows=rows,
        chart="line",
        series=[Series(i + 1) for i in range(len(levels))],
        y_title="posts",
        definition="level-posts",
    )
