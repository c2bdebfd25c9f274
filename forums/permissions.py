"""Who may see and do what on the boards. Views call these; templates receive booleans.

Visibility: an organisation-wide board (no cohort) is open to everyone signed in; a cohort board to
that cohort's members and facilitators, admins and L&D analysts (who read content, see design.md).
Moderation: facilitators in the cohorts they facilitate, admins everywhere (organisation-wide boards
are the admins'). A board someone may not see does not exist for them: views answer 404, not 403.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.people import permissions as portal_permissions
from portal.people.models import Membership, User

from .models import Board, Post, Topic


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def reads_everything(user) -> bool:
    return portal_permissions.is_admin(user) or portal_permissions.is_analyst(user)


# ---------------------------------------------------------------- boards
def can_view_board(user, board: Board) -> bool:
    if not _authenticated(user):
        return False
    if board.cohort_id is None or reads_everything(user):
        return True
    return board.cohort_id in portal_permissions.member_cohort_ids(user)


def filter_boards_queryset(user, qs: QuerySet[Board]) -> QuerySet[Board]:
    if not _authenticated(user):
        return qs.none()
    return boards_of_cohorts(qs, visible_cohort_ids(user))


def visible_cohort_ids(user) -> list[int] | None:
    """The cohorts whose boards a signed-in ``user`` sees besides organisation-wide ones (sorted); None: all."""
    if reads_everything(user):
        return None
    return sorted(portal_permissions.member_cohort_ids(user))


def boards_of_cohorts(qs: QuerySet[Board], cohort_ids: list[int] | None) -> QuerySet[Board]:
    """Organisation-wide boards and those of ``cohort_ids`` (None: every board): filter_boards_queryset's
    rule with the ids given, so a list compiled once (portal.prepared) can take them as arguments."""
    if cohort_ids is None:
        return qs
    return qs.filter(Q(cohort__isnull=True) | Q(cohort_id__in=cohort_ids))


def can_post_in_board(user, board: Board) -> bool:
    """Members write in their cohorts' boards; everyone writes in organisation-wide ones."""
    if not can_view_board(user, board):
        return False
    if board.cohort_id is None or portal_permissions.is_admin(user):
        return True
    return board.cohort_id in portal_permissions.member_cohort_ids(user)


def can_moderate_board(user, board: Board) -> bool:
    if board.cohort_id is None:
        return portal_permissions.is_admin(user)
    return portal_permissions.can_facilitate(user, board.cohort_id)


def can_manage_boards(user, cohort_id: int | None) -> bool:
    """Facilitators create and order boards for their cohorts; admins for the organisation."""
    if cohort_id is None:
        return portal_permissions.is_admin(user)
    return portal_permissions.can_facilitate(user, cohort_id)


def can_manage_any_board(user) -> bool:
    return portal_permissions.is_admin(user) or (
        portal_permissions.is_facilitator(user) and bool(portal_permissions.facilitated_cohort_ids(user))
    )


def manageable_cohort_ids(user) -> set[int] | None:
    """Cohorts whose boards this person manages; None means every cohort and the organisation."""
    if portal_permissions.is_admin(user):
        return None
    if portal_permissions.is_facilitator(user):
        return set(portal_permissions.facilitated_cohort_ids(user))
    return set()


def board_audience_ids(board: Board, user_ids: set[int]) -> set[int]:
    """Which of ``user_ids`` may see ``board`` (one query): nobody is notified of what they cannot see."""
    if not user_ids:
        return set()
    active = User.objects.filter(pk__in=user_ids, is_active=True)
    if board.cohort_id is None:
        return set(active.values_list("pk", flat=True))
    return set(
        active.filter(
            Q(memberships__cohort_id=board.cohort_id) | Q(is_superuser=True) | Q(groups__name__in=["admin", "analyst"])
        )
        .distinct()
        .values_list("pk", flat=True)
    )


def board_audience(board: Board) -> QuerySet[User]:
    """Everyone who may see ``board`` (for @mention suggestions)."""
    people = User.objects.filter(is_active=True)
    if board.cohort_id is None:
        return people
    member_ids = Membership.objects.filter(cohort_id=board.cohort_id).values("user_id")
    return people.filter(Q(pk__in=member_ids) | Q(is_superuser=True) | Q(groups__name="admin")).distinct()


