"""Person-weeks' day masks answer any run of days exactly as the person-days do.

WeeklyActor keeps, per person-week, a bit for each day with activity and each day with a contribution.
Daily active people, the level shares (last 7 and 28 days) and regular contributors (3 of the 4 seven-day
windows ending on the range's last day) are read from those masks; each is checked here against the same
figure counted from DailyActor (itself checked against the raw log in test_rollup), for ends on every
weekday, after an incremental rollup and after a rebuild, with a person in two cohorts on the same days
and a person whose level changed in the middle of a week.
"""

from __future__ import annotations

import types
from collections import defaultdict
from datetime import date, datetime, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.db import connection

from metrics.models import DailyActor, WeeklyActor
from metrics.rollup import rollup_run
from metrics.selectors import adoption, people_weeks
from metrics.selectors.scope import Scope
from tests.factories import ActivityFactory, member_of

from .conftest import snapshot_tables

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 5, 20, 11, tzinfo=ZoneInfo("UTC"))  # a Wednesday
FIRST_DAY = START.astimezone(LONDON).date()


def _organisation(history, *, incremental: bool):
    org = history(11)
    org.add(1400, START, 42)
    a, b = org.cohorts
    twice = member_of(a, profile__management_level=2)
    promoted = member_of(b, profile__management_level=2)
    noon = datetime.combine(FIRST_DAY, datetime.min.time(), tzinfo=LONDON) + timedelta(hours=12)
    # The same days in both cohorts, contributing in one and only reading in the other on some of them.
    for day in (0, 1, 5, 6, 12, 19, 26, 33):
        ActivityFactory(actor=twice, cohort=a, verb="post_created", created_at=noon + timedelta(days=day))
        ActivityFactory(actor=twice, cohort=b, verb="entry_read", created_at=noon + timedelta(days=day))
    ActivityFactory(actor=twice, cohort=b, verb="commented", created_at=noon + timedelta(days=20))
    # Promoted on a Thursday: the week has a row at each level, and day 16 has both.
    for day, level in ((13, 2), (14, 2), (15, 3), (16, 3), (16, 2), (22, 3), (29, 3)):
        ActivityFactory(
            actor=promoted,
            cohort=b,
            verb="topic_created",
            management_level=level,
            created_at=noon + timedelta(days=day),
        )
    if incremental:
        rollup_run(batch_size=300)
    else:
        rollup_run(rebuild=True)
    return org, twice, promoted


def _bits(rows, flag: str) -> dict[tuple, int]:
    """From person-days: per (week, person, dimensions) the OR of the weekday bits where ``flag`` > 0."""
    masks: dict[tuple, int] = defaultdict(int)
    for r in rows:
        key = (r.week, r.actor_id, r.cohort_id, r.management_level, r.department, r.role)
        masks[key] |= (1 << r.day.weekday()) if getattr(r, flag) > 0 else 0
    return dict(masks)


def _stored(field: str) -> dict[tuple, int]:
    return {
        (w.week, w.actor_id, w.cohort_id, w.management_level, w.department, w.role): getattr(w, field)
        for w in WeeklyActor.objects.all()
    }


