"""Every figure exact: attribution to the actor's cohort, dimensions as of the act, filters that apply."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

import metrics
from metrics.models import Activity, DailyActor
from metrics.rollup import rollup_run
from metrics.selectors import adoption, engagement
from metrics.selectors.scope import Scope
from portal.people.models import Cohort, Membership
from tests.factories import ActivityFactory, CohortFactory, member_of

from .conftest import snapshot_tables

LONDON = ZoneInfo("Europe/London")
DAY = datetime(2026, 6, 10, 12, tzinfo=LONDON)


def act(actor, verb, *, cohort=None, target=None, at=DAY):
    with transaction.atomic():
        return metrics.record(actor=actor, verb=verb, cohort=cohort, target=target, at=at)


@pytest.mark.django_db
def test_reading_and_commenting_on_another_cohorts_entry_counts_for_the_readers_cohort(cohort, other_cohort):
    reader = member_of(other_cohort)
    outsider = member_of(CohortFactory(), profile__department="Legal")
    Membership.objects.filter(user=outsider).delete()  # in no cohort: organisation-wide only
    assert act(reader, "commented", cohort=cohort, target=cohort).cohort == other_cohort
    assert act(outsider, "commented", cohort=cohort, target=cohort).cohort is None
    member = member_of(cohort)
    assert act(member, "commented", cohort=cohort, target=cohort).cohort == cohort


@pytest.mark.django_db
def test_a_share_of_a_level_above_100_percent_is_impossible(cohort, other_cohort):
    writers = [member_of(cohort, profile__management_level=2) for _ in range(7)]
    visitors = [member_of(other_cohort, profile__management_level=2) for _ in range(12)]
    Membership.objects.update(joined_at=DAY - timedelta(days=30))
    for person in writers + visitors:  # everyone comments on an entry of the first cohort
        act(person, "commented", cohort=cohort, target=cohort)
    promoted = writers[0]
    promoted.profile.management_level = 1  # wrote as a middle manager, a senior executive now
    promoted.profile.save()
    rollup_run()
    scope = Scope(cohort_ids=frozenset({cohort.pk}), start=DAY.date() - timedelta(days=6), end=DAY.date(), k=1)
    table = {row[0]: row for row in adoption.level_share(scope).table()[1:]}
    assert table["Middle manager"][1:4] == ["6", "6", "100.0"]  # not "12 of 7 wrote (171.4 %)"
    assert table["Senior executive"][1:4] == ["1", "1", "100.0"]
    for row in adoption.level_share(scope).rows:
        assert row[3].value is None or row[3].value <= 100


@pytest.mark.django_db
def test_a_move_between_departments_does_not_rewrite_past_days_and_a_rebuild_agrees(cohort):
    person = member_of(cohort, profile__department="Finance", profile__management_level=3)
    others = [member_of(cohort, profile__department="Finance") for _ in range(3)]
    for someone in [person, *others]:
        act(someone, "post_created", cohort=cohort, target=cohort, at=DAY)
    rollup_run()
    person.profile.department = "Legal"
    person.profile.save()
    act(person, "post_created", cohort=cohort, target=cohort, at=DAY + timedelta(days=1))
    act(others[0], "post_created", cohort=cohort, target=cohort, at=DAY)  # the old day is re-aggregated
    rollup_run()
    incremental = snapshot_tables()
    rows = dict(DailyActor.objects.filter(actor=person).values_list("day", "department"))
    assert rows == {DAY.date(): "Finance", DAY.date() + timedelta(days=1): "Legal"}
    rollup_run(rebuild=True)
    assert snapshot_tables() == incremental


@pytest.mark.django_db
def test_the_programme_team_panel_applies_the_level_filter_to_its_leader_figure(cohort, facilitator):
    seniors = [member_of(cohort, profile__management_level=1) for _ in range(2)]
    managers = [member_of(cohort, profile__management_level=2) for _ in range(2)]
    for person in seniors:
        act(person, "post_created", cohort=cohort, target=cohort)
    for person in managers:
        for _ in range(3):
            act(person, "post_created", cohort=cohort, target=cohort)
    rollup_run()
    base = Scope(cohort_ids=frozenset({cohort.pk}), start=DAY.date(), end=DAY.date(), k=1)

    def leaders(scope):
        (row,) = engagement.team(scope).rows
        return row[4].text

    assert leaders(base) == "2.0"  # (2 x 1 + 2 x 3) / 4
    assert leaders(Scope(**{**base.__dict__, "level": 1})) == "1.0"
    assert leaders(Scope(**{**base.__dict__, "level": 2})) == "3.0"


@pytest.mark.django_db
def test_a_prompt_released_with_no_replies_is_shown_with_zero(cohort, facilitator):
    ActivityFactory(
        actor=facilitator,
        cohort=cohort,
        verb="prompt_released",
        target_type=ContentType.objects.get_for_model(Cohort),
        target_id=5,
        data={"title": "What did you post this week?", "timing": "before_session"},
        created_at=DAY,
    )
    rollup_run()
    panel = engagement.prompts(Scope(cohort_ids=frozenset({cohort.pk}), start=DAY.date(), end=DAY.date(), k=5))
    assert not panel.empty
    assert panel.table()[1][0] == "What did you post this week?"
    assert panel.table()[1][4:] == ["0", "0"]


@pytest.mark.django_db
def test_record_keeps_department_and_role_as_of_the_act(cohort, facilitator):
    with time_machine.travel(date(2026, 6, 10)):
        person = member_of(cohort, profile__department="Finance")
        activity = act(person, "post_created", cohort=cohort, target=cohort)
        team_act = act(facilitator, "post_created", cohort=cohort, target=cohort)
    assert (activity.department, activity.role) == ("Finance", "leader")
    assert team_act.role == "team"
    assert Activity.objects.filter(department="Finance").count() == 1
