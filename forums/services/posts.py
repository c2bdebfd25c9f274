"""Replies and what happens to posts afterwards: edits with revisions, soft delete, restore, hide."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

import metrics
from metrics.verbs import Verb
from portal.content import pipeline
from portal.jobs import enqueue_on_commit
from portal.mentions import mentioned_ids
from portal.people.models import User

from .. import permissions
from ..models import Attachment, ModerationAction, Post, PostRevision, Topic
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


def _lock_topic(topic_id: int) -> Topic:
    # of=("self",): lock the topic row only, not its board and cohort (that would serialise a whole board).
    return Topic.objects.select_for_update(of=("self",)).select_related("board__cohort").get(pk=topic_id)


def _lock_post(post: Post) -> tuple[Topic, Post]:
    """Lock a post's topic, then the post, and re-read both: rules are checked against fresh rows."""
    topic = _lock_topic(post.topic_id)
    post = Post.objects.select_for_update().get(pk=post.pk)
    post.topic = topic
    return topic, post


def topic_recount(topic: Topic) -> None:
    """Recompute a topic's visible counters from its posts (call with the topic row locked)."""
    visible = topic.posts.filter(deleted_at__isnull=True, hidden_at__isnull=True)
    last = visible.order_by("-number").select_related(None).only("pk", "number", "created_at", "author_id").first()
    topic.reply_count = visible.filter(number__gt=1).count()
    topic.is_visible = visible.filter(number=1).exists()
    if last is not None:
        topic.last_post_id = last.pk
        topic.last_post_number = last.number
        topic.last_post_at = last.created_at
        topic.last_poster_id = last.author_id
    else:
        topic.last_post_number = 0
        topic.last_post_at = topic.created_at
    topic.save(
        update_fields=["reply_count", "is_visible", "last_post", "last_post_number", "last_post_at", "last_poster"]
    )


def post_reply(
    *,
    actor: User,
    topic: Topic,
    body: str,
    reply_to: Post | None = None,
    client_key: str = "",
    post_anyway: bool = False,
) -> Post:
    """Add a reply to a topic: the single entry point for replies.

    Guarantees: the writer may post on the board and see the topic (PermissionDenied otherwise); a
    locked topic, slow mode and empty or over-long text are refused with a ValidationError that names
    the problem (moderators are exempt from lock and slow mode); a repeated ``client_key`` or the same
    text again within FORUM_DUPLICATE_WINDOW_SECONDS raises DuplicateSubmission with the first reply.
    Post numbers and counters are updated under the topic's row lock, so concurrent replies both land
    with distinct numbers and a right count. The first reply by someone other than the author records
    topic_first_response with the seconds it took. Notifications follow after commit.
    """
    prepared = prepare_body(body, author=actor)
    # The policy gate and the coach (the content pipeline) run before the write, so a refusal is still recorded.
    pipeline.publish_check(actor=actor, html=prepared.html, kind="reply", post_anyway=post_anyway, board=topic.board)
    client_key = (client_key or "")[:64]
    with duplicate_guard(model=Post, actor=actor, client_key=client_key), transaction.atomic():
        topic = _lock_topic(topic.pk)
        moderator = _check_may_reply(actor=actor, topic=topic)
        now = timezone.now()
        duplicate_check(model=Post, actor=actor, client_key=client_key, now=now, topic=topic, body=prepared.html)
        if topic.slow_mode_minutes and not moderator:
            _check_slow_mode(actor=actor, topic=topic, now=now)
        if reply_to is not None and (reply_to.topic_id != topic.pk or reply_to.number == 1):
            reply_to = None  # replying to the opening post is replying to the topic
        post = _reply_write(
            actor=actor, topic=topic, prepared=prepared, reply_to=reply_to, client_key=client_key, now=now
        )
        metrics.record(
            actor=actor,
            verb=Verb.POST_CREATED,
            target=post,
            context=topic,
            cohort=activity_cohort(topic.board, actor),
        )
        _record_first_response(actor=actor, topic=topic, post=post)
        enqueue_on_commit("forums.tasks.post_created_notify", post.pk)
    return post


def _check_may_reply(*, actor: User, topic: Topic) -> bool:
    """Refuse a reply the writer may not make here; returns whether they moderate the board."""
    board = topic.board
    moderator = permissions.can_moderate_board(actor, board)
    if not permissions.can_post_in_board(actor, board) or not permissions.can_view_topic(actor, topic):
        raise PermissionDenied("You cannot reply here.")
    if not moderator and not topic.is_visible:
        raise ValidationError("This topic was removed, so it takes no more replies.", code="removed")
    if not moderator and topic.is_locked:
        raise ValidationError(
            "A facilitator locked this topic, so it takes no more replies. Your text is kept below.",
            code="locked",
        )
    return moderator


