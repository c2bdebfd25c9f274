"""Registries for a person's own pages: what can be saved (bookmarked) and where unfinished drafts live.

Forums owns the "Saved" and "My drafts" pages; other apps register their kinds here in
``AppConfig.ready`` (blogs registers entries and entry drafts), so the arrow stays blogs → forums.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import models


@dataclass(frozen=True)
class Saveable:
    key: str  # in URLs: /boards/saved/<key>/<pk>/
    model: type[models.Model]
    label: str  # "Post", "Blog entry"
    visible: Callable[..., bool]  # visible(user, obj) -> bool
    describe: Callable[..., tuple[str, str, str, str]]  # obj -> (title, url, excerpt, author name)
    queryset: Callable[[models.QuerySet], models.QuerySet] = lambda qs: qs


_SAVEABLE: dict[str, Saveable] = {}


def register_saveable(saveable: Saveable) -> None:
    _SAVEABLE[saveable.key] = saveable


def saveable(key: str) -> Saveable | None:
    return _SAVEABLE.get(key)


def saveable_for_model(model: type[models.Model]) -> Saveable | None:
    for item in _SAVEABLE.values():
        if item.model is model or item.model._meta.label_lower == model._meta.label_lower:
            return item
    return None


def saveables() -> list[Saveable]:
    return list(_SAVEABLE.values())


@dataclass
class DraftItem:
    kind: str  # "New topic", "Reply", "Blog entry"
    title: str
    where: str  # the board, topic or blog it belongs to
    url: str  # where to continue writing
    excerpt: str
    updated_at: datetime


DraftSource = Callable[..., list[DraftItem]]  # source(user) -> items; one or two queries, whatever the count
_DRAFT_SOURCES: list[DraftSource] = []


def register_draft_source(source: DraftSource) -> None:
    if source not in _DRAFT_SOURCES:
        _DRAFT_SOURCES.append(source)


def draft_sources() -> list[DraftSource]:
    return list(_DRAFT_SOURCES)
