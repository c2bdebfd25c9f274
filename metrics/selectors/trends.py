"""The trends page: weekly trends per management level, readiness by how active people were, cohorts side by side.

Like every dashboard panel these read rollup tables only (DailyActor, SurveyScore, MemberStatus) with a
fixed number of queries whatever the history, and build every figure with metrics.disclosure's cells.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from django.db.models import Avg, Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When

from portal.people.models import Cohort

from ..models import DailyActor, MemberStatus, PersonRole, SurveyScore
from . import figures as f
from .figures import Cell, Panel, Series
from .scope import LEVELS, Scope


class WidePanel(Panel):
    """A panel whose table goes under its chart: hidden cells read as long phrases, too wide to sit beside it."""

    @property
    def layout(self) -> str:
        return "stack"


# ---------------------------------------------------------------------------------------------
# Weekly trends per management level.

TREND_FIGURES = {
    # slug: (title, question, people who did it, events counted (None: the people are the figure), y title)
    "trend-active": (
        "Weekly active people by management level",
        "How many leaders of each level used the portal each week?",
        "active",
        None,
        "people",
    ),
    "trend-goals": (
        "Goals completed per week by management level",
        "How many crawl, walk, run goals did leaders of each level complete each week?",
        "goal_people",
        "goals",
        "goals",
    ),
    "trend-lessons": (
        "Lessons completed per week by management level",
        "How many lessons did leaders of each level complete each week?",
        "lesson_people",
        "lessons",
        "lessons",
    ),
}


def _level_weeks(scope: Scope) -> dict[tuple[date, int | None], dict[str, int]]:
    """Per week and level (as recorded when people acted): active people, and who completed goals and lessons."""
    rows = (
        scope.dims(DailyActor.objects.filter(day__range=(scope.first_week, scope.end)))
        .values("week", "management_level")
        .annotate(
            active=Count("actor_id", distinct=True, filter=Q(actions__gt=0)),
            goals=Sum("goals_completed"),
            goal_people=Count("actor_id", distinct=True, filter=Q(goals_completed__gt=0)),
            lessons=Sum("lessons_completed"),
            lesson_people=Count("actor_id", distinct=True, filter=Q(lessons_completed__gt=0)),
        )
        .order_by()
    )
    return {(row.pop("week"), row.pop("management_level")): row for row in rows}


def _level_trend(slug: str, scope: Scope) -> Panel:
    title, question, people_key, events_key, y_title = TREND_FIGURES[slug]
    levels = [scope.level] if scope.level else list(LEVELS)
    shown = [level for level in levels if scope.shows(level=level)]
    found = _level_weeks(scope)
    k = scope.k
    rows = []
    for week in scope.weeks():
        groups = {level: row for (w, level), row in found.items() if w == week}
        people = [f.count(groups.get(level, {}).get(people_key, 0), k=k) for level in shown]
        # The levels of a week add up to the week's total on the dashboards (all levels), together with the
        # people of no level or of a withheld level: those are never shown here, so they enter as hidden.
        rest = sum(row.get(people_key, 0) for level, row in groups.items() if level not in shown)
        protected = f.partition([*people, Cell(None, "", True, rest)], k)[: len(shown)]
        cells = iter(protected)
        row = [f.text(week.isoformat())]
        for level in levels:
            if level not in shown:
                # A withheld level (too few people, or it would give a small group away) is hidden whole.
                row.append(f.withheld(scope.plan, scope.cohort_ids, level))
                continue
            cell = next(cells)
            if events_key is not None:
                group = groups.get(level, {})
                cell = f.hide_like(f.count(group.get(events_key) or 0, people=group.get(people_key, 0), k=k), cell)
            row.append(cell)
        rows.append(row)
    return WidePanel(
        slug=slug,
        title=title,
        question=question,
        columns=["Week starting", *[LEVELS[level] for level in levels]],
        rows=rows,
        chart="line",
        series=[Series(i + 1) for i, level in enumerate(levels) if level in shown],
        y_title=y_title,
        note=" ".join(
            ["Each person counts under their level when they acted."]
            + (
                ["Levels withheld by the privacy rules read as hidden and are not drawn."]
                if len(shown) < len(levels)
                else []
            )
        ),
        definition="trends-levels",
    )


def trend_active(scope: Scope) -> Panel:
    return _level_trend("trend-active", scope)


def trend_goals(scope: Scope) -> Panel:
    return _level_trend("trend-goals", scope)


def trend_lessons(scope: Scope) -> Panel:
    return _level_trend("trend-lessons", scope)


# ---------------------------------------------------------------------------------------------
# Readiness change, active vs quiet members.


def contributed_in(scope: Scope) -> Exists:
    """Whether the outer row's person contributed (topic, reply, blog entry or comment) in the chosen dates.

    Anywhere on the portal, whatever the cohort, level or department filter: it describes the person.
    """
    return Exists(
        DailyActor.objects.filter(
            actor_id=OuterRef("actor_id"),
            day__range=(scope.start, scope.end),
            contributions__gt=0,
            role=PersonRole.LEADER,
        )
    )


def readiness_by_activity(scope: Scope) -> Panel:
    """Per person who answered both rounds: mean before, mean after, mean change; split by active and quiet."""
    per_person = (
        scope.dims(
            SurveyScore.objects.filter(survey_id=scope.survey_id or 0, before__isnull=False, after__isnull=False)
        )
        .values("actor_id")
        .annotate(
            before_mean=Avg("before"),
            after_mean=Avg("after"),
            change=Avg(F("after") - F("before")),
            active=contributed_in(scope),
        )
        .order_by()
    )
    groups: dict[str, list[dict]] = {"active": [], "quiet": []}
    for person in per_person:
        groups["active" if person["active"] else "quiet"].append(person)
    k = scope.k
    everyone = groups["active"] + groups["quiet"]
    # Active + quiet = everyone who answered both, shown in the last row: hide both or neither.
    parts = f.partition([f.count(len(groups["active"]), k=k), f.count(len(groups["quiet"]), k=k)], k)
    rows = []
    for label, people, n_cell in (
        ("Active members", groups["active"], parts[0]),
        ("Quiet members", groups["quiet"], parts[1]),
        ("All who answered both", everyone, f.count(len(everyone), k=k)),
    ):
        n = len(people)

        def mean(key: str, people=people, n=n, n_cell=n_cell) -> Cell:
            value = sum(p[key] for p in people) / n if n else None
            return f.hide_like(f.number(value, people=n, k=k, digits=2), n_cell)

        rows.append([f.text(label), n_cell, mean("before_mean"), mean("after_mean"), mean("change")])
    return Panel(
        slug="readiness-activity",
        title="Readiness change: active and quiet members",
        question="Does taking part go with readiness? The before/after survey change of members who contributed "
        "in the chosen dates, next to those who did not.",
        columns=["Members", "People who answered both rounds", "Before: mean", "After: mean", "Mean change"],
        rows=rows,
        series=[Series(2), Series(3)],
        y_title="mean rating (1-5)",
        value_max=5,
        note="Each person's ratings are averaged over the statements they answered in both rounds; the change is "
        "after minus before. Survey answers whatever the dates; activity within the chosen dates.",
        definition="trends-readiness",
    )


# ---------------------------------------------------------------------------------------------
# Cohorts side by side, week 1, 2, 3 ... since each cohort's start.

COHORT_WEEKS = 26  # half a year of weeks since start: longer than any programme


def _cohorts(scope: Scope, *, every: bool = False) -> list[Cohort]:
    """Cohorts with a whole week done by the end date: the scope's, or (``every``) those of the plan's "all"."""
    qs = Cohort.objects.filter(starts_on__lte=scope.end - timedelta(days=6)).order_by("starts_on", "name")
    ids = scope.plan.all_cohorts if every and scope.plan is not None else scope.cohort_ids
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return list(qs)


def _weeks_done(cohort: Cohort, end: date) -> int:
    """Whole weeks since the cohort's start that ended on or before ``end`` (at most COHORT_WEEKS)."""
    return min(COHORT_WEEKS, ((end - cohort.starts_on).days + 1) // 7)


Groups = dict[tuple, set[int]]  # people per row group: (cohort, current level, current department)


def cohort_people(scope: Scope, cohorts: list[Cohort]) -> tuple[dict[tuple[int, int], Groups], dict]:
    """Per (cohort, week since start): its members who had joined by the end of the week, and those of them
    active / contributing that week, as people per row group, over every level and department at once.

    Two queries: the members (with their current level and department) and one read of the person-day
    table grouped by cohort, week since start (worked out in SQL) and person. Every selection's figures,
    and the decisions across sibling selections, are sums over these groups.
    """
    by_cohort = {c.pk: c for c in cohorts}
    members: dict[tuple[int, int], Groups] = defaultdict(lambda: defaultdict(set))
    group_of: dict[tuple[int, int], tuple] = {}
    joined = MemberStatus.objects.filter(actor__isnull=False, cohort__in=cohorts).values_list(
        "cohort_id", "actor_id", "joined_on", "management_level", "department"
    )
    for cohort_id, actor_id, joined_on, level, department in joined:
        cohort = by_cohort[cohort_id]
        group = group_of[(cohort_id, actor_id)] = (cohort_id, level, department or "")
        for week in range(1, _weeks_done(cohort, scope.end) + 1):
            if joined_on is None or joined_on <= cohort.starts_on + timedelta(days=7 * week - 1):
                members[(cohort_id, week)][group].add(actor_id)
    whens, ranges = [], Q()
    for cohort in cohorts:
        weeks = _weeks_done(cohort, scope.end)
        if not weeks:
            continue
        ranges |= Q(
            cohort_id=cohort.pk, day__range=(cohort.starts_on, cohort.starts_on + timedelta(days=7 * weeks - 1))
        )
        for week in range(1, weeks + 1):
            first = cohort.starts_on + timedelta(days=7 * (week - 1))
            whens.append(When(cohort_id=cohort.pk, day__range=(first, first + timedelta(days=6)), then=Value(week)))
    found: dict[tuple[int, int], dict[str, Groups]] = defaultdict(
        lambda: {"active": defaultdict(set), "contributors": defaultdict(set)}
    )
    if whens:
        # Only the cohort's members who had joined by that day, by their current level and department:
        # everyone counted is in the denominator, so a share cannot pass 100 %.
        member = MemberStatus.objects.filter(
            actor__isnull=False, cohort_id=OuterRef("cohort_id"), actor_id=OuterRef("actor_id")
        ).filter(Q(joined_on__lte=OuterRef("day")) | Q(joined_on__isnull=True))
        rows = (
            DailyActor.objects.filter(ranges, Exists(member), role=PersonRole.LEADER)
            .annotate(since=Case(*whens, output_field=IntegerField()))
            .values_list("cohort_id", "since", "actor_id")
            .annotate(actions=Sum("actions"), contributions=Sum("contributions"))
            .order_by()
        )
        for cohort_id, since, actor_id, actions, contributions in rows:
            if (cohort_id, actor_id) not in group_of:
                continue
            if actions:
                found[(cohort_id, since)]["active"][group_of[(cohort_id, actor_id)]].add(actor_id)
            if contributions:
                found[(cohort_id, since)]["contributors"][group_of[(cohort_id, actor_id)]].add(actor_id)
    return members, found


def dashboard_weeks(scope: Scope, cohorts: list[Cohort]) -> dict[date, dict[str, list[dict]]]:
    """Per calendar week a cohort starting on a Monday shares with the dashboard: the figures (per row group,
    every selection at once) from which the dashboard decides its weekly active people and its contributors
    and readers across sibling selections (``adoption.active_people``, ``adoption.contributors_and_readers``).

    One query. Such a cohort's week 1, 2, 3 ... are calendar weeks, so its cells here and the dashboard's
    for its selections are the same figures: the trends page hides what either decision hides, so it never
    shows a cell the dashboard hides to protect a smaller group.
    """
    mondays = [c for c in cohorts if c.starts_on.weekday() == 0 and _weeks_done(c, scope.end)]
    if scope.plan is None or not scope.k or not mondays:
        return {}
    first = min(c.starts_on for c in mondays)
    last = max(c.starts_on + timedelta(days=7 * _weeks_done(c, scope.end) - 1) for c in mondays)
    active: dict[date, Groups] = defaultdict(lambda: defaultdict(set))
    writers: dict[date, dict] = defaultdict(lambda: defaultdict(int))
    readers: dict[date, dict] = defaultdict(lambda: defaultdict(int))
    rows = (
        scope.everyone(DailyActor.objects.filter(day__range=(first, last), actions__gt=0))
        .values_list("week", "actor_id", *f.GROUP)
        .annotate(contributions=Sum("contributions"))
        .order_by()
    )
    for week, actor_id, cohort_id, level, department, contributions in rows:
        group = (cohort_id, level, department or "")
        active[week][group].add(actor_id)
        (writers if contributions else readers)[week][group] += 1
    return {
        week: {"active": [active[week]], "contributors": [writers[week], readers[week]]}
        for week in active.keys() | writers.keys()
    }


def _in_scope(scope: Scope, groups: Groups) -> int:
    """People of the groups the scope's level and department select."""
    return sum(
        len(people)
        for (_, level, department), people in groups.items()
        if (not scope.level or level == scope.level) and (not scope.department or department == scope.department)
    )


NOT_REACHED = "not reached yet"

COHORT_FIGURES = {
    "cohort-active": (
        "Cohorts side by side: active members",
        "Week 1, 2, 3 ... since each cohort's start: what share of its members used the portal that week?",
        "active",
        "active",
    ),
    "cohort-contributors": (
        "Cohorts side by side: contributing members",
        "Week 1, 2, 3 ... since each cohort's start: what share of its members wrote something that week?",
        "contributors",
        "contributed",
    ),
}


def _cohort_panel(slug: str, scope: Scope) -> Panel:
    title, question, key, verb = COHORT_FIGURES[slug]
    plan = scope.plan if scope.k else None
    # The cells of "all cohorts" (its row of every cohort) decide every option's: a cohort's cell reads the
    # same under "all cohorts" as under the cohort alone, or one page would show what the other hides.
    row_cohorts = _cohorts(scope, every=plan is not None)
    cohorts = [c for c in row_cohorts if scope.cohort_ids is None or c.pk in scope.cohort_ids]

    def offered(cohort_list: list[Cohort]) -> list[Cohort]:
        return [c for c in cohort_list if plan is None or plan.shows(frozenset({c.pk}), scope.level, scope.department)]

    shown, row_shown = offered(cohorts), offered(row_cohorts)
    if plan is not None:  # both panels read every cohort's people once per request
        members_of, found = plan.memo(
            ("cohort-people", scope.end, tuple(c.pk for c in row_cohorts)), lambda: cohort_people(scope, row_cohorts)
        )
    else:
        members_of, found = cohort_people(scope, shown)
    members = {key: _in_scope(scope, groups) for key, groups in members_of.items()}
    calendar: dict = {}
    if plan is not None:
        memo_key = ("dashboard-weeks", scope.end, tuple(c.pk for c in row_cohorts))
        calendar = plan.memo(memo_key, lambda: dashboard_weeks(scope, row_cohorts))

    def dashboard_hides(cohort: Cohort, week: int) -> bool:
        """Does the dashboard hide this cohort's figure for the same calendar week, in this selection?"""
        if plan is None or cohort.starts_on.weekday() != 0:
            return False
        figures = calendar.get(cohort.starts_on + timedelta(days=7 * (week - 1)), {}).get(key)
        selection = (cohort.pk, scope.level or None, scope.department or None)
        return bool(figures) and selection in plan.siblings.hidden(figures)

    k = scope.k
    weeks = max((_weeks_done(c, scope.end) for c in cohorts), default=0)
    rows = []
    for week in range(1, weeks + 1):
        counts: list[Cell] = []
        for cohort in row_shown:
            if week > _weeks_done(cohort, scope.end):
                counts.append(Cell(None, NOT_REACHED))
                continue
            counted = found[(cohort.pk, week)][key] if (cohort.pk, week) in found else {}
            n = _in_scope(scope, counted)
            # Members minus those counted = those not counted: hidden with them when they are few.
            cell = f.part_of(f.count(n, k=k), members.get((cohort.pk, week), 0), k)
            # The cohort's column is the same under "all cohorts" as under the cohort: one decision over
            # the cohort's levels and departments, for those counted and those not.
            everyone = members_of.get((cohort.pk, week), {})
            others = {group: people - counted.get(group, set()) for group, people in everyone.items()}
            if scope.hides_within(cohort.pk, counted, others) or dashboard_hides(cohort, week):
                cell = f.for_siblings(cell, k)
            counts.append(cell)
        # The cohorts of one row are hidden together until they describe 0 or at least k people.
        cell_of = dict(zip((c.pk for c in row_shown), f.partition(counts, k), strict=True))
        row = [f.text(f"Week {week}")]
        for cohort in cohorts:
            if cohort not in shown:
                row += [f.withheld(scope.plan, frozenset({cohort.pk}), scope.level, scope.department)] * 2
                continue
            cell = cell_of[cohort.pk]
            if cell.text == NOT_REACHED:
                row += [cell, cell]
                continue
            n = _in_scope(scope, found[(cohort.pk, week)][key]) if (cohort.pk, week) in found else 0
            whole = members.get((cohort.pk, week), 0)
            row += [cell, f.hide_like(f.percent(n, whole, people=n, k=k), cell)]
        rows.append(row)
    columns = ["Week since start"]
    for cohort in cohorts:
        columns += [f"{cohort.name}: members {verb}", f"{cohort.name}: % of members"]
    return WidePanel(
        slug=slug,
        title=title,
        question=question,
        columns=columns,
        rows=rows,
        chart="line",
        series=[Series(2 + 2 * i) for i, c in enumerate(cohorts) if c in shown],
        y_title="% of members",
        value_max=100,
        note="Week 1 is the first seven days from the cohort's start date; only whole weeks up to the chosen end "
        "date are shown (the start date of the filter does not apply). Members: those who had joined by the "
        "end of that week.",
        definition="trends-cohorts",
    )


def cohort_active(scope: Scope) -> Panel:
    return _cohort_panel("cohort-active", scope)


def cohort_contributors(scope: Scope) -> Panel:
    return _cohort_panel("cohort-contributors", scope)


SECTIONS: list[tuple[str, str, list[tuple[str, Callable[[Scope], Panel]]]]] = [
    (
        "level-trends",
        "Weekly trends by management level",
        [("trend-active", trend_active), ("trend-goals", trend_goals), ("trend-lessons", trend_lessons)],
    ),
    ("readiness", "Taking part and readiness", [("readiness-activity", readiness_by_activity)]),
    (
        "cohorts",
        "Cohorts side by side",
        [("cohort-active", cohort_active), ("cohort-contributors", cohort_contributors)],
    ),
]
PANELS: dict[str, Callable[[Scope], Panel]] = {slug: build for _, _, panels in SECTIONS for slug, build in panels}


def trends(scope: Scope) -> list[dict]:
    """Every section of the trends page with its built panels."""
    return [
        {"slug": slug, "title": title, "panels": [build(scope) for _, build in panels]}
        for slug, title, panels in SECTIONS
    ]
