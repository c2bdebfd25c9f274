"""A person's saved items, unfinished drafts and mutes, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.urls import reverse

from portal.prepared import prepared

from ..models import Bookmark, Draft, Mute, Topic
from ..personal import DraftItem, draft_sources, saveables
from ..text import readable_text

EXCERPT_CHARS = 200


def excerpt(markup: str) -> str:
    text = " ".join(readable_text(markup).split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


@dataclass
class SavedItem:
    key: str
    pk: int
    label: str
    title: str
    url: str
    excerpt: str
    author: str
    saved_at: datetime


def saved_items(user) -> list[SavedItem]:
    """Everything ``user`` saved that they can still see, newest first.

    One query for the bookmarks plus one per registered kind (never one per item); items that were
    removed or became invisible (e.g. after leaving a cohort) are left out, not shown as broken links.
    """
    bookmarks = list(Bookmark.objects.filter(user=user).values_list("content_type_id", "object_id", "created_at"))
    items: list[SavedItem] = []
    for kind in saveables():
        type_id = ContentType.objects.get_for_model(kind.model).pk  # cached by Django after the first call
        wanted = {oid: at for tid, oid, at in bookmarks if tid == type_id}
        if not wanted:
            continue
        for obj in kind.queryset(kind.model._default_manager.filter(pk__in=wanted)):
            if not kind.visible(user, obj):
                continue
            title, url, text, author = kind.describe(obj)
            items.append(
                SavedItem(
                    key=kind.key,
                    pk=obj.pk,
                    label=kind.label,
                    title=title,
                    url=url,
                    excerpt=text,
                    author=author,
                    saved_at=wanted[obj.pk],
                )
            )
    items.sort(key=lambda item: item.saved_at, reverse=True)
    return items


def saved_ids(user, model) -> set[int]:
    """Ids of ``model`` rows the person saved (for "Saved" toggles on a page: one query)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    type_id = ContentType.objects.get_for_model(model).pk
    return set(Bookmark.objects.filter(user=user, content_type_id=type_id).values_list("object_id", flat=True))


@dataclass
class Mutes:
    topics: set[int]
    people: set[int]


def _mutes_of(user_id) -> QuerySet:
    return Mute.objects.filter(user=user_id).values_list("topic_id", "person_id")


def user_mutes(user) -> Mutes:
    """The topics and people ``user`` muted, in one query (its SQL compiled once per thread)."""
    if not getattr(user, "is_authenticated", False):
        return Mutes(set(), set())
    topics, people = set(), set()
    for topic_id, person_id in prepared("forums:user-mutes", _mutes_of, user.pk):
        if topic_id:
            topics.add(topic_id)
        if person_id:
            people.add(person_id)
    return Mutes(topics, people)


def forum_drafts(user) -> list[DraftItem]:
    """Unsent topics and replies (one query)."""
    items = []
    for draft in Draft.objects.filter(user=user).select_related("board", "topic").order_by("-updated_at"):
        text = excerpt(draft.body)
        if not (text or draft.title):
            continue
        if draft.topic_id:
            items.append(
                DraftItem(
                    kind="Reply",
                    title=f"Reply to “{cast(Topic, draft.topic).title}”",
                    where=draft.board.title,
                    url=reverse("forums:topic-detail", args=[draft.topic_id]) + "#reply-heading",
                    excerpt=text,
                    updated_at=draft.updated_at,
                )
            )
        else:
            items.append(
                DraftItem(
                    kind="New topic",
                    title=draft.title or "Untitled topic",
                    where=draft.board.title,
                    url=reverse("forums:topic-create", args=[draft.board.slug]),
                    excerpt=text,
                    updated_at=draft.updated_at,
                )
            )
    return items


def my_drafts(user) -> list[DraftItem]:
    """Every unfinished topic, reply and entry of ``user`` (all registered sources), newest first."""
    items: list[DraftItem] = []
    for source in draft_sources():
        items.extend(source(user))
    items.sort(key=lambda item: item.updated_at, reverse=True)
    return items


@dataclass
class TopicReaderState:
    poll_id: int | None
    saved_post_ids: set[int]
    mutes: Mutes
    flagged_post_ids: set[int]  # posts with an open flag of the reader's (anywhere: a person has few)


def topic_reader_state(user, topic) -> TopicReaderState:
    """What the topic page needs about the reader's own choices, in ONE query (a UNION): which posts they
    saved or flagged (open flags), which topics and people they muted, and whether the topic has a poll
    (loaded only if so)."""
    from django.db.models import CharField, F, Value

    from ..models import Flag, Poll, Post

    def tagged(qs, tag: str, column: str):
        return qs.order_by().annotate(k=Value(tag, output_field=CharField()), i=F(column)).values_list("k", "i")

    def union(topic_id, user_id, post_type):
        return tagged(Poll.objects.filter(topic_id=topic_id), "q", "pk").union(
            tagged(Bookmark.objects.filter(user_id=user_id, content_type_id=post_type), "s", "object_id"),
            tagged(Mute.objects.filter(user_id=user_id, topic__isnull=False), "t", "topic_id"),
            tagged(Mute.objects.filter(user_id=user_id, person__isnull=False), "p", "person_id"),
            tagged(
                Flag.objects.filter(flagger_id=user_id, content_type_id=post_type, status=Flag.Status.OPEN),
                "f",
                "object_id",
            ),
            all=True,
        )

    if not getattr(user, "is_authenticated", False):
        rows = list(tagged(Poll.objects.filter(topic=topic), "q", "pk"))
    else:  # issue 13: compiled once per thread (portal.prepared)
        post_type = ContentType.objects.get_for_model(Post).pk
        rows = prepared("forums:reader-state", union, topic.pk, user.pk, post_type)
    state = TopicReaderState(poll_id=None, saved_post_ids=set(), mutes=Mutes(set(), set()), flagged_post_ids=set())
    for kind, pk in rows:
        if kind == "q":
            state.poll_id = pk
        elif kind == "s":
            state.saved_post_ids.add(pk)
        elif kind == "t":
            state.mutes.topics.add(pk)
        elif kind == "f":
            state.flagged_post_ids.add(pk)
        else:
            state.mutes.people.add(pk)
    return state
