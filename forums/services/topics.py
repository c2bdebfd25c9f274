"""Starting topics and moderating them (pin, lock, move, slow mode, accepted answers)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

import metrics
from metrics.verbs import Verb
from portal.content import pipeline
from portal.jobs import enqueue_on_commit
from portal.people.models import User

from .. import permissions
from ..models import Attachment, Board, ModerationAction, Post, PostRevision, Topic
from ._common import (
    PreparedBody,
    activity_cohort,
    clean_title,
    duplicate_check,
    duplicate_guard,
    prepare_body,
    topic_cohort,
)
from .audit import moderation_log
from .reading import draft_discard, read_state_mark, watch_auto


def topic_create(
    *,
    actor: User,
    board: Board,
    title: str,
    body: str,
    kind: str = Topic.Kind.DISCUSSION,
    client_key: str = "",
    post_anyway: bool = False,
) -> Topic:
    """Start a topic with its opening post: the single entry point for new topics.

    Guarantees: the author may post on the board (else PermissionDenied); the title and body are
    validated and the body sanitised (ValidationError keyed by field); a repeated ``client_key`` or
    the same title again within FORUM_DUPLICATE_WINDOW_SECONDS raises DuplicateSubmission with the
    first topic, so a double submit never makes two; the topic, its first post and revision, the
    author's watch, the cleared draft and the activity commit together; notifications (watchers of
    the board, mentions) follow after commit.
    """
    if not permissions.can_post_in_board(actor, board):
        raise PermissionDenied("You cannot start topics on this board.")
    if kind not in Topic.Kind.values:
        raise ValidationError({"kind": "Choose a discussion or a question."})
    title = clean_title(title)
    prepared = prepare_body(body, author=actor)
    # The policy gate and the coach (the content pipeline) run before the write, so a refusal is still recorded:
    # no policy acknowledgement or a banned term refuses; a warning needs post_anyway.
    pipeline.publish_check(actor=actor, html=prepared.html, kind="topic", post_anyway=post_anyway, board=board)
    client_key = (client_key or "")[:64]
    now = timezone.now()
    with duplicate_guard(model=Topic, actor=actor, client_key=client_key), transaction.atomic():
        duplicate_check(model=Topic, actor=actor, client_key=client_key, now=now, board=board, title=title)
        topic = _topic_write(
            actor=actor, board=board, title=title, kind=kind, prepared=prepared, client_key=client_key, now=now
        )
        metrics.record(
            actor=actor,
            verb=Verb.TOPIC_CREATED,
            target=topic,
            context=board,
            cohort=activity_cohort(board, actor),
            data={"kind": kind},
        )
        enqueue_on_commit("forums.tasks.topic_created_notify", topic.pk)
    return topic


def _topic_write(
    *, actor: User, board: Board, title: str, kind: str, prepared: PreparedBody, client_key: str, now
) -> Topic:
    """The topic's rows: topic, opening post and revision, attachments, the author's watch/read/draft."""
    topic = Topic.objects.create(
        board=board,
        title=title,
        kind=kind,
        author=actor,
        created_at=now,
        last_post_at=now,
        last_poster=actor,
        highest_number=1,
        last_post_number=1,
        client_key=client_key,
    )
    post = Post.objects.create(
        topic=topic, number=1, author=actor, body=prepared.html, search_text=f"{title}\n{prepared.text}", created_at=now
    )
    PostRevision.objects.create(post=post, number=1, title=title, body=prepared.html, editor=actor, created_at=now)
    Topic.objects.filter(pk=topic.pk).update(first_post=post, last_post=post)
    topic.first_post = topic.last_post = post
    Attachment.objects.filter(pk__in=prepared.attachment_ids, uploader=actor, post__isnull=True).update(post=post)
    watch_auto(user=actor, topic=topic)
    read_state_mark(user=actor, topic=topic, number=1)
    draft_discard(user=actor, board=board, topic=None)
    return topic


# ---------------------------------------------------------------- moderation
def _lock(topic: Topic) -> Topic:
    # Lock the topic row only (not its board and cohort), and re-read it: rules see the current state.
    return Topic.objects.select_for_update(of=("self",)).select_related("board__cohort").get(pk=topic.pk)


def _require_moderator(actor: User, topic: Topic) -> None:
    if not permissions.can_moderate_board(actor, topic.board):
        raise PermissionDenied("Only this board's facilitators and admins may do that.")


def _record_moderation(*, actor: User, topic: Topic, action: str, reason: str = "", data: dict | None = None) -> None:
    moderation_log(
        actor=actor,
        action=action,
        target=topic,
        cohort=topic.board.cohort,
        summary=f"Topic “{topic.title}”",
        url=topic.get_absolute_url(),
        reason=reason,
        data=data,
    )
    metrics.record(
        actor=actor,
        verb=Verb.MODERATED,
        target=topic,
        context=topic.board,
        cohort=topic_cohort(topic),
        data={"action": action},
    )


def topic_pin_set(*, actor: User, topic: Topic, pinned: bool, reason: str = "") -> Topic:
    """Pin a topic to the top of its board (or unpin it); logged and recorded. No-op if unchanged."""
    with transaction.atomic():
        topic = _lock(topic)
        _require_moderator(actor, topic)
        if topic.is_pinned == pinned:
            return topic
        topic.is_pinned = pinned
        topic.save(update_fields=["is_pinned"])
        _record_moderation(
            actor=actor, topic=topic, action=ModerationAction.Action.PIN if pinned else ModerationAction.Action.UNPIN,
            reason=reason,
        )  # fmt: skip
    return topic


def topic_lock_set(*, actor: User, topic: Topic, locked: bool, reason: str = "") -> Topic:
    """Lock a topic (no more replies from members) or unlock it; logged and recorded."""
    with transaction.atomic():
        topic = _lock(topic)
        _require_moderator(actor, topic)
        if topic.is_locked == locked:
            return topic
        topic.is_locked = locked
        topic.save(update_fields=["is_locked"])
        _record_moderation(
            actor=actor, topic=topic,
            action=ModerationAction.Action.LOCK if locked else ModerationAction.Action.UNLOCK, reason=reason,
        )  # fmt: skip
    return topic


def topic_slow_mode_set(*, actor: User, topic: Topic, minutes: int, reason: str = "") -> Topic:
    """Let members post at most once every ``minutes`` in this topic (0 switches slow mode off)."""
    if not 0 <= int(minutes) <= 24 * 60:
        raise ValidationError({"minutes": "Choose between 0 (off) and 1440 minutes (a day)."})
    with transaction.atomic():
        topic = _lock(topic)
        _require_moderator(actor, topic)
        if topic.slow_mode_minutes == minutes:
            return topic
        previous = topic.slow_mode_minutes
        topic.slow_mode_minutes = minutes
        topic.save(update_fields=["slow_mode_minutes"])
        _record_moderation(
            actor=actor, topic=topic, action=ModerationAction.Action.SLOW_MODE, reason=reason,
            data={"from": previous, "to": minutes},
        )  # fmt: skip
    return topic


def topic_move(*, actor: User, topic: Topic, board: Board, reason: str = "") -> Topic:
    """Move a topic to another board; the mover must moderate both boards."""
    if not permissions.can_moderate_board(actor, board):
        raise PermissionDenied("You can move topics only to boards you moderate.")
    with transaction.atomic():
        topic = _lock(topic)
        _require_moderator(actor, topic)
        if topic.board_id == board.pk:
            return topic
        source = topic.board
        topic.board = board
        topic.save(update_fields=["board"])
        _record_moderation(
            actor=actor, topic=topic, action=ModerationAction.Action.MOVE, reason=reason,
            data={"from": source.pk, "to": board.pk, "from_title": source.title, "to_title": board.title},
        )  # fmt: skip
    return topic


def topic_accept_answer(*, actor: User, topic: Topic, post: Post | None) -> Topic:
    """Mark ``post`` as the accepted answer of a question (None clears it).

    Guarantees: only the asker or a moderator; only a visible reply of this topic; the answer's author
    is notified after commit; recorded as answer_accepted (a moderator accepting is also logged).
    """
    with transaction.atomic():
        topic = _lock(topic)
        moderator = permissions.can_moderate_board(actor, topic.board)
        if not permissions.can_accept_answer(actor, topic, moderator=moderator):
            raise PermissionDenied("Only the person who asked (or a facilitator) can accept an answer.")
        if post is not None:
            post = Post.objects.filter(pk=post.pk).first()
        if post is not None and (post.topic_id != topic.pk or post.number == 1 or post.is_removed):
            raise ValidationError("Only a visible reply in this topic can be the accepted answer.")
        new_id = post.pk if post else None
        if topic.accepted_post_id == new_id:
            return topic
        topic.accepted_post = post
        topic.save(update_fields=["accepted_post"])
        if post is not None:
            metrics.record(
                actor=actor,
                verb=Verb.ANSWER_ACCEPTED,
                target=post,
                context=topic,
                cohort=topic_cohort(topic),
            )
            if topic.author_id != actor.pk:
                moderation_log(
                    actor=actor,
                    action=ModerationAction.Action.ACCEPT,
                    target=post,
                    cohort=topic.board.cohort,
                    summary=f"Answer #{post.number} in “{topic.title}”",
                    url=post.get_absolute_url(),
                )
            post_id = post.pk
            enqueue_on_commit("forums.tasks.answer_accepted_notify", post_id, actor.pk)
    return topic