def _regular_reference(qs, end: date) -> dict[int, int]:
    """People with contributions in at least 3 of the 4 seven-day windows ending on ``end``, from person-days."""
    windows: dict[int, set] = defaultdict(set)
    for actor, day in qs.filter(day__range=(end - timedelta(days=27), end), contributions__gt=0).values_list(
        "actor_id", "day"
    ):
        windows[actor].add((end - day).days // 7)
    return {actor for actor, found in windows.items() if len(found) >= 3}


def _wrote_reference(qs, first: date, end: date) -> set[int]:
    return set(qs.filter(day__range=(first, end), contributions__gt=0).values_list("actor_id", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("incremental", [True, False])
def test_masks_hold_the_days_of_the_person_days(history, incremental):
    _org, twice, promoted = _organisation(history, incremental=incremental)
    days = list(DailyActor.objects.all())
    active, contributed = _stored("active_mask"), _stored("contribution_mask")
    assert active == _bits(days, "actions")
    assert contributed == _bits(days, "contributions")
    # The person in two cohorts has rows in both, active on the same days, contributing in one only.
    week = FIRST_DAY - timedelta(days=FIRST_DAY.weekday())
    rows = WeeklyActor.objects.filter(actor_id=twice.pk, week=week).order_by("cohort_id")
    first_days = sum(1 << (FIRST_DAY + timedelta(days=d)).weekday() for d in (0, 1))  # Wednesday, Thursday
    assert len(rows) == 2 and all(r.active_mask & first_days == first_days for r in rows)
    assert sorted(r.contribution_mask & first_days for r in rows) == [0, first_days]
    # The promoted person's week has a row per level; day 16 sets a bit in both.
    promoted_week = FIRST_DAY + timedelta(days=16)
    promoted_week -= timedelta(days=promoted_week.weekday())
    levels = dict(
        WeeklyActor.objects.filter(actor_id=promoted.pk, week=promoted_week).values_list(
            "management_level", "active_mask"
        )
    )
    bit16 = 1 << (FIRST_DAY + timedelta(days=16)).weekday()
    assert set(levels) == {2, 3} and all(mask & bit16 for mask in levels.values())


@pytest.mark.django_db
@pytest.mark.parametrize("incremental", [True, False])
def test_trailing_windows_from_masks_equal_counts_from_person_days(history, incremental):
    org, twice, promoted = _organisation(history, incremental=incremental)
    a, b = org.cohorts
    ends = [FIRST_DAY + timedelta(days=offset) for offset in (27, 28, 29, 30, 31, 32, 33, 36, 40)]  # every weekday
    seen_twice = seen_promoted = False
    for end in ends:
        for scope in (
            Scope(cohort_ids=None, start=end - timedelta(days=27), end=end),
            Scope(cohort_ids=frozenset({a.pk}), start=end - timedelta(days=27), end=end),
            Scope(cohort_ids=frozenset({a.pk, b.pk}), start=end - timedelta(days=27), end=end, level=3),
            Scope(cohort_ids=frozenset({b.pk}), start=end - timedelta(days=27), end=end, level=2),
        ):
            days = scope.dims(DailyActor.objects.all())
            regular = adoption.regular_contributors(scope)
            assert regular == _regular_reference(days, end), (end, scope)
            seen_twice |= twice.pk in regular
            seen_promoted |= promoted.pk in regular
            # The level share's writers: last 28 days, and which of them wrote in the last 7.
            month_start, week_start = end - timedelta(days=27), end - timedelta(days=6)
            writers = adoption._writers(scope.dims(WeeklyActor.objects.all()), week_start, month_start, end)
            found = dict(writers.values_list("actor_id", "in_week"))
            assert set(found) == _wrote_reference(days, month_start, end)
            assert {actor for actor, in_week in found.items() if in_week} == _wrote_reference(days, week_start, end)
        # Per row group, as the sibling figures read them, for every selection at once.
        everyone = Scope(cohort_ids=None, start=end - timedelta(days=27), end=end)
        expected: dict[tuple, set] = defaultdict(set)
        for actor, cohort_id, level, department in (
            DailyActor.objects.filter(role="leader")
            .values_list("actor_id", "cohort_id", "management_level", "department")
            .distinct()
        ):
            rows = DailyActor.objects.filter(
                role="leader", cohort_id=cohort_id, management_level=level, department=department
            )
            if actor in _regular_reference(rows.filter(actor_id=actor), end):
                expected[(cohort_id, level, department or "")].add(actor)
        assert adoption.regular_by_group(everyone) == dict(expected)
    assert seen_twice and seen_promoted  # the awkward people were really among the regulars somewhere


@pytest.mark.django_db
@pytest.mark.parametrize("incremental", [True, False])
def test_daily_active_people_from_masks_equal_a_count_day_by_day(history, incremental):
    from django.db.models import Count

    org, _twice, _promoted = _organisation(history, incremental=incremental)
    a, b = org.cohorts
    for offset, length in ((0, 34), (3, 20), (5, 1), (9, 3), (1, 25), (12, 0)):
        first, end = FIRST_DAY + timedelta(days=offset), FIRST_DAY + timedelta(days=offset + length)
        for scope in (
            Scope(cohort_ids=None, start=first, end=end),
            Scope(cohort_ids=frozenset({a.pk, b.pk}), start=first, end=end, level=2),
            Scope(cohort_ids=frozenset({b.pk}), start=first, end=end, level=3),
        ):
            expected: dict = defaultdict(int)
            for row in (
                scope.dims(DailyActor.objects.filter(day__range=(first, end), actions__gt=0))
                .values("day", "week")
                .annotate(n=Count("actor_id", distinct=True))
                .order_by()
            ):
                expected[row["week"]] += row["n"]
            assert people_weeks.person_days(first, end, scope.dims) == dict(expected), (offset, length, scope)


@pytest.mark.django_db
def test_the_migration_fills_the_masks_as_the_rollup_does(history):
    _organisation(history, incremental=True)
    rolled = snapshot_tables()["WeeklyActor"]
    WeeklyActor.objects.update(active_mask=0, contribution_mask=0)
    migration = import_module("metrics.migrations.0008_weekly_actor_day_masks")
    migration.fill_day_masks(django_apps, types.SimpleNamespace(connection=connection))
    assert snapshot_tables()["WeeklyActor"] == rolled
