"""Dashboard figures against a direct recount of raw activity (seeded random histories)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from metrics.definitions import CONTRIBUTIONS, NON_ENGAGEMENT, POSTS
from metrics.models import Activity
from metrics.selectors import adoption, engagement, headline, surveys
from metrics.selectors import figures as f
from metrics.selectors.scope import Scope
from portal.people.models import Membership, Role, User

from .conftest import History, rolled_up
from .conftest import column_values as numbers

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 3, 2, 6, tzinfo=ZoneInfo("UTC"))  # spans the clocks going forward on 29 March


def local(a: Activity) -> date:
    return a.created_at.astimezone(LONDON).date()


def leaders_activity(cohort_ids=None, level=None):
    team = set(User.objects.filter(groups__name=Role.FACILITATOR).values_list("pk", flat=True))
    for a in Activity.objects.order_by("created_at", "id"):
        if a.actor_id in team or (cohort_ids is not None and a.cohort_id not in cohort_ids):
            continue
        if level and a.management_level != level:
            continue
        yield a


@pytest.fixture
def org(db):
    return rolled_up(History(31, people=30), START, 56)


@pytest.mark.django_db
@pytest.mark.parametrize("filtered", [False, True])
def test_active_people_equal_a_recount(org, filtered):
    cohort_ids = frozenset({org.cohorts[0].pk}) if filtered else None
    level = 2 if filtered else None
    scope = Scope(cohort_ids=cohort_ids, start=date(2026, 3, 4), end=date(2026, 4, 20), level=level)
    per_day = defaultdict(set)
    for a in leaders_activity(cohort_ids, level):
        if a.verb not in NON_ENGAGEMENT:
            per_day[local(a)].add(a.actor_id)
    expected_dau, expected_wau, expected_mau = [], [], []
    for week in scope.weeks():
        days = [week + timedelta(days=i) for i in range(7) if week + timedelta(days=i) <= scope.end]
        month = [week - timedelta(days=21) + timedelta(days=i) for i in range(28)]
        month = [d for d in month if d <= scope.end]
        expected_dau.append(round(sum(len(per_day[d]) for d in days) / len(days), 1))
        expected_wau.append(len(set().union(*(per_day[d] for d in days))))
        expected_mau.append(len(set().union(*(per_day[d] for d in month))))
    panel = adoption.active_people(scope)
    assert numbers(panel, 1) == expected_dau
    assert numbers(panel, 2) == expected_wau
    assert numbers(panel, 3) == expected_mau


@pytest.mark.django_db
def test_contributors_readers_and_regulars_equal_a_recount(org):
    scope = Scope(cohort_ids=None, start=date(2026, 3, 9), end=date(2026, 4, 19))
    active, wrote = defaultdict(set), defaultdict(set)
    for a in leaders_activity():
        week = local(a) - timedelta(days=local(a).weekday())
        if a.verb not in NON_ENGAGEMENT:
            active[week].add(a.actor_id)
        if a.verb in CONTRIBUTIONS:
            wrote[week].add(a.actor_id)
    panel = adoption.contributors_and_readers(scope)
    assert numbers(panel, 1) == [len(wrote[w]) for w in scope.weeks()]
    assert numbers(panel, 2) == [len(active[w] - wrote[w]) for w in scope.weeks()]

    windows = defaultdict(set)
    for a in leaders_activity():
        age = (scope.end - local(a)).days
        if a.verb in CONTRIBUTIONS and 0 <= age < 28:
            windows[a.actor_id].add(age // 7)
    assert adoption.regular_contributors(scope) == {actor for actor, seen in windows.items() if len(seen) >= 3}


@pytest.mark.django_db
def test_funnel_equals_a_recount(org):
    end = date(2026, 3, 20)
    scope = Scope(cohort_ids=None, start=date(2026, 3, 1), end=end)
    firsts = defaultdict(dict)
    for a in Activity.objects.order_by("created_at"):
        for name, verbs in [("signed", {"signed_in", "signed_up", "invitation_accepted"}), ("post", POSTS)]:
            if a.verb in verbs:
                firsts[a.actor_id].setdefault(name, local(a))
    members = set(Membership.objects.filter(kind="member").values_list("user_id", flat=True))
    rows = {row[0].text: row[1].value for row in adoption.funnel(scope).rows}
    assert rows["Invited"] == len(members)
    assert rows["Signed in"] == sum(1 for m in members if firsts[m].get("signed", date.max) <= end)
    assert rows["First forum post"] == sum(1 for m in members if firsts[m].get("post", date.max) <= end)


@pytest.mark.django_db
def test_posts_by_level_equal_a_recount(org):
    scope = Scope(cohort_ids=None, start=date(2026, 3, 2), end=date(2026, 4, 12))
    posts = defaultdict(int)
    for a in leaders_activity():
        if a.verb in POSTS:
            posts[(local(a) - timedelta(days=local(a).weekday()), a.management_level)] += 1
    panel = adoption.level_posts(scope)
    for level in (1, 2, 3):
        assert numbers(panel, level) == [posts[(w, level)] for w in scope.weeks()]


@pytest.mark.django_db
def test_response_times_equal_a_recount(org):
    scope = Scope(cohort_ids=None, start=date(2026, 3, 2), end=date(2026, 4, 26))
    created, first = {}, {}
    for a in Activity.objects.order_by("created_at", "id"):
        if a.verb == "topic_created":
            created.setdefault(a.target_id, a)
        elif a.verb == "topic_first_response":
            first.setdefault(a.context_id, a)
    team = set(User.objects.filter(groups__name=Role.FACILITATOR).values_list("pk", flat=True))
    hours = [first[t].data["seconds"] / 3600 for t, a in created.items() if t in first and a.actor_id not in team]
    unanswered = sum(1 for t, a in created.items() if t not in first and a.actor_id not in team)
    stats = engagement.topic_stats(scope)
    assert stats["median"] == pytest.approx(statistics.median(hours))
    assert stats["p90"] == pytest.approx(statistics.quantiles(hours, n=10, method="inclusive")[-1])
    assert stats["unanswered"] == unanswered


@pytest.mark.django_db
def test_survey_means_and_paired_change_equal_a_recount(org):
    scope = Scope(cohort_ids=None, start=date(2026, 3, 2), end=date(2026, 4, 26), survey_id=1)
    answers = defaultdict(dict)
    for a in leaders_activity():
        if a.verb == "survey_answered":
            for item, score in a.data["scores"].items():
                answers[item].setdefault(a.actor_id, {})[a.data["round"]] = score
    panel = surveys.survey_means(scope)
    for row in panel.rows:
        item = row[0].text.removeprefix("Statement ")
        people = answers[item]
        before = [p["before"] for p in people.values() if "before" in p]
        pairs = [p["after"] - p["before"] for p in people.values() if "before" in p and "after" in p]
        assert row[1].value == round(statistics.mean(before), 2)
        assert row[2].value == len(before)
        assert row[5].value == len(pairs)
        assert row[6].value == round(statistics.mean(pairs), 2)


@pytest.mark.django_db
def test_comparison_changes_are_b_minus_a(org):
    a = Scope(cohort_ids=None, start=date(2026, 3, 2), end=date(2026, 3, 29))
    b = a.with_dates(date(2026, 3, 30), date(2026, 4, 26))
    panel = headline.comparison(a, b)
    for row in panel.rows:
        if row[1].value is not None and row[2].value is not None:
            assert row[3].value == pytest.approx(round(row[2].value - row[1].value, 1))


def test_secondary_suppression_hides_a_second_cell():
    cells = [f.count(n, k=5) for n in (3, 9, 7, 0, 12)]
    protected = f.protect(cells, 5)
    # The hidden 3 plus the 7 hidden to protect it: the whole minus the shown cells is 10, not a small group.
    small, protects = "hidden (fewer than 5 people)", "hidden (protects a smaller group)"
    assert [c.text for c in protected] == [small, "9", protects, "0", "12"]
    two_small = f.protect([f.count(n, k=5) for n in (1, 2, 6, 8)], 5)
    # 1 + 2 hidden would still give away 3 people: the 6 goes too, and no hidden cell reads "fewer than 5".
    assert [c.text for c in two_small] == [small, small, protects, "8"]
    untouched = [f.count(n, k=5) for n in (6, 9)]
    assert f.protect(untouched, 5) == untouched


def test_zero_is_shown_and_one_to_k_minus_one_are_hidden():
    assert f.count(0, k=5).text == "0"
    assert [f.count(n, k=5).suppressed for n in (1, 4, 5)] == [True, True, False]
    assert f.number(3.25, people=4, k=5).text == "hidden (fewer than 5 people)"
    assert f.number(3.25, people=5, k=5).text == "3.2"
