"""Boards (create, change, order) and topic moderation (pin, lock, move), with the audit log."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forums.models import Board, ModerationAction
from forums.selectors import audit_entries, board_topics
from forums.services import (
    board_create,
    board_move,
    board_update,
    topic_lock_set,
    topic_move,
    topic_pin_set,
)
from metrics.models import Activity
from metrics.verbs import Verb
from tests.factories import BoardFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_facilitators_create_boards_for_their_cohorts_admins_for_everyone(
    cohort, other_cohort, facilitator, admin_user, leader
):
    board = board_create(actor=facilitator, cohort=cohort, title="Wins of the week", guidelines="Celebrate small wins.")
    assert board.cohort == cohort and board.slug == "wins-of-the-week"
    with pytest.raises(PermissionDenied):
        board_create(actor=facilitator, cohort=other_cohort, title="Not mine")
    with pytest.raises(PermissionDenied):
        board_create(actor=facilitator, cohort=None, title="Everyone")
    with pytest.raises(PermissionDenied):
        board_create(actor=leader, cohort=cohort, title="Leaders do not")
    assert board_create(actor=admin_user, cohort=None, title="Everyone").cohort is None
    entry = ModerationAction.objects.filter(action="board_create").order_by("pk").first()
    assert entry.actor == facilitator and entry.cohort == cohort
    assert Activity.objects.filter(verb=Verb.MODERATED, data__action="board_create").count() == 2


def test_board_slugs_avoid_the_forums_own_addresses(admin_user):
    assert board_create(actor=admin_user, cohort=None, title="Latest").slug == "latest-2"
    assert board_create(actor=admin_user, cohort=None, title="Latest").slug == "latest-3"


def test_board_validation(facilitator, cohort):
    with pytest.raises(ValidationError):
        board_create(actor=facilitator, cohort=cohort, title="  ")


def test_boards_move_up_and_down_within_their_cohort(cohort, facilitator):
    first = board_create(actor=facilitator, cohort=cohort, title="First board")
    second = board_create(actor=facilitator, cohort=cohort, title="Second board")
    third = board_create(actor=facilitator, cohort=cohort, title="Third board")
    board_move(actor=facilitator, board=third, direction="up")
    order = list(Board.objects.filter(cohort=cohort).order_by("position").values_list("pk", flat=True))
    assert order == [first.pk, third.pk, second.pk]
    board_move(actor=facilitator, board=first, direction="up")  # already first: nothing changes
    assert list(Board.objects.filter(cohort=cohort).order_by("position").values_list("pk", flat=True)) == order


def test_board_update_keeps_the_address(cohort, facilitator, other_facilitator):
    board = board_create(actor=facilitator, cohort=cohort, title="Old name")
    board_update(actor=facilitator, board=board, title="New name", description="Now clearer")
    board.refresh_from_db()
    assert board.title == "New name" and board.slug == "old-name"
    with pytest.raises(PermissionDenied):
        board_update(actor=other_facilitator, board=board, title="Hijack")


def test_pin_lock_and_move_are_moderators_only_and_audited(board, facilitator, leader, cohort):
    other = BoardFactory(cohort=cohort, title="Archive")
    topic = TopicFactory(board=board, author=leader)
    pinned_later = TopicFactory(board=board, author=leader)
    with pytest.raises(PermissionDenied):
        topic_pin_set(actor=leader, topic=topic, pinned=True)
    topic_pin_set(actor=facilitator, topic=topic, pinned=True, reason="Read this first")
    assert [t.pk for t in board_topics(leader, board).object_list] == [topic.pk, pinned_later.pk]
    topic_lock_set(actor=facilitator, topic=topic, locked=True)
    topic_move(actor=facilitator, topic=topic, board=other, reason="Belongs in the archive")
    topic.refresh_from_db()
    assert topic.board == other and topic.is_locked and topic.is_pinned
    actions = list(ModerationAction.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["pin", "lock", "move"]
    assert ModerationAction.objects.get(action="move").data["to_title"] == "Archive"
    assert Activity.objects.filter(verb=Verb.MODERATED).count() == 3


def test_cannot_move_into_a_board_one_does_not_moderate(board, facilitator, other_board, leader):
    topic = TopicFactory(board=board, author=leader)
    with pytest.raises(PermissionDenied):
        topic_move(actor=facilitator, topic=topic, board=other_board)


def test_audit_log_is_scoped_to_the_facilitators_cohorts(
    board, other_board, facilitator, other_facilitator, admin_user
):
    topic_pin_set(actor=facilitator, topic=TopicFactory(board=board), pinned=True)
    topic_pin_set(actor=other_facilitator, topic=TopicFactory(board=other_board), pinned=True)
    assert [e.actor for e in audit_entries(facilitator).object_list] == [facilitator]
    assert len(audit_entries(admin_user).object_list) == 2
    assert len(audit_entries(admin_user, action="unpin").object_list) == 0