# ---------------------------------------------------------------- topics and posts
def can_view_topic(user, topic: Topic) -> bool:
    if not can_view_board(user, topic.board):
        return False
    return topic.is_visible or can_moderate_board(user, topic.board) or topic.author_id == user.pk


def can_reply(user, topic: Topic) -> bool:
    """May write a reply at all (slow mode is checked when posting, it depends on the clock)."""
    if not can_post_in_board(user, topic.board) or not can_view_topic(user, topic):
        return False
    if can_moderate_board(user, topic.board):
        return True
    return topic.is_visible and not topic.is_locked


def can_view_post_body(user, post: Post, *, moderator: bool) -> bool:
    """A removed post's text is shown to moderators, and to its author when a moderator hid it."""
    if not post.is_removed:
        return True
    if moderator:
        return True
    return post.deleted_at is None and post.author_id == getattr(user, "pk", None)


def can_edit_post(user, post: Post, *, moderator: bool | None = None) -> bool:
    if not _authenticated(user):
        return False
    if moderator is None:
        moderator = can_moderate_board(user, post.topic.board)
    if moderator:
        return True
    return (
        post.author_id == user.pk
        and post.deleted_at is None
        and not post.topic.is_locked
        and can_post_in_board(user, post.topic.board)
    )


def can_delete_post(user, post: Post, *, moderator: bool | None = None) -> bool:
    if not _authenticated(user) or post.deleted_at is not None:
        return False
    if moderator is None:
        moderator = can_moderate_board(user, post.topic.board)
    return moderator or post.author_id == user.pk


def can_restore_post(user, post: Post, *, moderator: bool | None = None) -> bool:
    if post.deleted_at is None:
        return False
    return can_moderate_board(user, post.topic.board) if moderator is None else moderator


def can_react(user, post: Post) -> bool:
    return (
        _authenticated(user)
        and not post.is_removed
        and post.author_id != user.pk
        and can_post_in_board(user, post.topic.board)
    )


def can_flag(user, post: Post) -> bool:
    return _authenticated(user) and not post.is_removed and post.author_id != user.pk


def can_accept_answer(user, topic: Topic, *, moderator: bool | None = None) -> bool:
    if not topic.is_question or not _authenticated(user):
        return False
    if moderator is None:
        moderator = can_moderate_board(user, topic.board)
    return moderator or (topic.author_id == user.pk and can_post_in_board(user, topic.board))


# ---------------------------------------------------------------- review queue and audit log
def can_review_flags(user) -> bool:
    return can_manage_any_board(user)


def review_cohort_ids(user) -> set[int] | None:
    """Cohorts whose flags this person reviews; None means all, including organisation-wide content."""
    return manageable_cohort_ids(user)


def can_view_audit_log(user) -> bool:
    return can_manage_any_board(user)


# ---------------------------------------------------------------- attached images (protected media)
def attachment_readable(user, name: str) -> bool:
    """Whether the stored image ``name`` (an attachment or its thumbnail) may be sent to ``user``."""
    from django.db.models import Q

    from .models import Attachment

    if not user.is_authenticated:
        return False
    found = Attachment.objects.select_related("post__topic__board").filter(Q(image=name) | Q(thumb=name)).first()
    if found is None:
        return False
    if found.post is None:
        return found.uploader_id == user.pk
    post = found.post
    if not can_view_topic(user, post.topic):
        return False
    return can_view_post_body(user, post, moderator=can_moderate_board(user, post.topic.board))


# ---------------------------------------------------------------- polls, bookmarks, mutes (issue 17)
def can_vote(user, topic: Topic) -> bool:
    """Votes are contributions: those who may post on the board, in a visible topic that is not locked."""
    return (
        can_post_in_board(user, topic.board)
        and can_view_topic(user, topic)
        and topic.is_visible
        and not topic.is_locked
    )


def can_see_poll_results(user, poll, *, voted: bool) -> bool:
    """Results show after voting, after closing, and to those who cannot vote (they only read)."""
    return voted or poll.is_closed() or not can_vote(user, poll.topic)


def can_mute_topic(user, topic: Topic) -> bool:
    return _authenticated(user) and can_view_topic(user, topic)


def can_mute_person(user, person) -> bool:
    return _authenticated(user) and person.pk != user.pk and person.is_active
