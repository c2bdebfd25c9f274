"""What the entry page shows: the entry, its author's follow box and the comment section."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db.models import Value
from django.template.backends.utils import csrf_input
from django.template.defaultfilters import date as date_filter
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import get_language

from portal.links import url_maker
from portal.people.models import Profile
from portal.prepared import prepared

from .. import permissions
from ..forms import CommentForm
from ..models import Comment, Entry
from ..selectors import entries as selectors
from ._composer import comment_composer


def mention_url(entry) -> str:
    return f"{reverse('blogs:mention-autocomplete')}?entry={entry.pk}"


def comments_page(request) -> int:
    try:
        return max(1, int(request.GET.get("comments", 1)))
    except ValueError:
        return 1


_COMMENT_URLS = {
    "author": ("blogs:author",),
    "edit": ("blogs:comment-edit",),
    "history": ("blogs:comment-history",),
    "flag": ("forums:flag-create", "comment"),
    "delete": ("blogs:comment-delete",),
}


@lru_cache(maxsize=8)
def _url_makers(script_prefix: str, urlconf: str | None) -> dict:
    """The comment links' makers, reversed once per process (per script prefix and URLconf they depend on);
    issue 13: five ``{% url %}`` tags per comment were a large share of the page's CPU."""
    return {key: url_maker(*spec) for key, spec in _COMMENT_URLS.items()}


@lru_cache(maxsize=4096)
def _when(moment, language: str | None, zone: str) -> tuple[str, str, str]:
    """A comment's moment as the page shows it (the ``iso`` filter, the title's and the text's ``date``), in the
    active time zone and language, both part of the key; the same moments come back on every request."""
    local = timezone.localtime(moment)
    return local.isoformat(timespec="seconds"), date_filter(local, "j F Y, H:i"), date_filter(local, "j M Y, H:i")


def _avatar_url(name: str | None) -> str:
    """What ``profile.avatar_thumb.url`` gives, from the stored file name (no Profile built)."""
    return Profile._meta.get_field("avatar_thumb").storage.url(name) if name else ""


def _initials(name: str) -> str:
    """Profile.initials (the model's own rule) from the display name or e-mail address already loaded."""
    parts = [p for p in name.replace("@", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper()


def comment_row(
    c: Any, *, me: int | None, entry_author_id: int, can_moderate: bool, can_comment: bool, urls: dict
) -> dict:
    """Everything comment.html shows of one comment, worked out once: strings, links and the reader's booleans."""
    has_profile = c.author_profile_user is not None
    name = (c.author_profile_display_name if has_profile else "") or c.author_email
    visible = c.deleted_at is None and c.hidden_at is None
    iso, title, shown = _when(c.created_at, get_language(), timezone.get_current_timezone_name())
    pk = c.pk
    return {
        "pk": pk,
        "visible": visible,
        "author": name,
        "author_url": urls["author"](c.author_id),
        "is_entry_author": c.author_id == entry_author_id,
        "avatar": _avatar_url(c.author_profile_avatar_thumb) if has_profile else "",
        "initials": (_initials(c.author_profile_display_name or c.author_email) if has_profile else ""),
        "iso": iso,
        "title": title,
        "when": shown,
        "body": c.body,
        "reply": c.parent_id is None and can_comment,
        "edit_url": urls["edit"](pk) if c.author_id == me and visible else "",
        "history_url": urls["history"](pk) if c.edit_count else "",
        "flag_url": urls["flag"](pk) if c.author_id != me and visible else "",
        "delete_url": urls["delete"](pk) if c.deleted_at is None and (c.author_id == me or can_moderate) else "",
        "delete_label": "Delete" if c.author_id == me else "Hide",
        "removed": "This comment was deleted by its writer."
        if c.deleted_at
        else "This comment was hidden by a facilitator.",
        "has_replies": False,
        "replies": (),
    }


def comment_rows(threads: list, *, user, entry, can_moderate: bool, can_comment: bool) -> list[dict]:
    """The page's threads as rows for comment_page.html: a thread is shown while visible or while it has replies
    (as a placeholder); its ``replies`` are the visible ones, ``has_replies`` says whether it has any at all."""
    urls = _url_makers(get_script_prefix(), get_urlconf())
    decorate = {
        "me": user.pk,
        "entry_author_id": entry.author_id,
        "can_moderate": can_moderate,
        "can_comment": can_comment,
        "urls": urls,
    }
    rows = []
    for thread in threads:
        if not (thread.is_visible or thread.replies):
            continue
        row = comment_row(thread, **decorate)
        row["has_replies"] = bool(thread.replies)
        row["replies"] = [comment_row(r, **decorate) for r in thread.replies if r.is_visible]
        rows.append(row)
    return rows


class _CsrfInput:
    """``{% csrf_token %}``'s hidden input, made when first shown (as the tag would: a page whose comments have no
    delete form asks for no token) and then reused for every comment's form."""

    def __init__(self, request):
        self.request, self.html = request, None

    def __str__(self):
        if self.html is None:
            self.html = csrf_input(self.request)
        return self.html


def comments_context(request, entry, form: CommentForm | None, reply_to: Comment | None = None) -> dict:
    """One page of comment threads as rows with the per-comment links and booleans the template needs (issue 13:
    plain values, links reversed once, dates formatted once per moment), without extra queries."""
    user = request.user
    page = comments_page(request)
    threads, more = selectors.entry_comment_page(entry.pk, page=page)
    can_comment = permissions.can_comment(user, entry)
    can_moderate = permissions.can_moderate_entry(user, entry)
    return {
        "comments": comment_rows(threads, user=user, entry=entry, can_moderate=can_moderate, can_comment=can_comment),
        "comment_form": form,
        "reply_to": reply_to,
        "composer": comment_composer(request, entry, form=form, reply_to=reply_to, mention_url=mention_url(entry))
        if can_comment and form is not None
        else None,
        "can_comment": can_comment,
        # visible comments on every page (entry_for_page annotates it), not only on this one
        "comment_total": getattr(entry, "comment_count", None),
        "comments_page": page,
        "comments_next": page + 1 if more else None,
        "csrf_input": _CsrfInput(request),
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
        "tags": selectors.entry_tags(entry.pk),
        "cover_url": entry.cover.url if entry.cover else "",
        "can_edit": permissions.can_edit_entry(request.user, entry),
        "can_follow": entry.author_id != request.user.pk,
        "mention_url": mention_url(entry),
        **selectors.follow_header(request.user, entry.author_id),
        **_saved_context(request.user, entry),
        **comments_context(request, entry, form, reply_to),
    }


def _saved_row(user_id, entry_id):
    from forums.models import Bookmark

    # Value(): a positive field's lookup would refuse portal.prepared's negative stand-in as out of range
    saves = Bookmark.objects.filter(
        user_id=user_id, content_type__app_label="blogs", content_type__model="entry", object_id=Value(entry_id)
    )
    return saves.values_list("pk")[:1]


def _saved_context(user, entry: Entry) -> dict:
    """Issue 17 (feat): whether the reader saved this entry (one query, compiled once per thread)."""
    saved = entry.is_published and bool(prepared("blogs:entry-saved", _saved_row, user.pk, entry.pk))
    return {"entry_saved": saved}
