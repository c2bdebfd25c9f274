"""Metrics' public read API and record hooks: what other apps may use besides ``metrics.record`` and ``Verb``.

Other apps never import ``metrics.models``; they read the activity log through these selectors
(counts by person, verb and period; subqueries of actors and targets) and react to new activity by
registering a hook here, never by a signal on the Activity model.

Guarantees: every selector filters on the columns the activity log promises to keep (actor, verb,
target, context, cohort, created_at); querysets returned are read-only views of the log (callers may
filter, aggregate or use them as subqueries, never save through them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import TruncDate, TruncWeek

from .verbs import Verb


@dataclass(frozen=True)
class RecordedActivity:
    """What a record hook learns about a new activity (ids only; the row itself stays private to metrics)."""

    id: int
    actor_id: int
    verb: str
    target_type_id: int | None
    target_id: int | None
    context_type_id: int | None
    context_id: int | None
    cohort_id: int | None
    created_at: datetime


RecordHook = Callable[[RecordedActivity], None]
_hooks: dict[str, RecordHook] = {}


def register_record_hook(name: str, hook: RecordHook) -> None:
    """Call ``hook(activity)`` after every ``metrics.record``, inside the writer's transaction.

    Apps register in ``AppConfig.ready``; a hook that must do work after the commit registers it with
    the job hand-off itself, so a rolled-back write triggers nothing. Registering a name again replaces it.
    """
    _hooks[name] = hook


def unregister_record_hook(name: str) -> None:
    _hooks.pop(name, None)


def run_record_hooks(activity: RecordedActivity) -> None:
    for hook in list(_hooks.values()):
        hook(activity)


# ----------------------------------------------------------------------------- selectors
def _activities() -> QuerySet:
    from .models import Activity

    return Activity.objects.all()


def activities(
    *,
    actor: Any = None,
    actor_ids: Iterable[int] | QuerySet | None = None,
    verbs: Iterable[str] | None = None,
    target_type: Any = None,
    context_type: Any = None,
    cohort_ids: Iterable[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet:
    """The activity log filtered by person, verb, target/context type, cohort and period [since, until)."""
    qs = _activities()
    if actor is not None:
        qs = qs.filter(actor=actor)
    if actor_ids is not None:
        qs = qs.filter(actor_id__in=actor_ids)
    if verbs is not None:
        qs = qs.filter(verb__in=[str(v) for v in verbs])
    if target_type is not None:
        qs = qs.filter(target_type=target_type)
    if context_type is not None:
        qs = qs.filter(context_type=context_type)
    if cohort_ids is not None:
        qs = qs.filter(cohort_id__in=cohort_ids)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    return qs


def activities_matching(condition: Q) -> QuerySet:
    """The log filtered by a ``Q`` over its public columns (for "this verb OR that verb by these people")."""
    return _activities().filter(condition)


def verb_counts(*, actor: Any, verbs: Iterable[str]) -> dict[str, int]:
    """How many times one person did each of ``verbs`` (verbs never done are absent). One query."""
    rows = activities(actor=actor, verbs=verbs).values("verb").annotate(n=Count("id")).order_by()
    return {row["verb"]: row["n"] for row in rows}


def has_done(*, actor: Any, verbs: Iterable[str]) -> bool:
    """Whether this person ever did any of ``verbs``. One query."""
    return activities(actor=actor, verbs=verbs).exists()


def counts_by_person(
    *,
    actor_ids: Iterable[int],
    verbs: Iterable[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[int, int]:
    """Activities per person (only people with at least one appear). One query."""
    rows = (
        activities(actor_ids=list(actor_ids), verbs=verbs, since=since, until=until)
        .values("actor_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["actor_id"]: row["n"] for row in rows}


def last_activity_by_person(*, actor_ids: Iterable[int]) -> dict[int, datetime]:
    """When each person last did anything the log records. One query."""
    rows = activities(actor_ids=list(actor_ids)).values("actor_id").annotate(last=Max("created_at")).order_by()
    return {row["actor_id"]: row["last"] for row in rows}


def counts_by_period(
    *,
    verbs: Iterable[str],
    period: Literal["day", "week"] = "day",
    actor: Any = None,
    cohort_ids: Iterable[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[tuple[date, int]]:
    """Activities per day or week (in the site's time zone), oldest first. One query."""
    trunc = TruncDate("created_at") if period == "day" else TruncWeek("created_at")
    rows = (
        activities(actor=actor, verbs=verbs, cohort_ids=cohort_ids, since=since, until=until)
        .annotate(period=trunc)
        .values("period")
        .annotate(n=Count("id"))
        .order_by("period")
    )
    return [(row["period"] if isinstance(row["period"], date) else row["period"].date(), row["n"]) for row in rows]


def actor_ids_who(*, verbs: Iterable[str]) -> QuerySet:
    """A subquery of the ids of everyone who ever did one of ``verbs`` (e.g. published a blog entry)."""
    return activities(verbs=verbs).values("actor_id")


def first_actor_of(*, verbs: Iterable[str], target_type_id: int | None, target_id: int | None) -> int | None:
    """Who first did one of ``verbs`` to this target (e.g. who started the topic a reply belongs to)."""
    return (
        _activities()
        .filter(verb__in=[str(v) for v in verbs], target_type_id=target_type_id, target_id=target_id)
        .order_by("created_at")
        .values_list("actor_id", flat=True)
        .first()
    )


def first_times(qs: QuerySet, key: str) -> QuerySet:
    """Distinct values of ``key`` in an activity queryset with when each first appeared (``first``)."""
    return qs.values(key).annotate(first=Min("created_at"))


__all__ = [
    "RecordHook",
    "RecordedActivity",
    "Verb",
    "activities",
    "activities_matching",
    "actor_ids_who",
    "counts_by_period",
    "counts_by_person",
    "first_actor_of",
    "first_times",
    "has_done",
    "last_activity_by_person",
    "register_record_hook",
    "unregister_record_hook",
    "verb_counts",
]


# ----------------------------------------------------------------------------- influence (who to follow)
# Per-person subqueries the portal's "who to follow" ranks people by; part of the public read API.
from .selectors.influence import recent_contributions as recent_contributions  # noqa: E402
from .selectors.influence import replies_received as replies_received  # noqa: E402
