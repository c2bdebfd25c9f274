"""The one place lms reads the activity log (metrics' Activity rows, read-only).

Everything else in lms.xapi works on ``LoggedActivity`` records, so re-pointing this read at metrics'
public read API (``metrics.api.activities``) is a change to this module only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class LoggedActivity:
    """One activity as the statement builder sees it: immutable facts recorded at the moment of the act."""

    id: int
    verb: str
    actor_id: int
    actor_email: str
    created_at: datetime
    target_id: int | None = None
    context_id: int | None = None
    cohort_id: int | None = None
    data: dict = field(default_factory=dict)


_FIELDS = ("id", "verb", "actor_id", "actor__email", "created_at", "target_id", "context_id", "cohort_id", "data")


def read_activities(*, after_id: int = 0, limit: int = 0, ids: Iterable[int] = ()) -> list[LoggedActivity]:
    """Activities in id order: the next ``limit`` after ``after_id``, or exactly those in ``ids``.

    Guarantees: one query; every verb is returned (the caller decides what becomes a statement), so
    missing ids between the rows returned are real gaps (not yet committed, or rolled back).
    """
    from metrics.api import activities

    qs = activities().order_by("id")
    wanted = list(ids)
    qs = qs.filter(id__in=wanted) if wanted else qs.filter(id__gt=after_id)[:limit]
    return [
        LoggedActivity(
            id=row["id"],
            verb=row["verb"],
            actor_id=row["actor_id"],
            actor_email=row["actor__email"] or "",
            created_at=row["created_at"],
            target_id=row["target_id"],
            context_id=row["context_id"],
            cohort_id=row["cohort_id"],
            data=row["data"] or {},
        )
        for row in qs.values(*_FIELDS)
    ]


def count_activities_after(*, after_id: int, verbs: Iterable[str]) -> int:
    """How many activities of these verbs lie beyond the cursor (the backlog on the admin page)."""
    from metrics.api import activities

    return activities(verbs=verbs).filter(id__gt=after_id).count()


def last_activity_id() -> int:
    from metrics.api import activities

    return activities().order_by("-id").values_list("id", flat=True).first() or 0
