"""The Following page and the personal feed: one stream, newest first, of new entries from followed authors
and tags and new topics in watched boards.

Each source returns at most ``size + 1`` items after the cursor, so the cost of a page does not grow with
the amount of content; the sources are merged in Python and cut to ``size``. The cursor is the sort key of
the last item shown (time, kind, id), so pages never skip or repeat items when new ones arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.dateparse import parse_datetime

from portal.people.models import Follow

from ..models import Entry, TagFollow
from .entries import visible_entries

KINDS = ("entry", "topic")  # the tie-break order of kinds with the same timestamp


@dataclass(frozen=True)
class Cursor:
    when: datetime
    kind: str
    pk: int

    def encode(self) -> str:
        return f"{self.when.isoformat()}~{self.kind}~{self.pk}"

    @classmethod
    def decode(cls, raw: str | None) -> Cursor | None:
        if not raw:
            return None
        try:
            # a "+" of the UTC offset arrives as a space when the link was not encoded
            when_raw, kind, pk = raw.replace(" ", "+").split("~")
            when = parse_datetime(when_raw)
            if when is None or kind not in KINDS:
                return None
            return cls(when, kind, int(pk))
        except (ValueError, TypeError):
            return None


@dataclass
class StreamItem:
    kind: str
    when: datetime
    pk: int
    obj: Any
    reasons: list[str] = field(default_factory=list)

    @property
    def sort_key(self) -> tuple:
        return (self.when, KINDS.index(self.kind), self.pk)


def after_cursor(cursor: Cursor | None, kind: str, when_field: str) -> Q:
    """Items of ``kind`` that sort after (older than) the cursor in (time desc, kind desc, id desc) order."""
    if cursor is None:
        return Q()
    older = Q(**{f"{when_field}__lt": cursor.when})
    mine, theirs = KINDS.index(kind), KINDS.index(cursor.kind)
    if mine < theirs:
        return older | Q(**{when_field: cursor.when})
    if mine == theirs:
        return older | Q(**{when_field: cursor.when, "pk__lt": cursor.pk})
    return older


def followed_entries(user) -> QuerySet[Entry]:
    """Visible published entries by people the user follows or carrying a tag they follow (not their own)."""
    followed_people = Follow.objects.filter(follower=user).values("followee_id")
    followed_tags = TagFollow.objects.filter(user=user).values("tag_id")
    tagged = Entry.tags.through.objects.filter(tag_id__in=followed_tags).values("entry_id")
    return (
        visible_entries(user)
        .filter(Q(author_id__in=followed_people) | Q(pk__in=tagged))
        .exclude(author=user)
        .annotate(via_author=Exists(Follow.objects.filter(follower=user, followee=OuterRef("author_id"))))
    )


def _entry_source(user, cursor: Cursor | None, limit: int) -> list[StreamItem]:
    followed_tag_ids = set(TagFollow.objects.filter(user=user).values_list("tag_id", flat=True))
    qs = followed_entries(user).filter(after_cursor(cursor, "entry", "published_at"))
    items = []
    for entry in qs.order_by("-published_at", "-pk")[:limit]:
        reasons = [f"You follow {entry.author.display_name}"] if cast(Any, entry).via_author else []
        reasons += [f"Tagged {t.name}" for t in entry.tags.all() if t.pk in followed_tag_ids]
        items.append(StreamItem("entry", cast(datetime, entry.published_at), entry.pk, entry, reasons))
    return items


# Other apps' sources: callables (user, cursor, limit) -> list[StreamItem], registered at start-up.
_SOURCES: list[Callable[..., list[StreamItem]]] = [_entry_source]


def register_source(source: Callable[..., list[StreamItem]]) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def following_stream(user, *, cursor: Cursor | None = None, size: int = 20) -> tuple[list[StreamItem], Cursor | None]:
    """One page of the stream and the cursor of the next page (None on the last page)."""
    merged: list[StreamItem] = []
    for source in _SOURCES:
        merged.extend(source(user, cursor, size + 1))
    merged.sort(key=lambda item: item.sort_key, reverse=True)
    page, more = merged[:size], len(merged) > size
    next_cursor = Cursor(page[-1].when, page[-1].kind, page[-1].pk) if more and page else None
    return page, next_cursor


def topic_source(user, cursor: Cursor | None, limit: int) -> list[StreamItem]:
    """New topics in the boards the user watches (and may see), not their own: the forums' part of the stream."""
    from forums import permissions as forum_permissions
    from forums.models import Board, Topic

    boards = forum_permissions.filter_boards_queryset(user, Board.objects.all()).filter(
        watches__user=user, watches__watching=True
    )
    qs = (
        Topic.objects.filter(board__in=boards.values("pk"), is_visible=True)
        .exclude(author=user)
        .filter(after_cursor(cursor, "topic", "created_at"))
        .select_related("board", "author", "author__profile")
        .order_by("-created_at", "-pk")
    )
    return [
        StreamItem("topic", topic.created_at, topic.pk, topic, [f"New in {topic.board.title}, a board you watch"])
        for topic in qs[:limit]
    ]
