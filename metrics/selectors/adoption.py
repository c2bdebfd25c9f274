"""Adoption panels: the funnel, active people, contributors and readers, new contributors, levels."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import cast

from django.db.models import Count, F, Max, Q, Sum, Value

from ..models import MemberStatus, PersonRole, WeeklyActor
from ..rollup.common import week_of
from . import figures as f
from . import people_weeks
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
    """People who contributed in at least 3 of the 4 seven-day windows ending on the range's last day.

    Guarantees: read once per request and selection (the funnel and the headline share it).
    """
    if actor_id is None and scope.plan is not None:
        key = ("regular-of", scope.cohort_ids, scope.level, scope.department, scope.end)
        return scope.plan.memo(key, lambda: _regular_contributors(scope, actor_id=None))
    return _regular_contributors(scope, actor_id=actor_id)


def _regulars(qs, end: date, *fields: str):
    """(person, ``fields``...) rows of the people who contributed in at least 3 of the 4 windows ending on ``end``.

    ``qs``: person-weeks (WeeklyActor), narrowed. Each seven-day window overlaps two calendar weeks at
    most; a person contributed in it when one of their person-weeks has a contribution day inside it
    (``contribution_mask``). Counted in the database: one row per regular contributor, its cost following
    people x weeks, not what each person did.
    """
    first = end - timedelta(days=7 * REGULAR_OF - 1)
    windows = {
        f"window_{i}": Max(
            people_weeks.acted_within(
                "contribution_mask", end - timedelta(days=7 * (i + 1) - 1), end - timedelta(days=7 * i)
            )
        )
        for i in range(REGULAR_OF)
    }
    counted = sum((F(name) for name in windows), start=Value(0))
    return (
        qs.filter(week__range=(week_of(first), week_of(end)), contribution_mask__gt=0)
        .values("actor_id", *fields)
        .annotate(**windows)
        .annotate(windows=counted)
        .filter(windows__gte=REGULAR_WEEKS)
        .values_list("actor_id", *fields)
        .order_by()
    )


def _regular_contributors(scope: Scope, *, actor_id: int | None) -> set[int]:
    qs = WeeklyActor.objects.all()
    qs = qs.filter(actor_id=actor_id) if actor_id else scope.dims(qs)
    return {row[0] for row in _regulars(qs, scope.end)}


def regular_by_group(scope: Scope) -> dict[tuple, set[int]]:
    """Regular contributors at the range's end per row group, for every selection at once (once per request)."""

    def read() -> dict[tuple, set[int]]:
        regular: dict[tuple, set[int]] = defaultdict(set)
        for actor, *dims in _regulars(scope.everyone(WeeklyActor.objects.all()), scope.end, *f.GROUP):
            regular[(dims[0], dims[1], dims[2] or "")].add(actor)
        return regular

    return read() if scope.plan is None else scope.plan.memo(("regular", scope.end), read)


def funnel(scope: Scope) -> Panel:
    end = scope.end
    qs = scope.people_dims(MemberStatus.objects.all())
    counts = qs.aggregate(
        **{field: Count("person_key", distinct=True, filter=Q(**{f"{field}__lte": end})) for field, _label in FUNNEL}
    )
    regular = len(regular_contributors(scope))
    invited = counts["invited_on"]
    k = scope.k
    rows = [[f.text(label), f.count(counts[field], k=k)] for field, label in FUNNEL]
    rows.append([f.text("Regular contributor (3 of the last 4 weeks)"), f.count(regular, k=k)])
    for row in rows[1:]:
        # Invited minus a stage is the people who have not reached it: hidden with it when they are few.
        row[1] = f.part_of(row[1], invited, k)
    siblings = _funnel_siblings(scope)
    for row, (field, _label) in zip(rows, FUNNEL, strict=False):
        row[1:] = f.shield(scope, row[1:], *siblings.get(field, ()))
    if siblings:
        rows[-1][1:] = f.shield(scope, rows[-1][1:], *siblings["regular"])
    for row in rows:
        n = row[1]
        row.append(
            f.percent(cast("int | None", n.value), invited, people=cast("int | None", n.value), k=k)
            if not n.suppressed
            else n
        )
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


