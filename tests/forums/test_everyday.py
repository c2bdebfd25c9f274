"""Issue 17 (feat): polls in topics, bookmarks and the Saved page, mutes, My drafts."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from forums.models import Bookmark, Draft, Mute, Poll, PollBallot, PollChoice, PollOption
from forums.selectors.personal import my_drafts, saved_items
from forums.selectors.polls import topic_poll
from forums.services import (
    bookmark_set,
    draft_save,
    mute_person_set,
    mute_topic_set,
    poll_create,
    poll_vote,
    post_delete,
    post_reply,
    topic_create,
    topic_create_with_poll,
)
from metrics.models import Activity
from metrics.verbs import Verb
from portal.notifications.models import Notification
from portal.notifications.services import notify
from portal.people.models import Membership
from tests.factories import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def poll(topic, leader):
    return poll_create(actor=leader, topic=topic, question="Which day works best?", options=["Monday", "Friday"])


# ------------------------------------------------------------------------------------------- polls
def test_poll_options_are_trimmed_deduplicated_and_bounded(topic, leader):
    with pytest.raises(ValidationError) as error:
        poll_create(actor=leader, topic=topic, question="Q?", options=["Yes", " yes ", ""])
    assert "at least 2" in str(error.value)
    with pytest.raises(ValidationError):
        poll_create(actor=leader, topic=topic, question="Q?", options=[f"Option {i}" for i in range(11)])
    with pytest.raises(ValidationError):
        poll_create(
            actor=leader, topic=topic, question="Q?", options=["a", "b"], closes_at=timezone.now() - timedelta(hours=1)
        )
    poll = poll_create(actor=leader, topic=topic, question="  Pick   one ", options=[" Tea ", "Coffee", "tea"])
    assert poll.question == "Pick one"
    assert list(poll.options.values_list("label", flat=True)) == ["Tea", "Coffee"]


def test_only_the_author_or_a_moderator_adds_a_poll(topic, other_leader, facilitator):
    with pytest.raises(PermissionDenied):
        poll_create(actor=other_leader, topic=topic, question="Q?", options=["a", "b"])
    assert poll_create(actor=facilitator, topic=topic, question="Q?", options=["a", "b"]).topic_id == topic.pk


def test_a_bad_poll_leaves_no_topic_behind(board, leader):
    with pytest.raises(ValidationError):
        topic_create_with_poll(
            actor=leader, board=board, title="Planning day", body="<p>Let us pick</p>", question="When?", options=["x"]
        )
    assert not board.topics.exists()
    topic = topic_create_with_poll(
        actor=leader,
        board=board,
        title="Planning day",
        body="<p>Let us pick</p>",
        question="When?",
        options=["Tuesday", "Thursday"],
        multiple=True,
    )
    assert topic.poll.multiple and topic.poll.options.count() == 2


def test_vote_once_and_it_is_recorded_as_activity(poll, other_leader, topic):
    monday = poll.options.get(label="Monday")
    poll_vote(actor=other_leader, poll=poll, option_ids=[monday.pk])
    activity = Activity.objects.get(verb=Verb.POLL_VOTED)
    assert activity.actor_id == other_leader.pk and activity.cohort_id == topic.board.cohort_id
    with pytest.raises(ValidationError, match="already voted"):
        poll_vote(actor=other_leader, poll=poll, option_ids=[poll.options.get(label="Friday").pk])
    assert PollChoice.objects.filter(ballot__voter=other_leader).count() == 1
    assert Activity.objects.filter(verb=Verb.POLL_VOTED).count() == 1


def test_the_database_refuses_a_second_ballot(poll, other_leader):
    PollBallot.objects.create(poll=poll, voter=other_leader)
    with pytest.raises(IntegrityError), transaction.atomic():
        PollBallot.objects.create(poll=poll, voter=other_leader)


def test_single_choice_takes_one_option_from_this_poll_only(poll, other_leader, topic, leader):
    monday, friday = poll.options.all()
    with pytest.raises(ValidationError):
        poll_vote(actor=other_leader, poll=poll, option_ids=[monday.pk, friday.pk])
    with pytest.raises(ValidationError):
        poll_vote(actor=other_leader, poll=poll, option_ids=[])
    other = topic_create(actor=leader, board=topic.board, title="Another question", body="<p>x</p>")
    foreign = poll_create(actor=leader, topic=other, question="Q?", options=["a", "b"]).options.first()
    with pytest.raises(ValidationError):
        poll_vote(actor=other_leader, poll=poll, option_ids=[foreign.pk])
    assert not PollBallot.objects.exists()


def test_multiple_choice_counts_each_option(board, leader, other_leader, facilitator):
    topic = topic_create_with_poll(
        actor=leader,
        board=board,
        title="Which formats help?",
        body="<p>Tell me</p>",
        question="Formats?",
        options=["Video", "Text", "Audio"],
        multiple=True,
    )
    video, text, _audio = topic.poll.options.all()
    poll_vote(actor=other_leader, poll=topic.poll, option_ids=[video.pk, text.pk])
    poll_vote(actor=facilitator, poll=topic.poll, option_ids=[video.pk])
    view = topic_poll(leader, topic)
    assert view.voters == 2
    assert [(r.option.label, r.votes, r.percent) for r in view.options] == [
        ("Video", 2, 100),
        ("Text", 1, 50),
        ("Audio", 0, 0),
    ]


def test_results_show_after_voting_or_closing_not_before(poll, topic, other_leader, facilitator):
    before = topic_poll(other_leader, topic)
    assert before.can_vote and not before.show_results
    poll_vote(actor=other_leader, poll=poll, option_ids=[poll.options.first().pk])
    after = topic_poll(other_leader, topic)
    assert after.show_results and not after.can_vote and after.my_choice_ids == {poll.options.first().pk}
    assert not topic_poll(facilitator, topic).show_results
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    closed = topic_poll(facilitator, topic)
    assert closed.show_results and not closed.can_vote and closed.closed
    poll.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        poll_vote(actor=facilitator, poll=poll, option_ids=[poll.options.first().pk])


def test_readers_who_cannot_post_cannot_vote(poll, analyst, other_facilitator):
    with pytest.raises(PermissionDenied):
        poll_vote(actor=analyst, poll=poll, option_ids=[poll.options.first().pk])
    with pytest.raises(PermissionDenied):
        poll_vote(actor=other_facilitator, poll=poll, option_ids=[poll.options.first().pk])


def test_composer_creates_a_topic_with_a_poll_and_shows_errors_without_losing_text(client, board, leader):
    client.force_login(leader)
    url = reverse("forums:topic-create", args=[board.slug])
    data = {
        "title": "Which workshop day?",
        "kind": "discussion",
        "body": "Pick a day please",
        "client_key": "k1",
        "poll_enabled": "on",
        "poll_question": "Which day?",
        "poll_options": "Monday",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "at least 2 different options" in html and "Pick a day please" in html
    assert not board.topics.exists()
    response = client.post(url, {**data, "poll_options": "Monday\nWednesday\n"})
    topic = board.topics.get()
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Which day?" in page and page.count('name="option"') == 2  # the author may vote in their own poll
    assert list(topic.poll.options.values_list("label", flat=True)) == ["Monday", "Wednesday"]


def test_a_filled_in_poll_is_never_dropped_for_want_of_the_tick(client, board, leader):
    client.force_login(leader)
    data = {"title": "Lunch and learn format", "kind": "discussion", "body": "Thoughts?", "client_key": "k2"}
    client.post(reverse("forums:topic-create", args=[board.slug]), {**data, "poll_question": "Format?"})
    assert not board.topics.exists()  # a question without options is an error, not a topic without its poll
    client.post(
        reverse("forums:topic-create", args=[board.slug]),
        {**data, "poll_question": "Format?", "poll_options": "Talk\nWorkshop"},
    )
    assert board.topics.get().poll.question == "Format?"


def test_vote_without_javascript_and_with_htmx(client, poll, topic, other_leader, facilitator):
    client.force_login(other_leader)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert 'name="option"' in page and "Results show after you vote" in page
    monday = poll.options.get(label="Monday")
    response = client.post(reverse("forums:poll-vote", args=[topic.pk]), {"option": monday.pk})
    assert response.status_code == 302 and response["Location"].endswith("#poll")
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Your vote" in page and "1 vote (100%)" in page and 'name="option"' not in page

    client.force_login(facilitator)
    friday = poll.options.get(label="Friday")
    response = client.post(
        reverse("forums:poll-vote", args=[topic.pk]), {"option": friday.pk}, headers={"HX-Request": "true"}
    )
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment
    assert "2 people have voted" in fragment and "1 vote (50%)" in fragment
    again = client.post(
        reverse("forums:poll-vote", args=[topic.pk]), {"option": friday.pk}, headers={"HX-Request": "true"}
    )
    assert "already voted" in again.content.decode()
    assert PollBallot.objects.count() == 2


def test_topic_page_queries_do_not_grow_with_votes(client, poll, topic, leader, cohort, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(leader)
    url = topic.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    options = list(PollOption.objects.filter(poll=poll))
    # Saved items of the reader's elsewhere (not content type 1: a transactional test's flush renumbers them).
    saved_type = ContentType.objects.get_for_model(topic)
    for i in range(30):
        voter = member_of(cohort)
        ballot = PollBallot.objects.create(poll=poll, voter=voter)
        PollChoice.objects.create(ballot=ballot, option=options[i % 2])
        Bookmark.objects.create(user=leader, content_type=saved_type, object_id=1000 + i)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


# --------------------------------------------------------------------------------- bookmarks
def test_save_a_post_and_find_it_on_the_saved_page(client, topic, leader, other_leader):
    reply = post_reply(actor=other_leader, topic=topic, body="<p>Block the first hour for reading.</p>")
    client.force_login(leader)
    response = client.post(reverse("forums:bookmark", args=["post", reply.pk]), {"saved": "1"})
    assert response.status_code == 302
    page = client.get(reverse("forums:saved")).content.decode()
    assert "Block the first hour for reading." in page and f"Reply #{reply.number}" in page
    # saving twice keeps one; unsaving removes it
    bookmark_set(actor=leader, target=reply, saved=True)
    assert Bookmark.objects.filter(user=leader).count() == 1
    response = client.post(
        reverse("forums:bookmark", args=["post", reply.pk]), {"saved": "0"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and ">Save<" in response.content.decode()
    assert not Bookmark.objects.filter(user=leader).exists()


def test_saved_items_leave_out_what_the_person_can_no_longer_see(topic, leader, other_leader, cohort):
    reply = post_reply(actor=other_leader, topic=topic, body="<p>Worth keeping.</p>")
    gone = post_reply(actor=other_leader, topic=topic, body="<p>Soon removed.</p>")
    bookmark_set(actor=leader, target=reply, saved=True)
    bookmark_set(actor=leader, target=gone, saved=True)
    post_delete(actor=other_leader, post=gone)
    assert [item.pk for item in saved_items(leader)] == [reply.pk]
    Membership.objects.filter(user=leader, cohort=cohort).delete()
    leader = type(leader).objects.get(pk=leader.pk)
    assert saved_items(leader) == []


def test_nobody_saves_what_they_cannot_see(client, topic, other_facilitator):
    with pytest.raises(PermissionDenied):
        bookmark_set(actor=other_facilitator, target=topic.first_post, saved=True)
    client.force_login(other_facilitator)
    response = client.post(reverse("forums:bookmark", args=["post", topic.first_post.pk]), {"saved": "1"})
    assert response.status_code == 404
    assert client.post(reverse("forums:bookmark", args=["nothing", 1]), {"saved": "1"}).status_code == 404


def test_saved_page_queries_stay_flat(client, topic, leader, other_leader, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    posts = [post_reply(actor=other_leader, topic=topic, body=f"<p>Idea {i}</p>") for i in range(3)]
    for post in posts:
        bookmark_set(actor=leader, target=post, saved=True)
    client.force_login(leader)
    url = reverse("forums:saved")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(25):
        more = post_reply(actor=other_leader, topic=topic, body=f"<p>More {i}</p>")
        bookmark_set(actor=leader, target=more, saved=True)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("saved-item__title") == 28


# ------------------------------------------------------------------------------------- mutes
def test_a_muted_topic_sends_no_notifications(topic, leader, other_leader, django_capture_on_commit_callbacks):
    mute_topic_set(actor=leader, topic=topic, muted=True)
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(actor=other_leader, topic=topic, body="<p>A reply @Lee Leader would usually hear about.</p>")
    assert not Notification.objects.filter(recipient=leader).exists()
    mute_topic_set(actor=leader, topic=topic, muted=False)
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(actor=other_leader, topic=topic, body="<p>And another one.</p>")
    assert Notification.objects.filter(recipient=leader).exists()


def test_a_muted_person_produces_no_notifications_anywhere(leader, other_leader):
    mute_person_set(actor=leader, person=other_leader, muted=True)
    assert notify(recipient=leader, event="new_follower", text="x", actor=other_leader) is None
    mute_person_set(actor=leader, person=other_leader, muted=False)
    assert notify(recipient=leader, event="new_follower", text="x", actor=other_leader) is not None


def test_nobody_mutes_themselves_and_muting_twice_keeps_one_row(leader, other_leader, topic):
    with pytest.raises(PermissionDenied):
        mute_person_set(actor=leader, person=leader, muted=True)
    mute_person_set(actor=leader, person=other_leader, muted=True)
    mute_person_set(actor=leader, person=other_leader, muted=True)
    mute_topic_set(actor=leader, topic=topic, muted=True)
    assert Mute.objects.filter(user=leader).count() == 2


def test_muted_topics_and_people_are_collapsed_in_lists_and_streams(client, board, topic, leader, other_leader):
    other = topic_create(actor=other_leader, board=board, title="Team rituals that work", body="<p>Hi</p>")
    post_reply(actor=other_leader, topic=topic, body="<p>A reply from a muted person.</p>")
    client.force_login(leader)
    client.post(reverse("forums:topic-mute", args=[topic.pk]), {"muted": "1"})
    html = client.get(board.get_absolute_url()).content.decode()
    assert html.count("topic-row--muted") == 1
    client.post(reverse("forums:person-mute", args=[other_leader.pk]), {"muted": "1"})
    html = client.get(board.get_absolute_url()).content.decode()
    assert html.count("topic-row--muted") == 2 and "Team rituals that work" in html
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "whom you muted" in page and "Unmute topic" in page
    mutes = client.get(reverse("forums:mutes")).content.decode()
    assert topic.title in mutes and other_leader.display_name in mutes and other.title not in mutes


# --------------------------------------------------------------------------------- my drafts
def test_my_drafts_lists_unfinished_topics_replies_and_entries(client, board, topic, leader):

    draft_save(user=leader, board=board, title="Half-written idea", body="<p>Started on the train</p>")
    draft_save(user=leader, board=board, topic=topic, body="<p>My reply in progress</p>")
    client.force_login(leader)
    html = client.get(reverse("forums:my-drafts")).content.decode()
    assert "Half-written idea" in html and "Started on the train" in html
    assert f"Reply to “{topic.title}”" in html and "My reply in progress" in html
    assert Draft.objects.filter(user=leader).count() == 2
    assert [item.kind for item in my_drafts(leader)].count("Reply") == 1


def test_my_drafts_page_queries_stay_flat(client, cohort, leader, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from blogs.services.entries import entry_create
    from tests.factories import BoardFactory

    def add(n: int) -> None:
        for i in range(n):
            board = BoardFactory(cohort=cohort)
            draft_save(user=leader, board=board, title=f"Idea {i}", body=f"<p>Started {i}</p>")
            entry_create(actor=leader, title=f"Entry idea {i}", body="<p>Half</p>")

    add(1)
    client.force_login(leader)
    url = reverse("forums:my-drafts")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(12)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Continue writing") == 26
