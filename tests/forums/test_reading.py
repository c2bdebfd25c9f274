"""Read tracking, unread counts in the lists, jumping to the first unread post, drafts and watching."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from forums.models import Draft, ReadState, Watch
from forums.selectors import board_list, board_topics
from forums.services import draft_discard, draft_save, post_delete, post_reply, read_state_mark, watch_set
from tests.factories import TopicFactory, member_of

pytestmark = pytest.mark.django_db


def test_read_state_never_moves_backwards(topic, other_leader):
    read_state_mark(user=other_leader, topic=topic, number=5)
    read_state_mark(user=other_leader, topic=topic, number=2)
    assert ReadState.objects.get(user=other_leader, topic=topic).last_read_number == 5


def test_lists_show_new_and_unread_counts(board, topic, leader, other_leader, cohort):
    # other_leader has never opened the topic: it is new to them
    row = board_topics(other_leader, board).object_list[0]
    assert row.is_new and row.last_read is None
    read_state_mark(user=other_leader, topic=topic, number=1)
    third = member_of(cohort)
    post_reply(actor=third, topic=topic, body="<p>One</p>")
    hidden = post_reply(actor=third, topic=topic, body="<p>Two</p>")
    post_reply(actor=leader, topic=topic, body="<p>Three</p>")
    post_delete(actor=third, post=hidden)
    row = board_topics(other_leader, board).object_list[0]
    assert not row.is_new and row.last_read == 1
    assert row.unread_count == 2  # the removed reply does not count
    # the author has read everything they wrote
    assert board_topics(leader, board).object_list[0].unread_count == 0
    boards = {b.pk: b for b in board_list(other_leader)}
    assert boards[board.pk].unread_topics == 1
    assert boards[board.pk].topic_count == 1 and boards[board.pk].post_count == 3


def test_old_topics_never_opened_are_not_new(board, other_leader, settings):
    settings.FORUM_NEW_DAYS = 14
    old = TopicFactory(board=board)
    type(old).objects.filter(pk=old.pk).update(last_post_at=timezone.now() - timedelta(days=30))
    row = board_topics(other_leader, board).object_list[0]
    assert not row.is_new and row.unread_count == 0
    assert board_list(other_leader)[0].unread_topics == 0


def test_jump_to_first_unread(client, topic, leader, other_leader, cohort, settings):
    settings.FORUM_POSTS_PER_PAGE = 2
    read_state_mark(user=other_leader, topic=topic, number=1)
    for i in range(3):
        post_reply(actor=member_of(cohort), topic=topic, body=f"<p>Reply {i}</p>")
    client.force_login(other_leader)
    response = client.get(reverse("forums:topic-unread", args=[topic.pk]))
    assert response.url == f"/boards/t/{topic.pk}/?page=1#post-2"
    # reading page 2 marks posts 3 and 4 as read
    client.get(f"/boards/t/{topic.pk}/?page=2")
    assert ReadState.objects.get(user=other_leader, topic=topic).last_read_number == 4
    # everything read: the jump goes to the last post
    assert client.get(reverse("forums:topic-unread", args=[topic.pk])).url.endswith("?page=2#post-4")


def test_drafts_are_saved_sanitised_restored_and_discarded(board, topic, leader):
    draft = draft_save(user=leader, board=board, title="Half", body='<p onclick="x()">Half <script>1</script></p>')
    assert draft.body == "<p>Half </p>"
    draft_save(user=leader, board=board, title="Half a title", body="<p>More</p>")
    assert Draft.objects.filter(user=leader, topic__isnull=True).count() == 1
    draft_save(user=leader, board=board, topic=topic, body="<p>A reply in progress</p>")
    assert Draft.objects.filter(user=leader).count() == 2
    # an emptied composer removes its draft
    draft_save(user=leader, board=board, topic=topic, body="<p></p>")
    assert not Draft.objects.filter(user=leader, topic=topic).exists()
    draft_discard(user=leader, board=board, topic=None)
    assert not Draft.objects.filter(user=leader).exists()


def test_a_save_overtaken_by_a_newer_one_from_the_same_composer_changes_nothing(board, topic, leader):
    def body():
        return Draft.objects.get(user=leader, topic=topic).body

    draft_save(user=leader, board=board, topic=topic, body="<p>All my words</p>", writer="tab-a", seq=9)
    draft_save(user=leader, board=board, topic=topic, body="<p>All my</p>", writer="tab-a", seq=6)  # arrived late
    assert body() == "<p>All my words</p>"
    draft_save(user=leader, board=board, topic=topic, body="", writer="tab-a", seq=2)  # nor does a late empty one
    assert body() == "<p>All my words</p>"
    # another tab (or a save from an older page) is a different writer: the last save wins, as before
    draft_save(user=leader, board=board, topic=topic, body="<p>From the phone</p>", writer="tab-b", seq=1)
    assert body() == "<p>From the phone</p>"
    draft_save(user=leader, board=board, topic=topic, body="<p>No writer named</p>")
    assert body() == "<p>No writer named</p>"
    # a newer save from the same composer replaces it
    draft_save(user=leader, board=board, topic=topic, body="<p>Later</p>", writer="tab-b", seq=4)
    draft_save(user=leader, board=board, topic=topic, body="<p>Later still</p>", writer="tab-b", seq=5)
    assert body() == "<p>Later still</p>"


def test_a_save_from_a_composer_whose_post_is_written_keeps_nothing(board, topic, leader, other_leader):
    post_reply(actor=leader, topic=topic, body="<p>Posted words</p>", client_key="k-1")
    assert draft_save(user=leader, board=board, topic=topic, body="<p>Posted words</p>", client_key="k-1") is None
    assert not Draft.objects.filter(user=leader).exists()
    # the next composer (another key) keeps its draft; a key is the author's own, so another's is not refused
    assert draft_save(user=leader, board=board, topic=topic, body="<p>Next</p>", client_key="k-2") is not None
    assert draft_save(user=other_leader, board=board, topic=topic, body="<p>Mine</p>", client_key="k-1") is not None


def test_drafts_only_where_one_may_write(board, other_facilitator):
    with pytest.raises(PermissionDenied):
        draft_save(user=other_facilitator, board=board, body="<p>x</p>")


def test_watching_a_board_or_topic_and_stopping(board, topic, other_leader, other_facilitator):
    watch_set(user=other_leader, board=board, watching=True)
    watch_set(user=other_leader, topic=topic, watching=True)
    watch_set(user=other_leader, topic=topic, watching=False)
    assert Watch.objects.get(user=other_leader, board=board).watching
    assert not Watch.objects.get(user=other_leader, topic=topic).watching
    with pytest.raises(PermissionDenied):
        watch_set(user=other_facilitator, board=board, watching=True)
