"""Profile activity: a person's recent topics, replies and blog entries, as the viewer may see them.

The portal never imports a feature app, so forums and blogs register a *section* here from their
``AppConfig.ready``. A section takes the viewer and the person and returns at most ``limit`` items the
viewer may read, newest first, in a fixed number of queries (one per section).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

PROFILE_ACTIVITY_LIMIT = 5


@dataclass(frozen=True)
class ActivityItem:
    title: str
    url: str
    when: datetime | None  # whole seconds: <time datetime> values without microseconds
    where: str = ""  # the board or blog it is in


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    empty: str  # what to say when there is nothing the viewer may see
    items: Callable[..., list[ActivityItem]]  # items(viewer, person, *, limit)
    order: int = 50


@dataclass(frozen=True)
class SectionResult:
    key: str
    label: str
    empty: str
    items: list[ActivityItem]


_SECTIONS: dict[str, Section] = {}


def register_profile_section(
    key: str, label: str, items: Callable[..., list[ActivityItem]], *, empty: str, order: int = 50
) -> None:
    _SECTIONS[key] = Section(key=key, label=label, empty=empty, items=items, order=order)


def profile_activity(viewer, person, *, limit: int = PROFILE_ACTIVITY_LIMIT) -> list[SectionResult]:
    """Every registered section for ``person`` as ``viewer`` may see it (one query per section)."""
    sections = sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
    return [
        SectionResult(key=s.key, label=s.label, empty=s.empty, items=list(s.items(viewer, person, limit=limit)))
        for s in sections
    ]
