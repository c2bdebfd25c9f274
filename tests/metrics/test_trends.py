"""The trends page: weekly trends per level, readiness by activity, cohorts side by side.

Figures against an independent recount of the raw activity log, the privacy rules on hidden cells,
CSV = table, permissions, and a query count that stays flat as the rollup tables grow.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from metrics.definitions import CONTRIBUTIONS, NON_ENGAGEMENT
from metrics.models import Activity
from metrics.rollup import rollup_run
from metrics.selectors import trends
from metrics.selectors.scope import LEVELS, Scope
from portal.people.models import Cohort, Membership, Role, User
from tests.factories import ActivityFactory, member_of

from .conftest import History, csv_rows, flat_query_count, panel_tables, rolled_up
from .conftest import column_values as values

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 3, 2, 6, tzinfo=ZoneInfo("UTC"))
COHORT_STARTS = [date(2026, 3, 4), date(2026, 3, 23)]  # a Wednesday and a Monday, weeks apart


def local(a: Activity) -> date:
    return a.created_at.astimezone(LONDON).date()


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def leaders_activity():
    team = set(User.objects.filter(groups__name=Role.FACILITATOR).values_list("pk", flat=True))
    return [a for a in Activity.objects.order_by("created_at", "id") if a.actor_id not in team]


@pytest.fixture
def org(db):
    org = History(41, people=30)
    for cohort, starts in zip(org.cohorts, COHORT_STARTS, strict=True):
        Cohort.objects.filter(pk=cohort.pk).update(starts_on=starts)
    # Three people of the second cohort joined in its third week: they are not members of weeks 1-2.
    late = Membership.objects.filter(cohort=org.cohorts[1]).order_by("pk")[:3]
    Membership.objects.filter(pk__in=[m.pk for m in late]).update(joined_at=datetime(2026, 4, 8, 12, tzinfo=LONDON))
    return rolled_up(org, START, 63)


# ---------------------------------------------------------------- exact against a recount


@pytest.mark.django_db
def test_weekly_trends_per_level_equal_a_recount(org):
    scope = Scope(cohort_ids=None, start=date(2026, 3, 4), end=date(2026, 4, 26))
    active, goals, goal_people, lessons, lesson_people = (
        defaultdict(set),
        defaultdict(int),
        defaultdict(set),
        defaultdict(int),
        defaultdict(set),
    )
    for a in leaders_activity():
        key = (monday(local(a)), a.management_level)
        if a.verb not in NON_ENGAGEMENT:
            active[key].add(a.actor_id)
        if a.verb == "goal_completed":
            goals[key] += 1
            goal_people[key].add(a.actor_id)
        if a.verb == "lesson_completed":
            lessons[key] += 1
            lesson_people[key].add(a.actor_id)
    expected = {
        "trend-active": {k: len(v) for k, v in active.items()},
        "trend-goals": goals,
        "trend-lessons": lessons,
    }
    for slug in ("trend-active", "trend-goals", "trend-lessons"):
        panel = trends.PANELS[slug](scope)
        assert panel.columns == ["Week starting", *LEVELS.values()]
        assert [row[0].text for row in panel.rows] == [w.isoformat() for w in scope.weeks()]
        for i, level in enumerate(LEVELS, start=1):
            assert values(panel, i) == [expected[slug].get((w, level), 0) for w in scope.weeks()], (slug, level)
    assert sum(goals.values()) > 20 and sum(lessons.values()) > 20  # the history really exercises them


def per_person_survey(scope_cohorts=None):
    answers: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for a in leaders_activity():
        if a.verb == "survey_answered":
            for item, score in a.data["scores"].items():
                answers[a.actor_id][item][a.data["round"]] = score  # the latest answer of a round counts
    people = {}
    for actor_id, items in answers.items():
        both = [v for v in items.values() if "before" in v and "after" in v]
        if both:
            people[actor_id] = (
                statistics.mean(v["before"] for v in both),
                statistics.mean(v["after"] for v in both),
                statistics.mean(v["after"] - v["before"] for v in both),
            )
    return people


@pytest.mark.django_db
def test_readiness_change_split_by_activity_equals_a_recount(org):
    scope = Scope(cohort_ids=None, start=date(2026, 4, 6), end=date(2026, 4, 7), survey_id=1)
    wrote = {a.actor_id for a in leaders_activity() if a.verb in CONTRIBUTIONS and scope.start <= local(a) <= scope.end}
    people = per_person_survey()
    groups = {
        "active": [v for p, v in people.items() if p in wrote],
        "quiet": [v for p, v in people.items() if p not in wrote],
        "all": list(people.values()),
    }
    assert groups["active"] and groups["quiet"]  # both groups exist in this history
    panel = trends.readiness_by_activity(scope)
    assert [row[0].text for row in panel.rows] == [
        "Active members",
        "Quiet members",
        "All who answered both",
    ]
    for row, group in zip(panel.rows, ("active", "quiet", "all"), strict=True):
        rows = groups[group]
        assert row[1].value == len(rows)
        for column, index in ((2, 0), (3, 1), (4, 2)):
            assert row[column].value == round(statistics.mean(r[index] for r in rows), 2), (group, column)


@pytest.mark.django_db
def test_cohorts_side_by_side_equal_a_recount(org):
    scope = Scope(cohort_ids=None, start=date(2026, 4, 1), end=date(2026, 5, 3))
    joined = {
        (m.cohort_id, m.user_id): timezone.localtime(m.joined_at).date()
        for m in Membership.objects.filter(kind=Membership.Kind.MEMBER)
    }
    cohorts = [Cohort.objects.get(pk=c.pk) for c in org.cohorts]
    active, wrote = defaultdict(set), defaultdict(set)
    for a in leaders_activity():
        cohort = next(c for c in cohorts if c.pk == a.cohort_id)
        day = local(a)
        if (a.cohort_id, a.actor_id) not in joined or joined[(a.cohort_id, a.actor_id)] > day:
            continue
        week = (day - cohort.starts_on).days // 7 + 1 if day >= cohort.starts_on else 0
        if a.verb not in NON_ENGAGEMENT:
            active[(a.cohort_id, week)].add(a.actor_id)
        if a.verb in CONTRIBUTIONS:
            wrote[(a.cohort_id, week)].add(a.actor_id)
    # Whole weeks up to 3 May: the first cohort (from Wed 4 March) has 8, the second (from 23 March) 6.
    done = {c.pk: ((scope.end - c.starts_on).days + 1) // 7 for c in cohorts}
    assert list(done.values()) == [8, 6]
    for slug, counted in (("cohort-active", active), ("cohort-contributors", wrote)):
        panel = trends.PANELS[slug](scope)
        assert [row[0].text for row in panel.rows] == [f"Week {n}" for n in range(1, 9)]
        for i, cohort in enumerate(cohorts):
            count_column, share_column = 1 + 2 * i, 2 + 2 * i
            assert panel.columns[count_column].startswith(cohort.name)
            for week, row in enumerate(panel.rows, start=1):
                if week > done[cohort.pk]:
                    assert row[count_column].text == row[share_column].text == "not reached yet"
                    continue
                end_of_week = cohort.starts_on + timedelta(days=7 * week - 1)
                members = sum(1 for (c, _), day in joined.items() if c == cohort.pk and day <= end_of_week)
                n = len(counted[(cohort.pk, week)])
                assert row[count_column].value == n, (slug, cohort.name, week)
                assert row[share_column].value == round(100 * n / members, 1), (slug, cohort.name, week)
                assert n <= members
    # The late joiners really are left out of their cohort's first two weeks.
    second = cohorts[1].pk
    assert sum(1 for (c, _), day in joined.items() if c == second and day > COHORT_STARTS[1] + timedelta(13)) == 3


# ---------------------------------------------------------------- privacy rules


def _active_on(person, day: date, cohort: Cohort, n: int = 1):
    at = datetime(day.year, day.month, day.day, 10, tzinfo=LONDON)
    for i in range(n):
        ActivityFactory(actor=person, verb="signed_in", cohort=cohort, created_at=at + timedelta(minutes=i))


@pytest.mark.django_db
def test_a_level_of_three_active_people_is_hidden_and_a_second_level_protects_it(client, analyst, cohort):
    levels = {lv: [member_of(cohort, profile__management_level=lv) for _ in range(6)] for lv in LEVELS}
    Membership.objects.update(joined_at=datetime(2026, 1, 5, tzinfo=LONDON))
    week = date(2026, 3, 9)
    for level, n in ((1, 3), (2, 6), (3, 5)):
        for person in levels[level][:n]:
            _active_on(person, week + timedelta(days=1), cohort)
    rollup_run()
    client.force_login(analyst)
    query = {"start": "2026-03-09", "end": "2026-03-15"}
    table = panel_tables(client.get(reverse("metrics:trends"), query).content.decode())["trend-active"]
    assert table[1] == [
        "2026-03-09",
        "hidden (fewer than 5 people)",  # 3 senior executives: too few
        "6",
        "hidden (protects a smaller group)",  # else 14 on the dashboard - 6 - 5 gives the 3 away
    ]
    # The CSV holds the same words, never the numbers behind them.
    download = client.get(reverse("metrics:trends-export", args=["trend-active"]), query)
    assert csv_rows(download.content) == table
    assert "3" not in [cell for row in csv_rows(download.content)[1:] for cell in row[1:]]


@pytest.mark.django_db
def test_every_shown_trend_figure_keeps_the_floor_against_a_recount(db):
    """With k = 5: a shown count of people is 0 or >= 5, and the hidden people of a row are 0 or >= 5."""
    org = History(43, people=30)
    for cohort, starts in zip(org.cohorts, COHORT_STARTS, strict=True):
        Cohort.objects.filter(pk=cohort.pk).update(starts_on=starts)
    org.add(400, START, 63)  # sparse: a level has a handful of active people a week
    rollup_run()
    scope = Scope(cohort_ids=None, start=date(2026, 3, 2), end=date(2026, 5, 3), k=5)
    active = defaultdict(set)
    for a in leaders_activity():
        if a.verb not in NON_ENGAGEMENT:
            active[(monday(local(a)), a.management_level)].add(a.actor_id)
    panel = trends.trend_active(scope)
    hidden_seen = 0
    for row in panel.rows:
        week = date.fromisoformat(row[0].text)
        hidden = 0
        for i, level in enumerate(LEVELS, start=1):
            true = len(active[(week, level)])
            if row[i].suppressed:
                hidden += true
                hidden_seen += 1
                assert row[i].text.startswith("hidden (")
            else:
                assert row[i].value == true and (true == 0 or true >= 5)
        assert hidden == 0 or hidden >= 5, row
    assert hidden_seen  # the sparse start of the history has small weeks
    for slug in ("cohort-active", "cohort-contributors"):
        for row in trends.PANELS[slug](scope).rows:
            for cell in row[1:]:
                assert cell.suppressed or cell.value is None or cell.value == 0 or cell.value >= 5


@pytest.mark.django_db
def test_readiness_groups_are_hidden_together(cohort):
    people = [member_of(cohort, profile__management_level=2) for _ in range(8)]
    Membership.objects.update(joined_at=datetime(2026, 1, 5, tzinfo=LONDON))
    for i, person in enumerate(people):
        for round_, day in (("before", date(2026, 2, 2)), ("after", date(2026, 5, 4))):
            ActivityFactory(
                actor=person,
                verb="survey_answered",
                cohort=cohort,
                created_at=datetime(day.year, day.month, day.day, 9, tzinfo=LONDON),
                data={
                    "survey": 7,
                    "round": round_,
                    "audience": "leaders",
                    "title": "Readiness",
                    "scores": {"1": 2 if round_ == "before" else 3 + i % 3},
                    "items": {"1": "Statement 1"},
                },
            )
    for person in people[:2]:  # two of the eight wrote something in March
        ActivityFactory(
            actor=person, verb="post_created", cohort=cohort, created_at=datetime(2026, 3, 10, 9, tzinfo=LONDON)
        )
    rollup_run()
    scope = Scope(cohort_ids=None, start=date(2026, 3, 1), end=date(2026, 3, 31), k=5, survey_id=7)
    rows = [[c.text for c in row] for row in trends.readiness_by_activity(scope).rows]
    assert rows[0][1:] == ["hidden (fewer than 5 people)"] * 4
    assert rows[1][1:] == ["hidden (protects a smaller group)"] * 4  # 8 - 2 = 6, but it would give the 2 away
    assert rows[2][1] == "8"


@pytest.mark.django_db
def test_a_withheld_level_reads_as_hidden_in_every_week_and_is_not_drawn(cohort):
    from metrics import disclosure

    for level, n in ((1, 2), (2, 8), (3, 8)):
        for _ in range(n):
            _active_on(member_of(cohort, profile__management_level=level), date(2026, 3, 10), cohort)
    Membership.objects.update(joined_at=datetime(2026, 1, 5, tzinfo=LONDON))
    rollup_run()
    plan = disclosure.plan_for(None, k=5)
    assert 1 in plan.withheld_levels
    scope = Scope(cohort_ids=None, start=date(2026, 3, 9), end=date(2026, 3, 22), k=5, plan=plan)
    # Level 1 (2 people) is too small; level 2 is withheld with it, else all - level 2 - level 3 gives it away.
    assert plan.withheld_levels == {1, 2}
    panel = trends.trend_active(scope)
    assert {row[1].text for row in panel.rows} == {"hidden (fewer than 5 people)"}
    assert {row[2].text for row in panel.rows} == {"hidden (protects a smaller group)"}
    assert [row[3].text for row in panel.rows] == ["8", "0"]
    assert [s.column for s in panel.series] == [3]


# ---------------------------------------------------------------- the page: CSV, permissions, queries


@pytest.fixture
def page_org(db):
    org = History(23, people=36)  # 6 people per cohort and level: every filter value clears the floor
    for cohort, weeks_ago in zip(org.cohorts, (9, 6), strict=True):
        Cohort.objects.filter(pk=cohort.pk).update(starts_on=timezone.localdate() - timedelta(weeks=weeks_ago))
    org.add(2500, timezone.now() - timedelta(days=70), 70)
    rollup_run()
    return org


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"level": 2}, {"cohort": 0}])
def test_every_trend_csv_holds_exactly_the_cells_of_its_table(client, analyst, page_org, query):
    if "cohort" in query:
        query = {"cohort": page_org.cohorts[0].pk}
    client.force_login(analyst)
    page = client.get(reverse("metrics:trends"), query)
    assert page.status_code == 200
    tables = panel_tables(page.content.decode())
    assert set(tables) == set(trends.PANELS)
    for slug, table in tables.items():
        assert len(table) > 1, slug
        download = client.get(reverse("metrics:trends-export", args=[slug]), query)
        assert download.status_code == 200
        assert download["Content-Type"].startswith("text/csv")
        assert csv_rows(download.content) == table, slug


@pytest.mark.django_db
def test_the_dashboard_links_to_the_trends_page(client, analyst, page_org):
    client.force_login(analyst)
    assert reverse("metrics:trends").encode() in client.get(reverse("metrics:index")).content


@pytest.mark.django_db
def test_a_leader_is_sent_to_their_own_page_and_refused_the_csv(client, leader):
    client.force_login(leader)
    response = client.get(reverse("metrics:trends"))
    assert response.status_code == 302
    assert response["Location"] == reverse("metrics:me")
    assert client.get(reverse("metrics:trends-export", args=["trend-active"])).status_code == 403


@pytest.mark.django_db
def test_a_facilitator_may_not_ask_for_another_cohort(client, facilitator, other_cohort):
    client.force_login(facilitator)
    assert client.get(reverse("metrics:trends"), {"cohort": other_cohort.pk}).status_code == 403
    export = reverse("metrics:trends-export", args=["cohort-active"])
    assert client.get(export, {"cohort": other_cohort.pk}).status_code == 403


@pytest.mark.django_db
def test_a_selection_below_the_floor_shows_the_sentence_not_figures(client, analyst, cohort):
    for _ in range(3):
        _active_on(member_of(cohort, profile__management_level=1), date(2026, 3, 10), cohort)
    rollup_run()
    client.force_login(analyst)
    page = client.get(reverse("metrics:trends"), {"cohort": cohort.pk})
    assert b"No figures for this selection" in page.content
    assert b"data-panel=" not in page.content
    rows = csv_rows(client.get(reverse("metrics:trends-export", args=["trend-active"]), {"cohort": cohort.pk}).content)
    assert rows[0] == ["No figures for this selection"]


@pytest.mark.django_db
def test_an_unknown_trend_panel_is_404(client, analyst):
    client.force_login(analyst)
    assert client.get(reverse("metrics:trends-export", args=["nothing-here"])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "args", "filtered"),
    [("trends", [], False), ("trends", [], True), ("trends-export", ["cohort-active"], True)],
)
def test_query_count_does_not_grow_with_rollup_rows(client, analyst, cohort, name, args, filtered):
    Cohort.objects.filter(pk=cohort.pk).update(starts_on=timezone.localdate() - timedelta(weeks=12))
    url, query = reverse(f"metrics:{name}", args=args), ({"cohort": cohort.pk} if filtered else {})
    small = flat_query_count(client, analyst, cohort, url, query)
    assert small <= 30, f"{name}: {small} queries"


@pytest.mark.django_db
def test_no_trend_reads_the_activity_log(client, analyst, page_org):
    client.force_login(analyst)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("metrics:trends")).status_code == 200
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "metrics_activity" not in sql and '"forums_' not in sql and '"blogs_' not in sql
    assert "metrics_dailyactor" in sql and "metrics_surveyscore" in sql


@pytest.mark.django_db
def test_every_trend_links_to_its_definition_which_says_who_counts(client, leader):
    client.force_login(leader)
    page = client.get(reverse("metrics:definitions")).content.decode()
    scope = Scope(cohort_ids=None, start=date(2026, 3, 2), end=date(2026, 3, 29))
    for build in trends.PANELS.values():
        anchor = build(scope).definition
        assert f'id="{anchor}"' in page, anchor
    assert "Quiet members did not" in page and "Deleted and hidden posts count towards being active" in page


@pytest.mark.django_db
def test_a_withheld_cohort_reads_as_hidden_side_by_side_and_is_not_drawn(db):
    from metrics import disclosure
    from tests.factories import CohortFactory

    cohorts = [CohortFactory(starts_on=date(2026, 3, 2)) for _ in range(3)]
    for cohort, n in zip(cohorts, (8, 8, 3), strict=True):
        for _ in range(n):
            _active_on(member_of(cohort, profile__management_level=2), date(2026, 3, 3), cohort)
    Membership.objects.update(joined_at=datetime(2026, 2, 2, tzinfo=LONDON))
    rollup_run()
    plan = disclosure.plan_for(None, k=5)
    # The cohort of 3 is too small, and one more is withheld, else all - the other two gives it away.
    assert cohorts[2].pk in plan.withheld_cohorts and len(plan.withheld_cohorts) == 2
    scope = Scope(cohort_ids=None, start=date(2026, 3, 2), end=date(2026, 3, 15), k=5, plan=plan)
    panel = trends.cohort_active(scope)
    by_name = {c.name: c for c in cohorts}
    drawn = {panel.columns[s.column].split(":")[0] for s in panel.series}
    assert drawn == {c.name for c in cohorts if c.pk not in plan.withheld_cohorts}
    for i, column in enumerate(panel.columns[1:], start=1):
        cohort = by_name[column.split(":")[0]]
        texts = {row[i].text for row in panel.rows}
        if cohort == cohorts[2]:
            assert texts == {"hidden (fewer than 5 people)"}
        elif cohort.pk in plan.withheld_cohorts:
            assert texts == {"hidden (protects a smaller group)"}
        else:
            assert [row[i].text for row in panel.rows] == (
                ["8", "0"] if "members active" in column else ["100.0", "0.0"]
            )
