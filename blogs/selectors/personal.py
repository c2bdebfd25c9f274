"""Blog parts of a person's own pages (issue 17): entry drafts for "My drafts", a comment's edit history."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString

from forums.personal import DraftItem
from forums.selectors.personal import excerpt
from forums.selectors.posts import diff_html
from forums.text import readable_text

from ..models import Comment, CommentRevision, Entry, EntryAutosave


def entry_drafts(user) -> list[DraftItem]:
    """Unpublished entries (drafts) and the working copy of a never-saved entry: two queries."""
    items = []
    autosaved = {}
    for saved in EntryAutosave.objects.filter(author=user):
        autosaved[saved.entry_id] = saved
    for entry in Entry.objects.filter(author=user, status=Entry.Status.DRAFT).select_related("blog"):
        copy = autosaved.get(entry.pk)
        newer = copy if copy is not None and copy.saved_at > entry.modified_at else None
        items.append(
            DraftItem(
                kind="Blog entry",
                title=(newer.title if newer and newer.title else entry.title) or "Untitled entry",
                where=entry.blog.title,
                url=reverse("blogs:entry-edit", args=[entry.pk]),
                excerpt=excerpt(newer.body if newer else entry.body),
                updated_at=newer.saved_at if newer else entry.modified_at,
            )
        )
    fresh = autosaved.get(None)
    if fresh is not None and (fresh.title or readable_text(fresh.body)):
        items.append(
            DraftItem(
                kind="Blog entry",
                title=fresh.title or "Untitled entry",
                where="Not saved yet",
                url=reverse("blogs:entry-create"),
                excerpt=excerpt(fresh.body),
                updated_at=fresh.saved_at,
            )
        )
    return items


@dataclass
class CommentRevisionView:
    revision: CommentRevision
    diff: SafeString | None


def comment_history(comment: Comment) -> list[CommentRevisionView]:
    """Every version of a comment, newest first, each with its word difference from the one before."""
    views: list[CommentRevisionView] = []
    previous = None
    for revision in CommentRevision.objects.filter(comment=comment).select_related("editor__profile"):
        diff = diff_html(readable_text(previous.body), readable_text(revision.body)) if previous else None
        views.append(CommentRevisionView(revision=revision, diff=diff))
        previous = revision
    return list(reversed(views))
