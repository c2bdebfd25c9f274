"""xAPI delivery against a real Ralph LRS: query the statements back and compare with the activity log."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

import metrics
from forums.services import post_reply, reaction_toggle, topic_create
from lms.models import XapiCursor, XapiGap
from lms.xapi.services import xapi_push
from lms.xapi.source import read_activities
from lms.xapi.statements import build_statement, statement_id
from metrics.models import Activity
from metrics.verbs import Verb
from tests.factories import BoardFactory, CohortFactory, EntryFactory, GoalFactory, LessonFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def _record(**kwargs):
    with transaction.atomic():
        return metrics.record(**kwargs)


def make_activity(cohort, leader, other_leader, *, tag: str = "") -> None:
    """A realistic slice of the log: forum work through the real services, the rest as the apps record it."""
    board = BoardFactory(cohort=cohort, title=f"Lounge {tag}", slug=f"lounge{tag}")
    topic = topic_create(actor=leader, board=board, title=f"How do you start your week {tag}?", body="<p>Coffee.</p>")
    reply = post_reply(actor=other_leader, topic=topic, body="<p>A walk first.</p>")
    reaction_toggle(actor=leader, post=reply, kind="thanks")
    entry = EntryFactory(author=leader)
    _record(actor=leader, verb=Verb.ENTRY_PUBLISHED, target=entry, cohort=cohort, data={"first": True})
    _record(actor=other_leader, verb=Verb.ENTRY_READ, target=entry, cohort=cohort)
    lesson = LessonFactory()
    data = {"lesson": lesson.pk, "title": lesson.title}
    _record(actor=leader, verb=Verb.LESSON_STARTED, target=lesson, cohort=cohort, data=data)
    _record(actor=leader, verb=Verb.LESSON_COMPLETED, target=lesson, cohort=cohort, data=data)
    goal = GoalFactory(stage__ladder__cohort=CohortFactory())
    _record(
        actor=leader,
        verb=Verb.GOAL_COMPLETED,
        target=goal,
        cohort=cohort,
        data={"goal": goal.pk, "title": goal.title, "stage": "crawl", "deadline": "2026-12-31", "late": False},
    )
    survey = SurveyFactory()
    _record(
        actor=other_leader,
        verb=Verb.SURVEY_ANSWERED,
        cohort=cohort,
        data={"survey": survey.pk, "round": "before", "scores": {"1": 4, "2": 2}},
    )
    _record(actor=leader, verb=Verb.SIGNED_IN, cohort=cohort)  # not a learning statement: skipped


def expected_ids() -> dict[str, Activity]:
    """Statement id -> activity, for every activity in the log that is expressed in xAPI."""
    rows = read_activities(after_id=0, limit=100_000)
    return {statement_id(r.id): r for r in rows if build_statement(r) is not None}


def assert_lrs_matches_log(lrs) -> list[dict]:
    stored = lrs.statements()
    counts = Counter(s["id"] for s in stored)
    expected = expected_ids()
    assert set(counts) == set(expected), "the LRS holds exactly the log's statements"
    assert max(counts.values()) == 1, f"a statement stored twice: {counts.most_common(3)}"
    by_id = {s["id"]: s for s in stored}
    for sid, row in expected.items():
        s = by_id[sid]
        assert s["actor"]["account"] == {"homePage": "https://keystone.test", "name": str(row.actor_id)}
        at = datetime.fromisoformat(s["timestamp"].replace("Z", "+00:00"))
        assert abs(at - row.created_at) < timedelta(milliseconds=1), "timestamp = the moment of the act"
    return stored


def test_every_statement_once_and_resending_stores_nothing_new(lrs, cohort, leader, other_leader):
    make_activity(cohort, leader, other_leader)
    report = xapi_push()
    assert report.ran and not report.error
    stored = assert_lrs_matches_log(lrs)
    verbs = Counter(s["verb"]["id"].rsplit("/", 1)[-1] for s in stored)
    assert verbs == Counter({"shared": 2, "responded": 1, "like": 1, "experienced": 1, "attempted": 1, "completed": 3})
    survey = next(s for s in stored if s["object"]["id"].startswith("https://keystone.test/xapi/activities/survey/"))
    assert "scores" not in str(survey), "individual survey answers never leave the portal"
    reply = next(s for s in stored if s["verb"]["id"].endswith("/responded"))
    assert reply["context"]["contextActivities"]["parent"][0]["id"].startswith(
        "https://keystone.test/xapi/activities/topic/"
    )
    assert reply["context"]["team"]["account"]["name"] == str(cohort.pk)
    cursor = XapiCursor.objects.get()
    assert cursor.last_activity_id == Activity.objects.order_by("-id").first().pk
    assert cursor.sent_total == len(stored)

    # The worker died after the LRS took the batch but before the cursor was saved: everything goes again.
    XapiCursor.objects.update(last_activity_id=0)
    again = xapi_push()
    assert again.sent == len(stored) and not again.error
    assert_lrs_matches_log(lrs)


def test_lrs_down_loses_nothing_and_sends_nothing_twice(lrs, cohort, leader, other_leader):
    make_activity(cohort, leader, other_leader, tag="a")
    assert not xapi_push().error
    before = XapiCursor.objects.get().last_activity_id

    lrs.stop()
    make_activity(cohort, leader, other_leader, tag="b")
    failed = xapi_push()
    assert failed.error and failed.sent == 0
    cursor = XapiCursor.objects.get()
    assert cursor.last_activity_id == before, "the cursor stays put while the LRS is down"
    assert cursor.consecutive_failures == 1 and "Connection" in cursor.last_error
    assert cursor.next_attempt_at > timezone.now()
    assert cursor.lease_until is None

    # Within the back-off the beat job leaves the LRS alone; a second failure waits twice as long.
    assert not xapi_push().ran
    later = cursor.next_attempt_at + timedelta(seconds=1)
    assert xapi_push(now=later).error
    cursor.refresh_from_db()
    assert cursor.consecutive_failures == 2
    assert cursor.next_attempt_at - later == timedelta(seconds=120)

    lrs.start()
    resumed = xapi_push(now=cursor.next_attempt_at + timedelta(seconds=1))
    assert not resumed.error and resumed.sent == 9
    assert_lrs_matches_log(lrs)
    cursor.refresh_from_db()
    assert cursor.consecutive_failures == 0 and cursor.next_attempt_at is None
    assert cursor.last_activity_id == Activity.objects.order_by("-id").first().pk


def test_small_batches_and_a_late_committed_activity(lrs, settings, cohort, leader, other_leader):
    settings.XAPI_BATCH_SIZE = 3
    make_activity(cohort, leader, other_leader)
    # Play a slow transaction: an id below the newest is not visible yet when the job passes it.
    hidden = Activity.objects.filter(verb=Verb.LESSON_COMPLETED).get()
    saved = {f.attname: getattr(hidden, f.attname) for f in Activity._meta.concrete_fields}
    hidden.delete()
    report = xapi_push()
    assert report.batches >= 4 and not report.error
    # (On PostgreSQL, ids rolled back by earlier tests are gaps too: sequences do not roll back.)
    assert saved["id"] in set(XapiGap.objects.values_list("activity_id", flat=True))
    assert statement_id(saved["id"]) not in {s["id"] for s in lrs.statements()}

    Activity.objects.create(**saved)  # ... and now it commits
    assert not xapi_push().error
    assert not XapiGap.objects.filter(activity_id=saved["id"]).exists()
    assert_lrs_matches_log(lrs)


def test_a_statement_the_lrs_refuses_blocks_nothing(lrs, cohort, leader, other_leader):
    import requests

    make_activity(cohort, leader, other_leader)
    victim = Activity.objects.get(verb=Verb.ENTRY_READ)
    # Someone else already stored a different statement under this id: the LRS answers 409 for it.
    clash = build_statement(read_activities(ids=[victim.pk])[0])
    clash["verb"]["display"] = {"en-GB": "skimmed"}
    requests.post(
        f"{lrs.endpoint}/statements/",
        json=[clash],
        auth=(lrs.user, lrs.secret),
        headers={"X-Experience-API-Version": "1.0.3"},
        timeout=10,
    ).raise_for_status()

    report = xapi_push()
    assert not report.error and report.rejected == 1
    cursor = XapiCursor.objects.get()
    assert cursor.last_activity_id == Activity.objects.order_by("-id").first().pk
    assert f"activity #{victim.pk}" in cursor.last_error and "409" in cursor.last_error
    assert_lrs_matches_log(lrs)  # every id there once (the clashing one as the other party stored it)


def test_off_by_default_sends_nothing(settings, cohort, leader, other_leader):
    settings.XAPI_ENDPOINT = ""
    make_activity(cohort, leader, other_leader)
    report = xapi_push()
    assert not report.ran
    assert not XapiCursor.objects.filter(last_activity_id__gt=0).exists()


def test_a_fault_on_our_side_is_shown_and_retried_not_skipped(lrs, monkeypatch, cohort, leader, other_leader):
    from lms.xapi import services

    make_activity(cohort, leader, other_leader)

    def broken(rows, report):
        raise ValueError("cannot build a statement")

    monkeypatch.setattr(services, "_deliver", broken)
    report = xapi_push()
    assert report.error == "ValueError: cannot build a statement"
    cursor = XapiCursor.objects.get()
    assert cursor.last_activity_id == 0 and cursor.consecutive_failures == 1 and cursor.lease_until is None
    assert "cannot build a statement" in cursor.last_error

    monkeypatch.undo()
    assert not xapi_push(force=True).error
    assert_lrs_matches_log(lrs)