def _reply_write(
    *, actor: User, topic: Topic, prepared: PreparedBody, reply_to: Post | None, client_key: str, now
) -> Post:
    """The reply's rows: post, first revision, attachments, topic counters, the writer's watch/read/draft."""
    number = topic.highest_number + 1
    post = Post.objects.create(
        topic=topic,
        number=number,
        author=actor,
        body=prepared.html,
        search_text=prepared.text,
        reply_to=reply_to,
        created_at=now,
        client_key=client_key,
    )
    PostRevision.objects.create(post=post, number=1, body=prepared.html, editor=actor, created_at=now)
    Attachment.objects.filter(pk__in=prepared.attachment_ids, uploader=actor, post__isnull=True).update(post=post)
    Topic.objects.filter(pk=topic.pk).update(
        highest_number=number,
        last_post_number=number,
        reply_count=topic.reply_count + 1,
        last_post=post,
        last_post_at=now,
        last_poster=actor,
    )
    watch_auto(user=actor, topic=topic)
    read_state_mark(user=actor, topic=topic, number=number)
    draft_discard(user=actor, board=topic.board, topic=topic)
    return post


def _check_slow_mode(*, actor: User, topic: Topic, now) -> None:
    last = (
        Post.objects.filter(topic=topic, author=actor, deleted_at__isnull=True)
        .aggregate(last=Max("created_at"))
        .get("last")
    )
    if last is None:
        return
    wait = last + timedelta(minutes=topic.slow_mode_minutes) - now
    if wait.total_seconds() > 0:
        minutes = max(1, round(wait.total_seconds() / 60))
        raise ValidationError(
            f"Slow mode is on in this topic: one post every {topic.slow_mode_minutes} minutes each. "
            f"You can post again in about {minutes} minute{'s' if minutes != 1 else ''}; your text is kept below.",
            code="slow_mode",
        )


def _record_first_response(*, actor: User, topic: Topic, post: Post) -> None:
    if topic.author_id is None or actor.pk == topic.author_id:
        return
    earlier = Post.objects.filter(topic=topic, number__gt=1, number__lt=post.number).filter(
        ~Q(author_id=topic.author_id)
    )
    if earlier.exists():
        return
    seconds = max(0, int((post.created_at - topic.created_at).total_seconds()))
    metrics.record(
        actor=actor,
        verb=Verb.TOPIC_FIRST_RESPONSE,
        target=post,
        context=topic,
        cohort=topic_cohort(topic),
        data={"seconds": seconds},
    )


def post_edit(*, actor: User, post: Post, body: str, title: str | None = None, reason: str = "") -> Post:
    """Change a post's text (and, for an opening post, the topic title), keeping the old one as a revision.

    Guarantees: authors edit their own posts (not in locked topics); moderators edit anyone's, which
    is logged with the editor and reason; an unchanged text writes nothing; people newly mentioned by
    the edit are notified, nobody twice.
    """
    prepared = prepare_body(body, author=actor)
    title = clean_title(title) if post.number == 1 and title is not None else None
    with transaction.atomic():
        topic, post = _lock_post(post)
        moderator = permissions.can_moderate_board(actor, topic.board)
        if not permissions.can_edit_post(actor, post, moderator=moderator):
            raise PermissionDenied("You cannot edit this post.")
        body_changed = prepared.html != post.body
        title_changed = title is not None and title != topic.title
        if not body_changed and not title_changed:
            return post
        previous_mentions = mentioned_ids(post.body)
        now = timezone.now()
        last_number = post.revisions.aggregate(n=Max("number"))["n"] or 0
        PostRevision.objects.create(
            post=post,
            number=last_number + 1,
            title=title if title is not None else (topic.title if post.number == 1 else ""),
            body=prepared.html,
            editor=actor,
            reason=reason[:300],
            created_at=now,
        )
        if title_changed:
            topic.title = cast(str, title)
            topic.save(update_fields=["title"])
        post.body = prepared.html
        post.search_text = f"{topic.title}\n{prepared.text}" if post.number == 1 else prepared.text
        post.edited_at = now
        post.edit_count += 1
        post.save(update_fields=["body", "search_text", "edited_at", "edit_count"])
        Attachment.objects.filter(pk__in=prepared.attachment_ids, uploader=actor, post__isnull=True).update(post=post)
        by_moderator = actor.pk != post.author_id
        metrics.record(
            actor=actor,
            verb=Verb.POST_EDITED,
            target=post,
            context=topic,
            cohort=activity_cohort(topic.board, actor),
            data={"by_moderator": by_moderator},
        )
        if by_moderator:
            _log(actor, ModerationAction.Action.EDIT, post, topic, reason, data={"revision": last_number + 1})
        new_mentions = [uid for uid in prepared.mention_ids if uid not in previous_mentions]
        if new_mentions:
            post_id = post.pk
            enqueue_on_commit("forums.tasks.mentions_notify", post_id, new_mentions, actor.pk)
    return post


