"""The first-timer queue: who is in it, in what order, and how a one-click reply takes a post out of it
(recording the topic's time to first response through the forums)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from forums.services import post_hide, post_reply, topic_create
from metrics.models import Activity
from metrics.verbs import Verb
from onboarding.facilitation import selectors, services
from tests.factories import BuddyPairFactory, member_of

pytestmark = pytest.mark.django_db


def topic_at(author, board, title, hours_ago, body="<p>My first go at this.</p>"):
    with time_machine.travel(timezone.now() - timedelta(hours=hours_ago), tick=False):
        return topic_create(actor=author, board=board, title=title, body=body)


def reply_at(author, topic, hours_ago, body="<p>Good question.</p>"):
    with time_machine.travel(timezone.now() - timedelta(hours=hours_ago), tick=False):
        return post_reply(actor=author, topic=topic, body=body)


def queue_titles(user, **kwargs):
    queue = selectors.first_timer_queue(user, **kwargs)
    return (
        [(p.topic.title, p.number) for p in queue.overdue],
        [(p.topic.title, p.number) for p in queue.recent],
        [(p.topic.title, p.number) for p in queue.buddy_posts],
    )


def test_unanswered_first_posts_oldest_first_split_at_the_hours_setting(
    facilitator, leader, other_leader, cohort, board, settings
):
    settings.FACILITATION_FIRST_TIMER_HOURS = 24
    newer = topic_at(leader, board, "A newer first topic", hours_ago=2)
    topic_at(other_leader, board, "The oldest first topic", hours_ago=50)
    reply_at(other_leader, newer, hours_ago=1)  # a reply by a first-timer to someone else's topic

    overdue, recent, _ = queue_titles(facilitator)

    assert overdue == [("The oldest first topic", 1)]
    # The newer topic has a response now (other_leader's reply), so only that reply waits.
    assert recent == [("A newer first topic", 2)]


def test_an_answer_takes_a_post_out_but_the_authors_own_follow_up_does_not(facilitator, leader, other_leader, board):
    topic = topic_at(leader, board, "Is anyone else nervous?", hours_ago=30)
    reply_at(leader, topic, hours_ago=29, body="<p>To be clear, I mean about posting.</p>")
    overdue, _, _ = queue_titles(facilitator)
    assert overdue == [("Is anyone else nervous?", 1), ("Is anyone else nervous?", 2)]

    reply_at(other_leader, topic, hours_ago=1)
    overdue, recent, _ = queue_titles(facilitator)
    assert ("Is anyone else nervous?", 1) not in overdue + recent
    assert ("Is anyone else nervous?", 2) not in overdue + recent


def test_only_members_with_few_posts_count_as_first_timers(facilitator, leader, other_leader, board, settings):
    settings.FACILITATION_FIRST_TIMER_MAX_POSTS = 3
    for n in range(3):
        topic_at(other_leader, board, f"Regular poster topic {n}", hours_ago=40 + n)
    topic_at(leader, board, "Leader's only topic", hours_ago=30)
    overdue, _, _ = queue_titles(facilitator)
    assert len(overdue) == 4

    topic_at(other_leader, board, "Regular poster topic 4", hours_ago=10)  # a 4th post: no longer a first-timer
    overdue, recent, _ = queue_titles(facilitator)
    assert overdue + recent == [("Leader's only topic", 1)]


def test_facilitators_posts_hidden_posts_and_other_cohorts_stay_out(
    facilitator, other_facilitator, leader, other_leader, board, other_board, other_cohort
):
    topic_at(facilitator, board, "A facilitator's own topic", hours_ago=30)
    hidden = topic_at(other_leader, board, "A topic a moderator hid", hours_ago=30)
    post_hide(actor=facilitator, post=hidden.first_post, reason="Off topic")
    stranger = member_of(other_cohort)
    topic_at(stranger, other_board, "In the other cohort", hours_ago=30)

    overdue, recent, _ = queue_titles(facilitator)
    assert overdue == recent == []
    overdue, _, _ = queue_titles(other_facilitator)
    assert overdue == [("In the other cohort", 1)]


def test_buddies_see_each_others_first_posts_without_waiting(leader, other_leader, cohort, board):
    BuddyPairFactory(cohort=cohort, first=min(leader, other_leader, key=lambda u: u.pk),
                     second=max(leader, other_leader, key=lambda u: u.pk))  # fmt: skip
    topic_at(other_leader, board, "Buddy's first topic", hours_ago=1)
    topic_at(member_of(cohort), board, "Someone else's first topic", hours_ago=1)

    assert queue_titles(leader) == ([], [], [("Buddy's first topic", 1)])


def test_a_one_click_reply_records_the_time_to_first_response(facilitator, leader, board, on_commit_now):
    topic = topic_at(leader, board, "How do you say no kindly?", hours_ago=30)
    post = topic.first_post

    reply = services.first_timer_reply(actor=facilitator, post=post, body="Thanks for asking this, Lee.")

    assert reply.topic == topic and reply.reply_to is None
    assert "<p>Thanks for asking this, Lee.</p>" in reply.body
    first = Activity.objects.get(verb=Verb.TOPIC_FIRST_RESPONSE)
    assert first.actor == facilitator
    assert first.context_id == topic.pk
    assert 30 * 3600 - 60 <= first.data["seconds"] <= 30 * 3600 + 60
    assert queue_titles(facilitator) == ([], [], [])


def test_replying_to_a_reply_points_at_it(facilitator, leader, other_leader, board):
    topic = topic_at(other_leader, board, "Who has tried walking meetings?", hours_ago=60)
    reply_at(facilitator, topic, hours_ago=59)
    first_reply = reply_at(leader, topic, hours_ago=30)
    reply = services.first_timer_reply(actor=facilitator, post=first_reply, body="Welcome, Lee!")
    assert reply.reply_to == first_reply


def test_strangers_cannot_answer_from_the_queue(other_facilitator, leader, board):
    from django.core.exceptions import PermissionDenied

    post = topic_at(leader, board, "Only for my cohort", hours_ago=30).first_post
    with pytest.raises(PermissionDenied):
        services.first_timer_reply(actor=other_facilitator, post=post, body="Hello")


# ---------------------------------------------------------------- the page
def test_the_queue_page_and_its_htmx_reply(client, facilitator, leader, board):
    post = topic_at(leader, board, "My first question here", hours_ago=30).first_post
    client.force_login(facilitator)
    page = client.get(reverse("facilitation:first-timers")).content.decode()
    assert "My first question here" in page
    assert "Thank you for starting this, Lee. " in page  # the reply box starts warm and personal

    url = reverse("facilitation:first-timer-reply", args=[post.pk])
    response = client.post(
        url, {f"p{post.pk}-body": "Welcome, Lee!", f"p{post.pk}-client_key": "abc"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "It has left the queue" in response.content.decode()
    # the item is removed at once: the response holds no queue item, only the out-of-band status line
    assert f'id="post-{post.pk}"' not in response.content.decode()
    assert 'data-hx-swap-oob="true"' in response.content.decode()
    assert "My first question here" not in client.get(reverse("facilitation:first-timers")).content.decode()


def test_an_empty_reply_is_a_clear_error_and_the_post_stays(client, facilitator, leader, board):
    post = topic_at(leader, board, "Still waiting for someone", hours_ago=30).first_post
    client.force_login(facilitator)
    url = reverse("facilitation:first-timer-reply", args=[post.pk])
    response = client.post(url, {f"p{post.pk}-body": "", f"p{post.pk}-client_key": "abc"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "This field is required" in response.content.decode() or "empty" in response.content.decode()
    response = client.post(url, {f"p{post.pk}-body": "   ", f"p{post.pk}-client_key": "abc"})
    assert response.status_code == 302
    assert "Still waiting for someone" in client.get(reverse("facilitation:first-timers")).content.decode()


def test_a_double_click_posts_one_reply(client, facilitator, leader, board):
    post = topic_at(leader, board, "Double trouble", hours_ago=30).first_post
    client.force_login(facilitator)
    url = reverse("facilitation:first-timer-reply", args=[post.pk])
    data = {f"p{post.pk}-body": "Welcome!", f"p{post.pk}-client_key": "same-key"}
    assert client.post(url, data, HTTP_HX_REQUEST="true").status_code == 200
    assert client.post(url, data, HTTP_HX_REQUEST="true").status_code == 200
    assert post.topic.posts.count() == 2


def test_the_console_counts_the_queue(client, facilitator, leader, other_leader, board, cohort):
    topic_at(leader, board, "Overdue first topic", hours_ago=30)
    topic_at(other_leader, board, "Fresh first topic", hours_ago=1)
    assert selectors.first_timer_counts(cohort) == (2, 1)


def test_the_coach_can_ask_for_a_second_look_before_a_quick_reply(client, facilitator, leader, board):
    post = topic_at(leader, board, "Sharing our plan", hours_ago=30).first_post
    client.force_login(facilitator)
    url = reverse("facilitation:first-timer-reply", args=[post.pk])
    data = {f"p{post.pk}-body": "Thanks! Keep the numbers internal only for now.", f"p{post.pk}-client_key": "k"}
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Post anyway" in response.content.decode()
    assert post.topic.posts.count() == 1
    response = client.post(url, {**data, f"p{post.pk}-post_anyway": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert post.topic.posts.count() == 2
