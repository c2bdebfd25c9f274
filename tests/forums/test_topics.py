"""Starting topics: the single entry point, its validation, idempotency and the activity it records."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from forums.models import Post, PostRevision, ReadState, Topic, Watch
from forums.services import DuplicateSubmission, draft_save, topic_create
from metrics.models import Activity
from metrics.verbs import Verb

pytestmark = pytest.mark.django_db


def test_topic_create_writes_topic_opening_post_revision_and_activity(board, leader, cohort):
    topic = topic_create(
        actor=leader, board=board, title="  What   made you   start posting? ", body="<p>Tell me <b>why</b>.</p>"
    )
    topic.refresh_from_db()
    assert topic.title == "What made you start posting?"
    post = topic.first_post
    assert post.number == 1 and post.author == leader
    assert post.body == "<p>Tell me <b>why</b>.</p>"
    assert "What made you start posting?" in post.search_text
    assert PostRevision.objects.filter(post=post, number=1, editor=leader).exists()
    assert topic.last_post == post and topic.highest_number == 1 and topic.reply_count == 0
    activity = Activity.objects.get(verb=Verb.TOPIC_CREATED)
    assert activity.actor == leader and activity.target_id == topic.pk and activity.cohort == cohort
    assert activity.context_id == board.pk
    # the author watches their topic and has read it
    assert Watch.objects.filter(user=leader, topic=topic, watching=True).exists()
    assert ReadState.objects.get(user=leader, topic=topic).last_read_number == 1


def test_topic_create_sanitises_and_turns_plain_text_into_paragraphs(board, leader):
    topic = topic_create(actor=leader, board=board, title="Plain text works", body="First line\n\nSecond <b>not bold")
    body = topic.first_post.body
    assert body.startswith("<p>First line</p>")
    assert "&lt;b&gt;" in body and "<b>" not in body


@pytest.mark.parametrize("body", ["", "   ", "<p> </p>", "<p>&nbsp;</p>", "<script>alert(1)</script>", "<p><br></p>"])
def test_empty_or_whitespace_body_is_refused_with_a_clear_message(board, leader, body):
    with pytest.raises(ValidationError) as error:
        topic_create(actor=leader, board=board, title="A perfectly fine title", body=body)
    assert "empty" in str(error.value.message_dict["body"])
    assert not Topic.objects.exists() and not Activity.objects.exists()


def test_over_long_title_and_body_are_refused(board, leader, settings):
    with pytest.raises(ValidationError) as error:
        topic_create(actor=leader, board=board, title="x" * 151, body="<p>fine</p>")
    assert "title" in error.value.message_dict
    settings.FORUM_POST_MAX_CHARS = 100
    with pytest.raises(ValidationError) as error:
        topic_create(actor=leader, board=board, title="A fine title", body="<p>" + "word " * 30 + "</p>")
    assert "at most 100" in str(error.value.message_dict["body"])
    assert not Topic.objects.exists()


def test_short_title_is_refused(board, leader):
    with pytest.raises(ValidationError) as error:
        topic_create(actor=leader, board=board, title="Hi", body="<p>fine</p>")
    assert "at least 5" in str(error.value.message_dict["title"])


def test_same_client_key_twice_returns_the_first_topic(board, leader):
    first = topic_create(actor=leader, board=board, title="Only once please", body="<p>x</p>", client_key="abc123")
    with pytest.raises(DuplicateSubmission) as duplicate:
        topic_create(actor=leader, board=board, title="Only once please", body="<p>x</p>", client_key="abc123")
    assert duplicate.value.existing == first
    assert Topic.objects.count() == 1 and Post.objects.count() == 1
    assert Activity.objects.filter(verb=Verb.TOPIC_CREATED).count() == 1


def test_same_title_within_the_window_is_a_double_submit_but_later_is_fine(board, leader, settings):
    settings.FORUM_DUPLICATE_WINDOW_SECONDS = 60
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        topic_create(actor=leader, board=board, title="Weekly check-in", body="<p>one</p>")
        with pytest.raises(DuplicateSubmission):
            topic_create(actor=leader, board=board, title="Weekly check-in", body="<p>two</p>")
        traveller.shift(timedelta(seconds=61))
        topic_create(actor=leader, board=board, title="Weekly check-in", body="<p>two</p>")
    assert Topic.objects.count() == 2


def test_people_outside_the_cohort_cannot_post_and_analysts_only_read(board, other_facilitator, analyst, org_board):
    with pytest.raises(PermissionDenied):
        topic_create(actor=other_facilitator, board=board, title="Not my cohort", body="<p>x</p>")
    with pytest.raises(PermissionDenied):
        topic_create(actor=analyst, board=board, title="Analysts read", body="<p>x</p>")
    # everyone may write on an organisation-wide board
    assert topic_create(actor=analyst, board=org_board, title="Hello everyone", body="<p>x</p>")


def test_unknown_kind_is_refused(board, leader):
    with pytest.raises(ValidationError):
        topic_create(actor=leader, board=board, title="A fine title", body="<p>x</p>", kind="poll")


def test_posting_clears_the_draft(board, leader):
    draft_save(user=leader, board=board, title="Draft title", body="<p>Half written</p>")
    topic_create(actor=leader, board=board, title="Draft title", body="<p>Now finished</p>")
    assert not leader.forum_drafts.exists()


def test_org_wide_topic_counts_for_the_authors_cohort(org_board, leader, cohort):
    topic_create(actor=leader, board=org_board, title="Across the organisation", body="<p>x</p>")
    assert Activity.objects.get(verb=Verb.TOPIC_CREATED).cohort == cohort


def test_a_failure_after_recording_rolls_back_everything(board, leader, monkeypatch):
    from forums.services import topics

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(topics, "draft_discard", boom)
    with pytest.raises(RuntimeError):
        topic_create(actor=leader, board=board, title="Never happened", body="<p>x</p>")
    assert not Topic.objects.exists() and not Post.objects.exists() and not Activity.objects.exists()
