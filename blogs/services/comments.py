"""Comments on entries: post, reply (one level), delete, and hide / unhide by a moderator.

Comments follow the forum posts' rules: the body is sanitised, text typed without the editor becomes
paragraphs, @mentions are linked by ``portal.mentions`` (and those mentioned are told), no images.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks

import metrics
from metrics.verbs import Verb
from portal.content import pipeline
from portal.jobs import enqueue_on_commit
from portal.mentions import link_mentions
from portal.people.models import User
from portal.richtext import plain_text, sanitize

from .. import permissions
from ..models import Comment, Entry
from ._common import entry_cohort

MAX_COMMENT_CHARS = 5_000  # visible characters
_IMG = re.compile(r"<img\b(?:[^>\"]|\"[^\"]*\")*>")


def comment_body(raw: str) -> str:
    """Sanitised comment HTML with mentions linked; plain text (no editor) becomes paragraphs; no images."""
    raw = raw or ""
    if raw.strip() and not raw.lstrip().startswith("<"):
        raw = linebreaks(escape(raw.strip()))
    clean = _IMG.sub("", sanitize(raw))
    return sanitize(link_mentions(clean).html) if "@" in clean else clean


def comment_preflight(*, actor: User, entry: Entry, body: str, post_anyway: bool = False) -> None:
    """Checks that must pass before a comment goes out (the content pipeline: policy, coach)."""
    text = plain_text(body)
    if not text:
        raise ValidationError({"body": "Write your comment before posting."})
    if len(text) > MAX_COMMENT_CHARS:
        raise ValidationError(
            {"body": f"This comment is {len(text):,} characters long; keep it under {MAX_COMMENT_CHARS:,}."}
        )
    # The policy gate and the coach: a banned term refuses; a warning needs post_anyway (recorded either way).
    pipeline.publish_check(actor=actor, html=body, kind="comment", post_anyway=post_anyway)


def comment_create(
    *, actor: User, entry: Entry, body: str, parent: Comment | None = None, post_anyway: bool = False
) -> Comment:
    """Post a comment (or a reply to a top-level comment) on a published entry.

    Guarantees: only people who can read the entry, while comments are on, can comment; the body is
    sanitised and its @mentions linked; a reply to a reply is attached to the top-level comment (one
    level of threading); COMMENTED is recorded with the entry as context in the same transaction; the
    entry's author, the person replied to and the people mentioned (if they can read the entry) are
    told after commit.
    """
    if not permissions.can_view_entry(actor, entry):
        raise PermissionDenied("You cannot see this entry.")
    if not permissions.can_comment(actor, entry):
        raise PermissionDenied("Comments are turned off for this entry.")
    clean = comment_body(body)
    comment_preflight(actor=actor, entry=entry, body=clean, post_anyway=post_anyway)
    if parent is not None:
        if parent.entry_id != entry.pk:
            raise ValidationError("You can reply only to a comment on the same entry.")
        if parent.parent_id is not None:
            parent = parent.parent
    with transaction.atomic():
        comment = Comment.objects.create(entry=entry, author=actor, parent=parent, body=clean)
        metrics.record(actor=actor, verb=Verb.COMMENTED, target=comment, context=entry, cohort=entry_cohort(entry))
        comment_id = comment.pk
        enqueue_on_commit("blogs.tasks.comment_notify", comment_id)
    return comment


def _moderation_recorded(*, actor: User | None, comment: Comment, action: str, reason: str, what: str) -> None:
    """The audit entry (the boards' moderation log) and, for a person, the MODERATED activity."""
    from forums.services.audit import moderation_log

    cohort = entry_cohort(comment.entry)
    moderation_log(
        actor=actor,
        action=action,
        target=comment,
        cohort=cohort,
        summary=f"Comment on “{comment.entry.title}”",
        url=comment.get_absolute_url(),
        reason=reason,
    )
    if actor is not None:
        metrics.record(
            actor=actor,
            verb=Verb.MODERATED,
            target=comment,
            context=comment.entry,
            cohort=cohort,
            data={"action": what},
        )


def comment_hide(*, actor: User | None, comment: Comment, reason: str = "", action: str = "hide") -> Comment:
    """Hide a comment from readers (a moderator, or the system after flags when ``actor`` is None).

    Guarantees: the hide, its audit entry (``forums`` moderation log, ``action`` as given) and the
    MODERATED activity commit together; hiding a hidden comment changes nothing.
    """
    if actor is not None and not permissions.can_moderate_entry(actor, comment.entry):
        raise PermissionDenied("You do not moderate this entry.")
    reason = (reason or "")[:500]
    with transaction.atomic():
        now = timezone.now()
        changed = Comment.objects.filter(pk=comment.pk, hidden_at__isnull=True).update(
            hidden_at=now, hidden_by=actor, hidden_reason=reason
        )
        if changed:
            comment.hidden_at, comment.hidden_by, comment.hidden_reason = now, actor, reason
            _moderation_recorded(actor=actor, comment=comment, action=action, reason=reason, what="hide_comment")
    return comment


def comment_unhide(*, actor: User, comment: Comment, reason: str = "") -> Comment:
    """Show a hidden comment again (e.g. flags dismissed after review); logged like a hide."""
    from forums.models import ModerationAction

    if not permissions.can_moderate_entry(actor, comment.entry):
        raise PermissionDenied("You do not moderate this entry.")
    with transaction.atomic():
        changed = Comment.objects.filter(pk=comment.pk, hidden_at__isnull=False).update(
            hidden_at=None, hidden_by=None, hidden_reason=""
        )
        if changed:
            comment.hidden_at, comment.hidden_by, comment.hidden_reason = None, None, ""
            _moderation_recorded(
                actor=actor,
                comment=comment,
                action=ModerationAction.Action.UNHIDE,
                reason=reason,
                what="unhide_comment",
            )
    return comment


def comment_delete(*, actor: User, comment: Comment) -> Comment:
    """Remove a comment: its writer deletes it; a moderator hides it. Replies stay in place."""
    if not permissions.can_delete_comment(actor, comment):
        raise PermissionDenied("You cannot remove this comment.")
    if comment.author_id != actor.pk:
        return comment_hide(actor=actor, comment=comment, reason="Removed by a facilitator")
    now = timezone.now()
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(deleted_at=now)
        comment.deleted_at = now
        metrics.record(
            actor=actor,
            verb=Verb.COMMENT_DELETED,
            target=comment,
            context=comment.entry,
            cohort=entry_cohort(comment.entry),
        )
    return comment


def comment_edit(*, actor: User, comment: Comment, body: str, post_anyway: bool = False) -> Comment:
    """Change one's own comment, keeping every earlier text as a revision (as forum posts do).

    Guarantees: only the writer edits, while the comment is visible and the entry readable
    (PermissionDenied otherwise); the new body passes the same sanitiser, length check, policy gate
    and coach as a new comment; the first edit also stores the original as revision 1; an unchanged
    text writes nothing; the comment row is locked, so two concurrent edits get consecutive revision
    numbers.
    """
    from django.db.models import Max

    from ..models import CommentRevision

    if not permissions.can_edit_comment(actor, comment):
        raise PermissionDenied("You can edit only your own comments.")
    clean = comment_body(body)
    comment_preflight(actor=actor, entry=comment.entry, body=clean, post_anyway=post_anyway)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if clean == locked.body:
            return comment
        now = timezone.now()
        last = CommentRevision.objects.filter(comment=locked).aggregate(n=Max("number"))["n"] or 0
        if last == 0:
            CommentRevision.objects.create(
                comment=locked, number=1, body=locked.body, editor=locked.author, created_at=locked.created_at
            )
            last = 1
        CommentRevision.objects.create(comment=locked, number=last + 1, body=clean, editor=actor, created_at=now)
        Comment.objects.filter(pk=comment.pk).update(body=clean, edited_at=now, edit_count=locked.edit_count + 1)
        comment.body, comment.edited_at, comment.edit_count = clean, now, locked.edit_count + 1
    return comment