def _funnel_siblings(scope: Scope) -> dict[str, list[dict]]:
    """Per stage, the people who reached it and who did not, per row group, in every selection at once."""
    if scope.plan is None or not scope.k:
        return {}
    fields = [field for field, _label in FUNNEL]
    reached: dict[str, dict] = {field: defaultdict(set) for field in fields}
    invited: dict[tuple, set] = defaultdict(set)
    for row in scope.members():
        group, person = row["group"], row["person_key"]
        invited[group].add(person)
        for field in fields:
            if row[field] is not None and row[field] <= scope.end:
                reached[field][group].add(person)
    out = {
        field: [reached[field], {g: people - reached[field].get(g, set()) for g, people in invited.items()}]
        for field in fields
    }
    # Regular contributors (people, by actor) and the invited who are not (by person key).
    key_of = {row["actor_id"]: row["person_key"] for row in scope.members() if row["actor_id"] is not None}
    regular = regular_by_group(scope)
    out["regular"] = [
        dict(regular),
        {g: people - {key_of.get(a) for a in regular.get(g, ())} for g, people in invited.items()},
    ]
    return out


def _active_weeks(scope: Scope, first: date) -> dict[date, set[int]]:
    pairs = people_weeks.per_week(
        first, scope.end, lambda qs: scope.dims(qs.filter(actions__gt=0)).values_list("week", "actor_id").distinct()
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
    k = scope.k
    first = scope.first_week - timedelta(days=21)
    daily = people_weeks.person_days(first, scope.end, scope.dims)  # per week: active people summed over its days
    by_week = _active_weeks(scope, first)
    groups: dict[date, dict] = defaultdict(lambda: defaultdict(set))
    if scope.plan is not None and k:
        # Person-weeks for the whole weeks (active in the week = active on one of its days), days for the rest.
        for week, actor, *dims in people_weeks.combined(
            first,
            scope.end,
            lambda qs: scope.everyone(qs.filter(actions__gt=0)).values_list("week", "actor_id", *f.GROUP).distinct(),
        ):
            groups[week][(dims[0], dims[1], dims[2] or "")].add(actor)
    rows = []
    for week in weeks:
        wau = len(by_week.get(week, ()))
        window = [week - timedelta(days=7 * i) for i in range(4)]
        mau_people = set().union(*(by_week.get(w, set()) for w in window))
        mau = len(mau_people)
        days = _days_of(week, scope.end)
        dau = daily.get(week, 0) / len(days)
        month_days = [d for w in window for d in _days_of(w, scope.end)]
        month_dau = sum(daily.get(w, 0) for w in window) / len(month_days)
        month_groups: dict[tuple, set] = defaultdict(set)
        for w in window:
            for group, people in groups.get(w, {}).items():
                month_groups[group] |= people
        rows.append(
            [
                f.text(week.isoformat()),
                *f.shield(scope, [f.number(dau, people=wau, k=k), f.count(wau, k=k)], groups.get(week, {})),
                *f.shield(
                    scope,
                    [f.count(mau, k=k), f.number(100 * month_dau / mau if mau else None, people=mau, k=k)],
                    month_groups,
                ),
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
    rows_qs = people_weeks.per_week(
        scope.first_week,
        scope.end,
        lambda qs: (
            scope.dims(qs.filter(actions__gt=0))
            .values("week")
            .annotate(
                active=Count("actor_id", distinct=True),
                contributors=Count("actor_id", distinct=True, filter=Q(contributions__gt=0)),
            )
            .order_by()
        ),
    )
    found = {row["week"]: row for row in rows_qs}
    groups = f.per_group(
        people_weeks.per_week(
            scope.first_week,
            scope.end,
            lambda qs: (
                scope.everyone(qs.filter(actions__gt=0))
                .values("week", *f.GROUP)
                .annotate(
                    active=Count("actor_id", distinct=True),
                    contributors=Count("actor_id", distinct=True, filter=Q(contributions__gt=0)),
                )
                .order_by()
            ),
        ),
        key=lambda row: row["week"],
        fields=("active", "contributors"),
    )
    rows = []
    for week in scope.weeks():
        row = found.get(week, {"active": 0, "contributors": 0})
        readers = row["active"] - row["contributors"]
        # Contributors + readers = the week's active people, shown in the panel above: hide both or neither.
        cells = f.partition([f.count(row["contributors"], k=scope.k), f.count(readers, k=scope.k)], scope.k)
        g = groups.get(week, {})
        everyone, writers = g.get("active", {}), g.get("contributors", {})
        readers_of = {group: n - writers.get(group, 0) for group, n in everyone.items()}
        rows.append([f.text(week.isoformat()), *f.shield(scope, cells, writers, readers_of)])
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
    siblings: dict[date, dict] = defaultdict(lambda: defaultdict(set))
    if scope.plan is not None and scope.k:
        for row in scope.members():
            day = row["first_contribution_on"]
            if day is not None and scope.first_week <= day <= scope.end:
                siblings[day - timedelta(days=day.weekday())][row["group"]].add(row["actor_id"])
    rows = [
        [f.text(w.isoformat()), *f.shield(scope, [f.count(len(per_week.get(w, ())), k=scope.k)], siblings[w])]
        for w in scope.weeks()
    ]
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
    # Members by their current level; a writer counts for a level only as one of its members, so a
    # share above 100 % is impossible by construction (someone promoted since counts once, where they are).
    level_of = dict(
        scope.people_dims(MemberStatus.objects.filter(actor__isnull=False, joined_on__lte=scope.end))
        .values_list("actor_id", "management_level")
        .order_by()
    )
    members: dict[int | None, int] = defaultdict(int)
    for level in level_of.values():
        members[level] += 1
    week_start, month_start = scope.end - timedelta(days=6), scope.end - timedelta(days=27)
    writers = _writers(WeeklyActor.objects.filter(role=PersonRole.LEADER), week_start, month_start, scope.end)
    if scope.cohort_ids is not None:
        writers = writers.filter(cohort_id__in=scope.cohort_ids)
    found: dict[int | None, dict[str, set]] = defaultdict(lambda: {"week": set(), "month": set()})
    for actor_id, in_week in writers.values_list("actor_id", "in_week"):
        if actor_id in level_of:
            entry = found[level_of[actor_id]]
            entry["month"].add(actor_id)
            if in_week:
                entry["week"].add(actor_id)
    wrote = {level: {"week": len(e["week"]), "month": len(e["month"])} for level, e in found.items()}
    siblings = _level_share_siblings(scope, week_start, month_start)
    rows = []
    k = scope.k
    for level in levels:
        total = members.get(level, 0)
        row = wrote.get(level, {"week": 0, "month": 0})
        if not scope.shows(level=level):
            # A withheld level (too few people, or its figures would give a small group away) is hidden whole.
            rows.append([f.text(LEVELS[level]), *[f.withheld(scope.plan, scope.cohort_ids, level)] * 5])
            continue
        # Members minus those who wrote = those who did not: hidden with them when they are few.
        week, month = f.count(row["week"], k=k), f.count(row["month"], k=k)
        week, month = f.part_of(week, total, k), f.part_of(month, total, k)
        if not week.suppressed and not month.suppressed:
            # Those who wrote in the last 7 days are among those who wrote in 28: the rest must not be few.
            week = f.part_of(week, row["month"], k)
        week_share = f.hide_like(f.percent(row["week"], total, people=row["week"], k=k), week)
        month_share = f.hide_like(f.percent(row["month"], total, people=row["month"], k=k), month)
        if siblings is not None:
            members_of, wrote_week, wrote_month = (siblings[n].get(level, {}) for n in ("members", "week", "month"))
            # Who wrote, who did not, and (for 7 days) who wrote in 28 days but not in the last 7.
            week, week_share = f.shield(
                scope,
                [week, week_share],
                wrote_week,
                _minus(members_of, wrote_week),
                _minus(wrote_month, wrote_week),
            )
            month, month_share = f.shield(scope, [month, month_share], wrote_month, _minus(members_of, wrote_month))
        rows.append([f.text(LEVELS[level]), f.count(total, k=k), week, week_share, month, month_share])
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
        note="Members and those who wrote, both by their current level: a share cannot pass 100 %.",
        definition="level-share",
    )


def _writers(qs, week_start: date, month_start: date, end: date, *fields: str):
    """Of person-weeks ``qs``: who contributed in ``month_start``..``end`` (per ``fields``), with ``in_week``
    1 when they also did in ``week_start``..``end``. One row per person (and ``fields``), from the masks of
    the person-weeks overlapping the days, so its cost follows people x weeks."""
    return (
        qs.filter(week__range=(week_of(month_start), week_of(end)), contribution_mask__gt=0)
        .values("actor_id", *fields)
        .annotate(
            in_month=Max(people_weeks.acted_within("contribution_mask", month_start, end)),
            in_week=Max(people_weeks.acted_within("contribution_mask", week_start, end)),
        )
        .filter(in_month=1)
        .order_by()
    )


def _minus(a: dict, b: dict) -> dict:
    return {group: people - b.get(group, set()) for group, people in a.items()}


def _level_share_siblings(scope: Scope, week_start: date, month_start: date) -> dict | None:
    """Per current level: members, and those who wrote in the last 7 and 28 days, per row group of every
    selection at once (the groups are the members' own, as the panel counts them)."""
    if scope.plan is None or not scope.k:
        return None
    groups_of: dict[tuple, list] = defaultdict(list)  # (actor, cohort) -> its row groups
    out: dict[str, dict] = {name: defaultdict(lambda: defaultdict(set)) for name in ("members", "week", "month")}
    for row in scope.members():
        if row["actor_id"] is None or row["joined_on"] is None or row["joined_on"] > scope.end:
            continue
        group, actor = row["group"], row["actor_id"]
        groups_of[(actor, group[0])].append(group)
        out["members"][group[1]][group].add(actor)
    writers = _writers(scope.everyone(WeeklyActor.objects.all()), week_start, month_start, scope.end, "cohort_id")
    for actor, cohort_id, in_week in writers.values_list("actor_id", "cohort_id", "in_week"):
        for group in groups_of.get((actor, cohort_id), ()):
            out["month"][group[1]][group].add(actor)
            if in_week:
                out["week"][group[1]][group].add(actor)
    return out


def level_posts(scope: Scope) -> Panel:
    levels = [level for level in ([scope.level] if scope.level else list(LEVELS)) if scope.shows(level=level)]
    qs = people_weeks.per_week(
        scope.first_week,
        scope.end,
        lambda qs: (
            scope.dims(qs)
            .filter(Q(topics__gt=0) | Q(replies__gt=0))
            .values("week", "management_level")
            .annotate(posts=Sum("topics") + Sum("replies"), posters=Count("actor_id", distinct=True))
            .order_by()
        ),
    )
    found = {(row["week"], row["management_level"]): row for row in qs}
    posters: dict[tuple, dict] = defaultdict(lambda: defaultdict(set))
    if scope.plan is not None and scope.k:
        for week, actor, *dims in people_weeks.combined(
            scope.first_week,
            scope.end,
            lambda qs: (
                scope.everyone(qs)
                .filter(Q(topics__gt=0) | Q(replies__gt=0))
                .values_list("week", "actor_id", *f.GROUP)
                .distinct()
            ),
        ):
            posters[(week, dims[1])][(dims[0], dims[1], dims[2] or "")].add(actor)
    rows = []
    for week in scope.weeks():
        row = [f.text(week.isoformat())]
        for level in levels:
            cell = found.get((week, level), {"posts": 0, "posters": 0})
            figure = f.count(cell["posts"], people=cell["posters"], k=scope.k)
            row.extend(f.shield(scope, [figure], posters.get((week, level), {})))
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
        note="Levels with fewer than the privacy floor's number of people are withheld."
        if len(levels) < (1 if scope.level else len(LEVELS))
        else "",
        definition="level-posts",
    )
