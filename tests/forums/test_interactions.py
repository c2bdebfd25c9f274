"""Reactions, accepted answers, watching, mentions and the notification events they create."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forums.models import Reaction, Watch
from forums.selectors.posts import topic_page, visible_topic
from forums.selectors.quotes import quote_html
from forums.services import (
    post_delete,
    post_edit,
    post_reply,
    reaction_toggle,
    topic_accept_answer,
    topic_create,
    watch_set,
)
from metrics.models import Activity
from metrics.verbs import Verb
from portal.notifications import Event
from portal.notifications.models import Notification
from tests.factories import member_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_now")]


def events(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("event", flat=True))


# ---------------------------------------------------------------- reactions
def test_reaction_toggles_one_per_kind_and_records_both_ways(topic, other_leader):
    post = topic.first_post
    assert reaction_toggle(actor=other_leader, post=post, kind="like") is True
    assert reaction_toggle(actor=other_leader, post=post, kind="thanks") is True
    assert Reaction.objects.filter(post=post, user=other_leader).count() == 2
    assert reaction_toggle(actor=other_leader, post=post, kind="like") is False
    assert list(Reaction.objects.filter(post=post).values_list("kind", flat=True)) == ["thanks"]
    assert Activity.objects.filter(verb=Verb.REACTED).count() == 2
    assert Activity.objects.filter(verb=Verb.UNREACTED, data__kind="like").count() == 1


def test_reactions_to_own_or_removed_posts_or_unknown_kinds_are_refused(topic, leader, other_leader):
    with pytest.raises(PermissionDenied):
        reaction_toggle(actor=leader, post=topic.first_post, kind="like")
    with pytest.raises(ValidationError):
        reaction_toggle(actor=other_leader, post=topic.first_post, kind="love")
    reply = post_reply(actor=other_leader, topic=topic, body="<p>Gone soon</p>")
    post_delete(actor=other_leader, post=reply)
    with pytest.raises(PermissionDenied):
        reaction_toggle(actor=leader, post=reply, kind="like")


def test_reactions_to_one_post_group_into_one_notification(topic, leader, cohort):
    a, b = member_of(cohort), member_of(cohort)
    reaction_toggle(actor=a, post=topic.first_post, kind="like")
    reaction_toggle(actor=b, post=topic.first_post, kind="insightful")
    note = Notification.objects.get(recipient=leader, event=Event.REACTION)
    assert note.count == 2 and note.group_key == f"forums-reactions:{topic.first_post.pk}"


def test_the_topic_page_shows_counts_and_who_reacted(topic, leader, other_leader):
    reaction_toggle(actor=other_leader, post=topic.first_post, kind="thanks")
    post = topic_page(leader, topic).posts[0]
    thanks = next(r for r in post.reaction_summary if r.kind == "thanks")
    assert thanks.count == 1 and thanks.names == ["Olive Other"] and not thanks.mine


# ---------------------------------------------------------------- accepted answers
def test_asker_accepts_an_answer_which_is_shown_under_the_question(board, leader, other_leader):
    question = topic_create(
        actor=leader, board=board, title="Which tool schedules posts?", body="<p>?</p>", kind="question"
    )
    answer = post_reply(actor=other_leader, topic=question, body="<p>The built-in scheduler.</p>")
    topic_accept_answer(actor=leader, topic=question, post=answer)
    page = topic_page(leader, visible_topic(leader, question.pk))
    assert page.accepted == answer
    assert Activity.objects.get(verb=Verb.ANSWER_ACCEPTED).target_id == answer.pk
    assert Event.ANSWER_ACCEPTED in events(other_leader)


def test_only_the_asker_or_a_facilitator_accepts_and_only_replies(board, leader, other_leader, facilitator, cohort):
    question = topic_create(actor=leader, board=board, title="Who can answer this?", body="<p>?</p>", kind="question")
    answer = post_reply(actor=other_leader, topic=question, body="<p>Me</p>")
    bystander = member_of(cohort)
    with pytest.raises(PermissionDenied):
        topic_accept_answer(actor=bystander, topic=question, post=answer)
    with pytest.raises(ValidationError):
        topic_accept_answer(actor=leader, topic=question, post=question.first_post)
    topic_accept_answer(actor=facilitator, topic=question, post=answer)
    assert question.__class__.objects.get(pk=question.pk).accepted_post == answer
    discussion = topic_create(actor=leader, board=board, title="Not a question at all", body="<p>x</p>")
    reply = post_reply(actor=other_leader, topic=discussion, body="<p>ok</p>")
    with pytest.raises(PermissionDenied):
        topic_accept_answer(actor=leader, topic=discussion, post=reply)


# ---------------------------------------------------------------- notifications
def test_reply_notifies_topic_author_and_watchers_grouped_per_topic(topic, leader, other_leader, cohort):
    watcher = member_of(cohort)
    watch_set(user=watcher, topic=topic, watching=True)
    post_reply(actor=other_leader, topic=topic, body="<p>First</p>")
    third = member_of(cohort)
    post_reply(actor=third, topic=topic, body="<p>Second</p>")
    author_note = Notification.objects.get(recipient=leader, event=Event.TOPIC_REPLY)
    assert author_note.count == 2
    # other_leader watches automatically since replying, and hears about the third person's reply
    assert events(other_leader) == [Event.TOPIC_REPLY]
    assert Notification.objects.get(recipient=watcher).count == 2


def test_someone_who_stopped_watching_is_not_auto_subscribed_again(topic, leader, other_leader, cohort):
    post_reply(actor=other_leader, topic=topic, body="<p>Hi</p>")
    watch_set(user=other_leader, topic=topic, watching=False)
    post_reply(actor=other_leader, topic=topic, body="<p>Another thought</p>")
    assert not Watch.objects.get(user=other_leader, topic=topic).watching
    post_reply(actor=member_of(cohort), topic=topic, body="<p>Third person</p>")
    assert events(other_leader) == []


def test_mention_notifies_only_people_who_can_see_the_board(topic, other_leader, cohort, other_cohort, leader):
    outsider = member_of(other_cohort, profile__display_name="Oscar Outsider")
    reply = post_reply(actor=other_leader, topic=topic, body="<p>@Lee Leader and @Oscar Outsider, thoughts?</p>")
    assert f'data-mention="{leader.pk}"' in reply.body
    assert Event.MENTION in events(leader)
    # the topic author gets the mention (which outranks "reply to your topic"), once
    assert events(leader) == [Event.MENTION]
    assert events(outsider) == []


def test_quote_and_direct_reply_notify_their_authors(topic, leader, other_leader, cohort):
    first = post_reply(actor=other_leader, topic=topic, body="<p>A point worth quoting.</p>")
    third = member_of(cohort)
    post_reply(actor=third, topic=topic, body=quote_html(first) + "<p>Agreed.</p>")
    assert events(other_leader) == [Event.QUOTE]
    fourth = member_of(cohort)
    post_reply(actor=fourth, topic=topic, body="<p>Replying to you</p>", reply_to=first)
    assert events(other_leader) == [Event.QUOTE, Event.POST_REPLY]


def test_quote_links_to_the_exact_revision(topic, leader, other_leader):
    post_edit(actor=leader, post=topic.first_post, body="<p>Mine starts with a run.</p>")
    html = quote_html(topic.first_post)
    assert f"/boards/p/{topic.first_post.pk}/history/#rev-2" in html
    assert "Lee Leader wrote:" in html and "a run" in html
    # a selection that is not in the post is ignored: the whole post is quoted instead
    assert "invented words" not in quote_html(topic.first_post, "invented words")
    assert "<p>a run.</p>" in quote_html(topic.first_post, "a run.")


def test_new_topic_notifies_board_watchers(board, leader, other_leader):
    watch_set(user=other_leader, board=board, watching=True)
    topic_create(actor=leader, board=board, title="Fresh conversation", body="<p>x</p>")
    note = Notification.objects.get(recipient=other_leader)
    assert note.event == Event.WATCHED_TOPIC and "Fresh conversation" in note.text


def test_edit_notifies_only_newly_mentioned_people(topic, leader, other_leader, cohort):
    third = member_of(cohort, profile__display_name="Tess Third")
    reply = post_reply(actor=leader, topic=topic, body="<p>@Olive Other look</p>")
    post_edit(actor=leader, post=reply, body="<p>@Olive Other look, and @Tess Third too</p>")
    assert events(other_leader).count(Event.MENTION) == 1
    assert events(third) == [Event.MENTION]


def test_removed_reply_notifies_nobody(topic, leader, other_leader, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.undo()  # capture the follow-ups instead of running them at once
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reply = post_reply(actor=other_leader, topic=topic, body="<p>@Lee Leader</p>")
    post_delete(actor=other_leader, post=reply)
    for callback in callbacks:
        callback()
    assert events(leader) == []
