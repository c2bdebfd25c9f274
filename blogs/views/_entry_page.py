"""What the entry page shows: the entry, its author's follow box and the comment section."""

from __future__ import annotations

from django.urls import reverse

from .. import permissions
from ..forms import CommentForm
from ..models import Comment, Entry
from ..selectors import entries as selectors


def comments_page(request) -> int:
    try:
        return max(1, int(request.GET.get("comments", 1)))
    except ValueError:
        return 1


def comments_context(request, entry, form: CommentForm | None, reply_to: Comment | None = None) -> dict:
    """One page of comment threads with the per-comment booleans the template needs, without extra queries."""
    user = request.user
    page = comments_page(request)
    comments, more = selectors.entry_comments(entry, page=page)
    can_moderate = permissions.can_moderate_entry(user, entry)
    for comment in comments:
        for c in (comment, *comment.replies.all()):
            c.can_delete = c.deleted_at is None and (c.author_id == user.pk or can_moderate)
            c.can_flag = c.author_id != user.pk and c.is_visible
            c.can_edit = c.author_id == user.pk and c.is_visible  # issue 17 (feat): edit your own comments
    return {
        "comments": comments,
        "comment_form": form,
        "reply_to": reply_to,
        "can_comment": permissions.can_comment(user, entry),
        # visible comments on every page (entry_for_page annotates it), not only on this one
        "comment_total": getattr(entry, "comment_count", None),
        "comments_page": page,
        "comments_next": page + 1 if more else None,
    }


def reply_target(entry, raw) -> Comment | None:
    """The top-level comment a reply answers (a reply to a reply answers its thread), or None."""
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    target = Comment.objects.filter(pk=pk, entry=entry).select_related("author__profile", "parent__author__profile")
    found = target.first()
    return (found.parent or found) if found else None


def entry_page_context(request, entry: Entry, form: CommentForm, reply_to: Comment | None = None) -> dict:
    return {
        "entry": entry,
        "tags": list(entry.tags.all()),
        "cover_url": entry.cover.url if entry.cover else "",
        "can_edit": permissions.can_edit_entry(request.user, entry),
        "can_follow": entry.author_id != request.user.pk,
        "mention_url": f"{reverse('blogs:mention-autocomplete')}?entry={entry.pk}",
        **selectors.follow_header(request.user, entry.author_id),
        **_saved_context(request.user, entry),
        **comments_context(request, entry, form, reply_to),
    }


def _saved_context(user, entry: Entry) -> dict:
    """Issue 17 (feat): whether the reader saved this entry (one query)."""
    from forums.models import Bookmark

    saved = (
        entry.is_published
        and Bookmark.objects.filter(
            user=user, content_type__app_label="blogs", content_type__model="entry", object_id=entry.pk
        ).exists()
    )
    return {"entry_saved": saved}
