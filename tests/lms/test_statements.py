"""Statements are a pure function of the activity: stable ids and IRIs, the right ADL verbs, no private data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lms.xapi.source import LoggedActivity
from lms.xapi.statements import build_statement, registration_id, statement_id

AT = datetime(2026, 12, 4, 10, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _platform(settings):
    settings.XAPI_PLATFORM_IRI = "https://keystone.example.org"
    settings.XAPI_ACTOR_IDENTITY = "account"


def act(verb: str, **kw) -> LoggedActivity:
    return LoggedActivity(
        **{"id": 41, "verb": verb, "actor_id": 7, "actor_email": "Lee@Example.org", "created_at": AT, **kw}
    )


def test_same_activity_same_statement_and_id_per_platform(settings):
    a = act("post_created", target_id=5, context_id=2, cohort_id=3)
    assert build_statement(a) == build_statement(a)
    sid = statement_id(41)
    assert build_statement(a)["id"] == sid
    assert statement_id(42) != sid
    settings.XAPI_PLATFORM_IRI = "https://another-keystone.example.org"
    assert statement_id(41) != sid, "two portals sending to one LRS never collide"


def test_a_reply_statement():
    s = build_statement(act("post_created", target_id=5, context_id=2, cohort_id=3))
    assert s["actor"] == {"objectType": "Agent", "account": {"homePage": "https://keystone.example.org", "name": "7"}}
    assert s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/responded"
    assert s["object"]["id"] == "https://keystone.example.org/xapi/activities/post/5"
    assert s["object"]["definition"]["type"] == "http://id.tincanapi.com/activitytype/forum-reply"
    assert (
        s["context"]["contextActivities"]["parent"][0]["id"] == "https://keystone.example.org/xapi/activities/topic/2"
    )
    assert s["context"]["team"] == {
        "objectType": "Group",
        "account": {"homePage": "https://keystone.example.org/cohorts", "name": "3"},
    }
    assert s["context"]["registration"] == registration_id(3)
    assert s["timestamp"] == "2026-12-04T10:30:15.123+00:00"


def test_mbox_identity_when_configured(settings):
    settings.XAPI_ACTOR_IDENTITY = "mbox"
    s = build_statement(act("topic_created", target_id=1))
    assert s["actor"] == {"objectType": "Agent", "mbox": "mailto:lee@example.org"}


@pytest.mark.parametrize(
    ("verb", "data", "verb_iri", "kind"),
    [
        ("lesson_completed", {"lesson": 9, "title": "Your first post"}, "adlnet.gov/expapi/verbs/completed", "lesson"),
        ("goal_completed", {"goal": 4, "stage": "walk", "late": True}, "adlnet.gov/expapi/verbs/completed", "goal"),
        ("survey_answered", {"survey": 2, "round": "after"}, "adlnet.gov/expapi/verbs/completed", "survey"),
        ("reacted", {"kind": "thanks"}, "activitystrea.ms/schema/1.0/like", "post"),
        ("commented", {}, "adlnet.gov/expapi/verbs/commented", "comment"),
        ("entry_published", {"first": True}, "adlnet.gov/expapi/verbs/shared", "entry"),
    ],
)
def test_verbs_and_objects(verb, data, verb_iri, kind):
    s = build_statement(act(verb, target_id=8, context_id=1, data=data))
    assert s["verb"]["id"] == f"http://{verb_iri}"
    assert s["object"]["id"].rsplit("/", 2)[-2] == kind


def test_goal_result_says_whether_it_was_on_time():
    late = build_statement(act("goal_completed", target_id=4, data={"goal": 4, "late": True}))
    on_time = build_statement(act("goal_completed", target_id=4, data={"goal": 4, "on_time": True}))
    assert late["result"] == {"completion": True, "success": False}
    assert on_time["result"] == {"completion": True, "success": True}


def test_survey_answers_never_leave():
    s = build_statement(act("survey_answered", data={"survey": 2, "round": "before", "scores": {"1": 5}}))
    assert "scores" not in repr(s) and "'1': 5" not in repr(s)
    assert s["result"] == {"completion": True}


@pytest.mark.parametrize("verb", ["signed_in", "followed", "flagged", "feed_used", "post_edited"])
def test_housekeeping_is_not_a_statement(verb):
    assert build_statement(act(verb, target_id=1)) is None