def _log(actor: User | None, action: str, post: Post, topic: Topic, reason: str = "", data: dict | None = None) -> None:
    """One audit-log entry about a post (who, what, on which post, why)."""
    moderation_log(
        actor=actor,
        action=action,
        target=post,
        cohort=topic.board.cohort,
        summary=f"Post #{post.number} in “{topic.title}”",
        url=post.get_absolute_url(),
        reason=reason,
        data=data,
    )


def post_delete(*, actor: User, post: Post, reason: str = "") -> Post:
    """Remove a post softly: it leaves lists, counts and search; a placeholder stays; moderators may restore it.

    Removing the opening post removes the topic. An author may not remove an opening post others have
    already answered (their replies would lose their context); a moderator may.
    """
    with transaction.atomic():
        topic, post = _lock_post(post)
        if post.deleted_at is not None:
            return post
        moderator = permissions.can_moderate_board(actor, topic.board)
        if not permissions.can_delete_post(actor, post, moderator=moderator):
            raise PermissionDenied("You cannot remove this post.")
        if post.number == 1 and not moderator and topic.posts.filter(number__gt=1).exclude(author=actor).exists():
            raise ValidationError(
                "Others have replied to this topic, so it stays. Edit your post instead, "
                "or ask a facilitator to remove the topic."
            )
        post.deleted_at = timezone.now()
        post.deleted_by = actor
        post.save(update_fields=["deleted_at", "deleted_by"])
        topic_recount(topic)
        metrics.record(
            actor=actor,
            verb=Verb.POST_DELETED,
            target=post,
            context=topic,
            cohort=activity_cohort(topic.board, actor),
            data={"by_moderator": actor.pk != post.author_id, "opening": post.number == 1},
        )
        if actor.pk != post.author_id:
            _log(actor, ModerationAction.Action.DELETE, post, topic, reason)
    return post


def post_restore(*, actor: User, post: Post, reason: str = "") -> Post:
    """Bring back a removed post (moderators only); counters are recomputed."""
    with transaction.atomic():
        topic, post = _lock_post(post)
        if post.deleted_at is None:
            return post
        if not permissions.can_restore_post(actor, post):
            raise PermissionDenied("Only this board's facilitators and admins may restore posts.")
        post.deleted_at = None
        post.deleted_by = None
        post.save(update_fields=["deleted_at", "deleted_by"])
        topic_recount(topic)
        metrics.record(actor=actor, verb=Verb.POST_RESTORED, target=post, context=topic, cohort=topic_cohort(topic))
        _log(actor, ModerationAction.Action.RESTORE, post, topic, reason)
    return post


def post_hide(*, actor: User | None, post: Post, reason: str = "", action: str = "") -> Post:
    """Hide a post from everyone but moderators and its author (who sees why). ``actor=None``: the system.

    Guarantees: only moderators of the board hide (the system hides after enough flags); the topic's
    counters are recomputed; the audit log records who and why; a moderator's hiding is recorded as
    activity (the system's is not: the flags that caused it were).
    """
    if not action:
        action = ModerationAction.Action.HIDE if actor is not None else ModerationAction.Action.AUTO_HIDE
    with transaction.atomic():
        topic, post = _lock_post(post)
        if actor is not None and not permissions.can_moderate_board(actor, topic.board):
            raise PermissionDenied("Only this board's facilitators and admins may hide posts.")
        if post.hidden_at is not None and (actor is None or post.hidden_by_id is not None):
            return post
        # Not hidden yet, or hidden automatically and now confirmed by a moderator (who then owns it).
        post.hidden_at = post.hidden_at or timezone.now()
        post.hidden_by = actor
        post.hidden_reason = (reason or "")[:500]
        post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        topic_recount(topic)
        _log(actor, action, post, topic, reason)
        if actor is not None:
            metrics.record(
                actor=actor,
                verb=Verb.MODERATED,
                target=post,
                context=topic,
                cohort=topic_cohort(topic),
                data={"action": "hide"},
            )
    return post


def post_unhide(*, actor: User, post: Post, reason: str = "") -> Post:
    """Show a hidden post again (moderators only)."""
    with transaction.atomic():
        topic, post = _lock_post(post)
        if not permissions.can_moderate_board(actor, topic.board):
            raise PermissionDenied("Only this board's facilitators and admins may unhide posts.")
        if post.hidden_at is None:
            return post
        post.hidden_at = None
        post.hidden_by = None
        post.hidden_reason = ""
        post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        topic_recount(topic)
        _log(actor, ModerationAction.Action.UNHIDE, post, topic, reason)
        metrics.record(
            actor=actor,
            verb=Verb.MODERATED,
            target=post,
            context=topic,
            cohort=topic_cohort(topic),
            data={"action": "unhide"},
        )
    return post
