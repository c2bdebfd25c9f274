"""The seams that keep arrows one way: portal's publishing pipeline, metrics' record hooks, payload
types and read API. Each is exercised through the real services a user's action runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

import metrics
from forums.models import Topic
from forums.services import topic_create
from metrics import api as activity_log
from metrics.verbs import Verb
from portal.content import pipeline
from tests.factories import member_of
from tests.factories.forums import BoardFactory

pytestmark = pytest.mark.django_db

CLEAN = "<p>Sales grew well this quarter. What should we tell the teams?</p>"


@pytest.fixture
def board(cohort):
    return BoardFactory(cohort=cohort, title="Northern Lights", slug="northern-lights-board")


@pytest.fixture
def newbie(cohort):
    return member_of(cohort, policy_acknowledged=False, profile__display_name="Nell New")


# ----------------------------------------------------------------------------- the publishing pipeline
def test_onboarding_registers_the_policy_and_the_coach_in_order():
    assert pipeline.registered_checks()[:2] == ["onboarding.policy", "onboarding.coach"]


def test_the_forums_refuse_through_the_pipeline_without_knowing_onboarding(board, newbie):
    with pytest.raises(pipeline.PublishRefused) as refusal:
        topic_create(actor=newbie, board=board, title="My first topic", body=CLEAN)
    assert refusal.value.reason == "policy"
    assert refusal.value.form_attrs["coach_policy_required"] is True
    assert not Topic.objects.exists()


def test_a_check_switched_off_by_configuration_no_longer_refuses(board, newbie, settings):
    settings.CONTENT_CHECKS_DISABLED = ["onboarding.policy"]
    topic = topic_create(actor=newbie, board=board, title="My first topic", body=CLEAN)
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_a_registered_check_runs_before_the_write_and_its_refusal_reaches_the_form(board, leader):
    def no_shouting(draft: pipeline.Draft) -> list:
        if "HELLO EVERYONE" in draft.html:
            raise pipeline.PublishRefused("Please don't shout.", code="shouting", form_attrs={"shouted": True})
        return ["quiet"]

    pipeline.register_check("test.shouting", no_shouting, order=1)
    try:
        with pytest.raises(pipeline.PublishRefused) as refusal:
            topic_create(actor=leader, board=board, title="Loud voices", body="<p>HELLO EVERYONE</p>")
        assert not Topic.objects.exists()

        from django import forms

        class Composer(forms.Form):
            body = forms.CharField()

        form = Composer(data={"body": "HELLO"})
        form.is_valid()
        pipeline.apply_to_form(form, refusal.value)
        assert form.non_field_errors() == ["Please don't shout."] and form.shouted is True
        assert form.data["body"] == "HELLO"  # the draft is kept
    finally:
        pipeline.unregister_check("test.shouting")
    assert "test.shouting" not in pipeline.registered_checks()


# ----------------------------------------------------------------------------- record: hooks and payloads
def test_record_hooks_see_each_activity_in_the_writers_transaction(leader, cohort):
    seen = []
    activity_log.register_record_hook("test.seen", seen.append)
    try:
        with transaction.atomic():
            metrics.record(actor=leader, verb=Verb.FOLLOWED, target=cohort, cohort=cohort)
    finally:
        activity_log.unregister_record_hook("test.seen")
    assert [(a.actor_id, a.verb, a.cohort_id) for a in seen] == [(leader.pk, "followed", cohort.pk)]


def test_a_data_key_the_verb_does_not_declare_is_refused_and_nothing_is_written(leader, cohort):
    before = activity_log.activities(actor=leader).count()
    with pytest.raises(ValueError, match="does not take data keys"), transaction.atomic():
        metrics.record(actor=leader, verb=Verb.REACTED, target=cohort, data={"kind": "like", "body": "secret"})
    with transaction.atomic():
        metrics.record(actor=leader, verb=Verb.REACTED, target=cohort, data={"kind": "like"})
    assert activity_log.activities(actor=leader).count() == before + 1


def test_a_verb_without_a_payload_type_takes_no_data(leader):
    with pytest.raises(ValueError), transaction.atomic():
        metrics.record(actor=leader, verb=Verb.SIGNED_IN, data={"ip": "192.0.2.1"})


# ----------------------------------------------------------------------------- the read API
def _record(actor, verb, at):
    with transaction.atomic():
        metrics.record(actor=actor, verb=verb, at=at)


def test_counts_by_person_verb_and_period(leader, other_leader, django_assert_num_queries):
    now = timezone.now()
    for days in (0, 0, 1, 9):
        _record(leader, Verb.SIGNED_IN, now - timedelta(days=days))
    _record(other_leader, Verb.SIGNED_IN, now)
    _record(other_leader, Verb.FEED_USED, now)
    ids = [leader.pk, other_leader.pk]
    with django_assert_num_queries(1):
        assert activity_log.counts_by_person(actor_ids=ids, verbs=[Verb.SIGNED_IN]) == {
            leader.pk: 4,
            other_leader.pk: 1,
        }
    with django_assert_num_queries(1):
        recent = activity_log.counts_by_person(actor_ids=ids, since=now - timedelta(days=2))
    assert recent == {leader.pk: 3, other_leader.pk: 2}
    with django_assert_num_queries(1):
        assert activity_log.verb_counts(actor=other_leader, verbs=[Verb.SIGNED_IN, Verb.FEED_USED]) == {
            "signed_in": 1,
            "feed_used": 1,
        }
    with django_assert_num_queries(1):
        per_day = activity_log.counts_by_period(verbs=[Verb.SIGNED_IN], actor=leader, period="day")
    assert sum(n for _, n in per_day) == 4 and len(per_day) == 3
    assert activity_log.has_done(actor=leader, verbs=[Verb.SIGNED_IN])
    assert not activity_log.has_done(actor=leader, verbs=[Verb.FEED_USED])
    last = activity_log.last_activity_by_person(actor_ids=ids)
    assert abs(last[leader.pk] - now) < timedelta(seconds=1)


def test_the_read_api_stays_one_query_as_people_and_rows_grow(cohort, django_assert_num_queries):
    people = [member_of(cohort) for _ in range(3)]
    now = timezone.now()

    def grow(n):
        for person in people:
            for i in range(n):
                _record(person, Verb.SIGNED_IN, now - timedelta(hours=i))

    grow(2)
    ids = [p.pk for p in people]
    with django_assert_num_queries(1):
        activity_log.counts_by_person(actor_ids=ids)
    people += [member_of(cohort) for _ in range(5)]
    grow(5)
    ids = [p.pk for p in people]
    with django_assert_num_queries(1):
        counts = activity_log.counts_by_person(actor_ids=ids, verbs=[Verb.SIGNED_IN])
    assert counts[people[-1].pk] == 5 and counts[people[0].pk] == 7
