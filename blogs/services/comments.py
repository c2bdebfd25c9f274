"""Comments on entries: post, reply (one level), delete, and hide by a moderator."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

import metrics
from metrics.verbs import Verb
from onboarding import gate
from portal.models import User
from portal.richtext import plain_text, sanitize

from .. import permissions
from ..models import Comment, Entry
from .entries import entry_cohort

MAX_COMMENT_CHARS = 10_000


def comment_preflight(*, actor: User, entry: Entry, body: str, post_anyway: bool = False) -> None:
    """Checks that must pass before a comment goes out (the onboarding policy gate and coach go here)."""
    if not plain_text(body) and "<img" not in body:
        raise ValidationError({"body": "Write your comment before posting."})
    if len(body) > MAX_COMMENT_CHARS:
        raise ValidationError({"body": "This comment is too long; keep it under about 1,500 words."})
    # The policy gate and the coach: a banned term refuses; a warning needs post_anyway (recorded either way).
    gate.check_publish(actor=actor, html=body, kind="comment", post_anyway=post_anyway)


def comment_create(
    *, actor: User, entry: Entry, body: str, parent: Comment | None = None, post_anyway: bool = False
) -> Comment:
    """Post a comment (or a reply to a top-level comment) on a published entry.

    Guarantees: only people who can read the entry, while comments are on, can comment; the body is
    sanitised; a reply to a reply is attached to the top-level comment (one level of threading);
    COMMENTED is recorded with the entry as context in the same transaction; the author, the person
    replied to and anyone mentioned are told after commit.
    """
    if not permissions.can_view_entry(actor, entry):
        raise PermissionDenied("You cannot see this entry.")
    if not permissions.can_comment(actor, entry):
        raise PermissionDenied("Comments are turned off for this entry.")
    clean = sanitize(body)
    comment_preflight(actor=actor, entry=entry, body=clean, post_anyway=post_anyway)
    if parent is not None:
        if parent.entry_id != entry.pk:
            raise ValidationError("You can reply only to a comment on the same entry.")
        if parent.parent_id is not None:
            parent = parent.parent
    with transaction.atomic():
        comment = Comment.objects.create(entry=entry, author=actor, parent=parent, body=clean)
        metrics.record(actor=actor, verb=Verb.COMMENTED, target=comment, context=entry, cohort=entry_cohort(entry))
        from .. import tasks

        comment_id = comment.pk
        transaction.on_commit(lambda: tasks.comment_notify.delay(comment_id))
    return comment


def comment_delete(*, actor: User, comment: Comment) -> Comment:
    """Remove a comment: by its writer (deleted) or by a moderator (hidden). Replies stay in place."""
    if not permissions.can_delete_comment(actor, comment):
        raise PermissionDenied("You cannot remove this comment.")
    now = timezone.now()
    with transaction.atomic():
        if comment.author_id == actor.pk:
            Comment.objects.filter(pk=comment.pk).update(deleted_at=now)
            comment.deleted_at = now
            verb, data = Verb.COMMENT_DELETED, {}
        else:
            Comment.objects.filter(pk=comment.pk).update(hidden_at=now)
            comment.hidden_at = now
            verb, data = Verb.MODERATED, {"action": "hide_comment"}
        metrics.record(
            actor=actor, verb=verb, target=comment, context=comment.entry, cohort=entry_cohort(comment.entry), data=data
        )
    return comment
