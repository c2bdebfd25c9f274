"""Blogs working with the rest of the portal: @mentions, the boards' review queue, watched boards in the
Following stream, and notifications hidden once their content cannot be read."""

import pytest
from django.urls import reverse

from blogs.models import Comment, Entry
from blogs.selectors.stream import following_stream
from blogs.services import comments
from forums.models import Flag, Watch
from forums.services.flags import Resolution, flag_create, flag_resolve
from portal.notifications import Event, visibility_check
from portal.notifications.models import Notification
from tests.factories import CommentFactory, EntryFactory, member_of
from tests.factories.forums import BoardFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_mentions_link_and_notify_only_people_who_can_read_the_entry(
    leader, other_leader, cohort, other_facilitator, django_capture_on_commit_callbacks
):
    entry = EntryFactory(blog__owner=leader, author=leader, visibility=Entry.Visibility.COHORT, cohort=cohort)
    commenter = member_of(cohort, profile__display_name="Cleo Commenter")
    with django_capture_on_commit_callbacks(execute=True):
        comment = comments.comment_create(
            actor=commenter, entry=entry, body="<p>As @Olive Other and @Otto Facilitator said</p>"
        )
    assert f'data-mention="{other_leader.pk}"' in comment.body
    mentioned = Notification.objects.filter(event=Event.MENTION)
    assert list(mentioned.values_list("recipient_id", flat=True)) == [other_leader.pk]  # Otto cannot read it
    assert Notification.objects.filter(recipient=leader, event=Event.ENTRY_COMMENT).count() == 1


def test_the_author_mentioned_in_a_comment_is_told_once(leader, other_leader, django_capture_on_commit_callbacks):
    entry = EntryFactory(blog__owner=leader, author=leader)
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_create(actor=other_leader, entry=entry, body="<p>Thanks @Lee Leader</p>")
    assert Notification.objects.filter(recipient=leader).count() == 1


def test_mention_suggestions_offer_only_people_who_can_read_the_entry(client, leader, cohort, other_facilitator):
    entry = EntryFactory(blog__owner=leader, author=leader, visibility=Entry.Visibility.COHORT, cohort=cohort)
    member_of(cohort, profile__display_name="Otis Insider")
    client.force_login(leader)
    html = client.get(reverse("blogs:mention-autocomplete"), {"entry": entry.pk, "q": "Ot"}).content.decode()
    assert "Otis Insider" in html and "Otto Facilitator" not in html
    client.force_login(other_facilitator)
    assert client.get(reverse("blogs:mention-autocomplete"), {"entry": entry.pk, "q": "Ot"}).status_code == 404


def test_flagged_comment_reaches_the_facilitators_review_queue_and_can_be_hidden(
    client, leader, other_leader, facilitator, cohort
):
    entry = EntryFactory(blog__owner=leader, author=leader)
    comment = CommentFactory(entry=entry, author=other_leader, body="<p>Something unkind</p>")
    client.force_login(leader)
    page = client.get(entry.get_absolute_url()).content.decode()
    flag_url = reverse("forums:flag-create", args=["comment", comment.pk])
    assert flag_url in page
    response = client.post(flag_url, {"reason": Flag.Reason.INAPPROPRIATE})
    assert response.status_code == 302
    flag = Flag.objects.get()
    assert flag.cohort == cohort

    client.force_login(facilitator)
    queue = client.get(reverse("forums:review-queue")).content.decode()
    assert "Something unkind" in queue and f"Comment on “{entry.title}”" in queue
    flag_resolve(actor=facilitator, target=comment, action=Resolution.HIDE)
    comment.refresh_from_db()
    assert comment.hidden_at and comment.hidden_by == facilitator
    client.force_login(leader)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Something unkind" not in page


def test_dismissing_flags_brings_back_an_automatically_hidden_comment(leader, cohort, facilitator, settings):
    settings.FORUM_AUTO_HIDE_FLAGS = 2
    entry = EntryFactory(blog__owner=leader, author=leader)
    comment = CommentFactory(entry=entry, author=member_of(cohort))
    for _ in range(2):
        flag_create(actor=member_of(cohort), target=comment, reason=Flag.Reason.OFF_TOPIC)
    comment.refresh_from_db()
    assert comment.hidden_at is not None and comment.hidden_by is None
    flag_resolve(actor=facilitator, target=comment, action=Resolution.DISMISS)
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_new_topics_in_watched_boards_join_the_following_stream(leader, other_leader, cohort, other_cohort):
    watched = BoardFactory(cohort=cohort, title="Practice room")
    unwatched = BoardFactory(cohort=cohort)
    secret = BoardFactory(cohort=other_cohort)
    Watch.objects.create(user=leader, board=watched)
    Watch.objects.create(user=leader, board=secret)  # a stale watch on a board they cannot see
    TopicFactory(board=watched, author=other_leader, title="How do you start a post?")
    TopicFactory(board=unwatched, author=other_leader, title="Not watched")
    TopicFactory(board=secret, author=member_of(other_cohort), title="Not visible")
    items, _ = following_stream(leader)
    assert [(i.kind, str(i.obj)) for i in items] == [("topic", "How do you start a post?")]
    assert items[0].reasons == ["New in Practice room, a board you watch"]


def test_notifications_about_unreadable_entries_are_hidden(leader, cohort, other_facilitator):
    entry = EntryFactory(blog__owner=leader, author=leader, visibility=Entry.Visibility.COHORT, cohort=cohort)
    check, _ = visibility_check("blogs.entry")
    assert check(leader, entry) and not check(other_facilitator, entry)
    comment = CommentFactory(entry=entry, author=leader)
    check, _ = visibility_check("blogs.comment")
    assert check(leader, comment)
    Comment.objects.filter(pk=comment.pk).update(deleted_at=entry.published_at)
    comment.refresh_from_db()
    assert not check(leader, comment)
