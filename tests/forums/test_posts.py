"""Replies, edits with revisions, soft delete and restore, hiding: the rules and what they record."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from forums.models import ModerationAction, Post, PostRevision, Topic
from forums.selectors.posts import post_history, topic_page
from forums.services import (
    DuplicateSubmission,
    post_delete,
    post_edit,
    post_hide,
    post_reply,
    post_restore,
    post_unhide,
    topic_create,
    topic_lock_set,
    topic_slow_mode_set,
)
from metrics.models import Activity
from metrics.verbs import Verb
from tests.factories import member_of

pytestmark = pytest.mark.django_db


def test_replies_get_sequential_numbers_and_keep_counters(topic, leader, other_leader):
    first = post_reply(actor=other_leader, topic=topic, body="<p>One</p>")
    second = post_reply(actor=leader, topic=topic, body="<p>Two</p>")
    topic.refresh_from_db()
    assert (first.number, second.number) == (2, 3)
    assert topic.reply_count == 2 and topic.last_post == second and topic.last_poster == leader
    assert topic.highest_number == 3 and topic.last_post_number == 3
    activity = Activity.objects.get(verb=Verb.POST_CREATED, target_id=first.pk)
    assert activity.context_id == topic.pk and activity.cohort == topic.board.cohort


def test_first_response_from_someone_else_records_the_seconds_it_took(board, leader, other_leader):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        topic = topic_create(actor=leader, board=board, title="Who answers first?", body="<p>?</p>")
        traveller.shift(timedelta(minutes=5))
        post_reply(actor=leader, topic=topic, body="<p>Bump from the author</p>")  # not a response
        traveller.shift(timedelta(minutes=85))
        response = post_reply(actor=other_leader, topic=topic, body="<p>Me!</p>")
        traveller.shift(timedelta(minutes=1))
        post_reply(actor=other_leader, topic=topic, body="<p>And again</p>")
    first = Activity.objects.get(verb=Verb.TOPIC_FIRST_RESPONSE)
    assert first.data == {"seconds": 90 * 60}
    assert first.actor == other_leader and first.target_id == response.pk and first.context_id == topic.pk
    assert first.cohort == board.cohort


def test_reply_to_a_locked_topic_is_refused_but_moderators_may(topic, other_leader, facilitator):
    topic_lock_set(actor=facilitator, topic=topic, locked=True)
    with pytest.raises(ValidationError) as error:
        post_reply(actor=other_leader, topic=topic, body="<p>Let me in</p>")
    assert "locked" in error.value.messages[0]
    assert post_reply(actor=facilitator, topic=topic, body="<p>Closing note from your facilitator</p>")
    assert Post.objects.filter(topic=topic).count() == 2


def test_reply_on_a_board_you_cannot_see_is_refused(topic, other_facilitator):
    with pytest.raises(PermissionDenied):
        post_reply(actor=other_facilitator, topic=topic, body="<p>Hello?</p>")


def test_double_submitted_reply_lands_once(topic, other_leader, settings):
    post_reply(actor=other_leader, topic=topic, body="<p>Once</p>", client_key="k1")
    with pytest.raises(DuplicateSubmission):
        post_reply(actor=other_leader, topic=topic, body="<p>Once</p>", client_key="k1")
    # without a key, the same text again within seconds is recognised too
    with pytest.raises(DuplicateSubmission):
        post_reply(actor=other_leader, topic=topic, body="<p>Once</p>")
    assert topic.posts.count() == 2
    topic.refresh_from_db()
    assert topic.reply_count == 1


def test_slow_mode_spaces_out_a_members_posts(topic, other_leader, facilitator):
    topic_slow_mode_set(actor=facilitator, topic=topic, minutes=10)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        post_reply(actor=other_leader, topic=topic, body="<p>First</p>")
        traveller.shift(timedelta(minutes=4))
        with pytest.raises(ValidationError) as error:
            post_reply(actor=other_leader, topic=topic, body="<p>Second</p>")
        assert "about 6 minutes" in error.value.messages[0]
        post_reply(actor=facilitator, topic=topic, body="<p>Facilitators are not slowed</p>")
        traveller.shift(timedelta(minutes=7))
        post_reply(actor=other_leader, topic=topic, body="<p>Second</p>")
    assert ModerationAction.objects.filter(action="slow_mode", data__to=10).exists()


def test_edit_keeps_a_revision_and_marks_the_post_edited(topic, leader):
    post = topic.first_post
    post_edit(actor=leader, post=post, body="<p>Mine starts with tea.</p>", title="How do you start your day?")
    post.refresh_from_db()
    topic.refresh_from_db()
    assert post.edit_count == 1 and post.edited_at is not None
    assert topic.title == "How do you start your day?"
    assert list(post.revisions.values_list("number", flat=True)) == [1, 2]
    assert PostRevision.objects.get(post=post, number=1).body == "<p>Mine starts with coffee.</p>"
    history = post_history(leader, post)
    assert "<del>coffee</del>" in history[0].diff and "<ins>tea</ins>" in history[0].diff
    assert "<ins>day</ins>" in history[0].title_diff
    assert Activity.objects.filter(verb=Verb.POST_EDITED, target_id=post.pk).count() == 1


def test_unchanged_edit_writes_nothing(topic, leader):
    post_edit(actor=leader, post=topic.first_post, body="<p>Mine starts with coffee.</p>")
    assert topic.first_post.revisions.count() == 1
    assert not Activity.objects.filter(verb=Verb.POST_EDITED).exists()


def test_only_authors_and_moderators_edit_and_moderator_edits_are_logged(topic, other_leader, facilitator, leader):
    with pytest.raises(PermissionDenied):
        post_edit(actor=other_leader, post=topic.first_post, body="<p>Vandalism</p>")
    post_edit(actor=facilitator, post=topic.first_post, body="<p>Removed a client's name.</p>", reason="client name")
    revision = topic.first_post.revisions.order_by("-number").first()
    assert revision.editor == facilitator and revision.reason == "client name"
    entry = ModerationAction.objects.get(action="edit")
    assert entry.actor == facilitator and entry.reason == "client name"


def test_authors_cannot_edit_in_a_locked_topic(topic, leader, facilitator):
    topic_lock_set(actor=facilitator, topic=topic, locked=True)
    with pytest.raises(PermissionDenied):
        post_edit(actor=leader, post=topic.first_post, body="<p>Sneaky</p>")


def test_soft_delete_leaves_a_placeholder_and_leaves_counts(topic, leader, other_leader, facilitator):
    reply = post_reply(actor=other_leader, topic=topic, body="<p>Oops, wrong thread</p>")
    post_delete(actor=other_leader, post=reply)
    reply.refresh_from_db()
    topic.refresh_from_db()
    assert reply.deleted_at is not None and Post.objects.filter(pk=reply.pk).exists()
    assert topic.reply_count == 0 and topic.last_post == topic.first_post
    page = topic_page(leader, topic)
    removed = page.posts[1]
    assert removed.is_removed and not removed.show_body
    # moderators see the text and can restore it
    page = topic_page(facilitator, topic)
    assert page.posts[1].show_body and page.posts[1].can_restore
    post_restore(actor=facilitator, post=reply)
    topic.refresh_from_db()
    assert topic.reply_count == 1
    assert Activity.objects.filter(verb=Verb.POST_DELETED).count() == 1
    assert Activity.objects.filter(verb=Verb.POST_RESTORED).count() == 1
    assert ModerationAction.objects.filter(action="restore", actor=facilitator).exists()


def test_members_cannot_delete_others_posts_or_restore(topic, other_leader, leader):
    reply = post_reply(actor=other_leader, topic=topic, body="<p>Mine</p>")
    with pytest.raises(PermissionDenied):
        post_delete(actor=leader, post=reply)
    post_delete(actor=other_leader, post=reply)
    with pytest.raises(PermissionDenied):
        post_restore(actor=other_leader, post=reply)


def test_deleting_the_opening_post_removes_the_topic_unless_others_replied(board, leader, other_leader, facilitator):
    alone = topic_create(actor=leader, board=board, title="Posted too soon", body="<p>x</p>")
    post_delete(actor=leader, post=alone.first_post)
    alone.refresh_from_db()
    assert not alone.is_visible
    answered = topic_create(actor=leader, board=board, title="People answered this", body="<p>x</p>")
    post_reply(actor=other_leader, topic=answered, body="<p>Answer</p>")
    with pytest.raises(ValidationError):
        post_delete(actor=leader, post=answered.first_post)
    post_delete(actor=facilitator, post=answered.first_post)
    answered.refresh_from_db()
    assert not answered.is_visible
    assert ModerationAction.objects.filter(action="delete", actor=facilitator).exists()


def test_hide_and_unhide_are_for_moderators_and_audited(topic, other_leader, facilitator, leader):
    reply = post_reply(actor=other_leader, topic=topic, body="<p>Heated words</p>")
    with pytest.raises(PermissionDenied):
        post_hide(actor=leader, post=reply, reason="I disagree")
    post_hide(actor=facilitator, post=reply, reason="Tone")
    reply.refresh_from_db()
    topic.refresh_from_db()
    assert reply.hidden_by == facilitator and reply.hidden_reason == "Tone" and topic.reply_count == 0
    # the author still sees their hidden post and why; others see a placeholder
    mine = topic_page(other_leader, topic).posts[1]
    assert mine.show_body
    theirs = topic_page(leader, topic).posts[1]
    assert not theirs.show_body
    post_unhide(actor=facilitator, post=reply)
    topic.refresh_from_db()
    assert topic.reply_count == 1
    actions = list(ModerationAction.objects.order_by("created_at", "pk").values_list("action", "actor", "reason"))
    assert actions == [("hide", facilitator.pk, "Tone"), ("unhide", facilitator.pk, "")]
    assert Activity.objects.filter(verb=Verb.MODERATED, data__action="hide").count() == 1


def test_concurrent_style_counts_stay_right_after_many_operations(topic, leader):
    others = [member_of(topic.board.cohort) for _ in range(5)]
    posts = [post_reply(actor=person, topic=topic, body=f"<p>Reply {i}</p>") for i, person in enumerate(others)]
    post_delete(actor=others[0], post=posts[0])
    topic.refresh_from_db()
    assert topic.reply_count == 4
    assert Topic.objects.get(pk=topic.pk).last_post == posts[-1]
