"""The review queue (open flags, grouped per flagged item, in context) and the audit log."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Min, Q, QuerySet

from .. import permissions
from ..models import Flag, ModerationAction
from ..services.flags import FlagHooks, ReviewItem, hooks_for_content_type, registered_content_type_ids

QUEUE_PAGE_SIZE = 20
AUDIT_PAGE_SIZE = 50


@dataclass
class QueueEntry:
    key: str  # the flaggable's registry key ("post", "comment", ...)
    object_id: int
    label: str  # "forum post"
    review: ReviewItem | None  # None if the content is gone
    flags: list[Flag] = field(default_factory=list)
    reasons: list[tuple[str, int]] = field(default_factory=list)
    can_moderate: bool = False

    @property
    def flagger_count(self) -> int:
        return len({f.flagger_id for f in self.flags})


def _open_flags(user) -> QuerySet[Flag]:
    qs = Flag.objects.filter(status=Flag.Status.OPEN, content_type_id__in=registered_content_type_ids())
    cohort_ids = permissions.review_cohort_ids(user)
    if cohort_ids is not None:
        qs = qs.filter(cohort_id__in=cohort_ids)
    return qs


def review_queue_count(user) -> int:
    """How many flagged items wait for ``user`` (0 for people who review nothing)."""
    if not permissions.can_review_flags(user):
        return 0
    return _open_flags(user).values("content_type_id", "object_id").distinct().count()


def review_queue(user, *, page: int | str = 1) -> Page:
    """A page of flagged items waiting for ``user``, oldest first, each with its flags and its context."""
    groups = (
        _open_flags(user)
        .values("content_type_id", "object_id")
        .annotate(flag_count=Count("pk"), first_flagged=Min("created_at"), last_flagged=Max("created_at"))
        .order_by("first_flagged", "object_id")
    )
    page_obj: Page[Any] = Paginator(groups, QUEUE_PAGE_SIZE).get_page(page)
    rows = list(page_obj.object_list)
    if not rows:
        page_obj.object_list = []
        return page_obj
    match = Q()
    for row in rows:
        match |= Q(content_type_id=row["content_type_id"], object_id=row["object_id"])
    flags_by_target: dict[tuple[int, int], list[Flag]] = {}
    for flag in _open_flags(user).filter(match).select_related("flagger__profile").order_by("created_at"):
        flags_by_target.setdefault((flag.content_type_id, flag.object_id), []).append(flag)
    ids_by_type: dict[int, list[int]] = {}
    for row in rows:
        ids_by_type.setdefault(row["content_type_id"], []).append(row["object_id"])
    reviews: dict[tuple[int, int], ReviewItem] = {}
    keys: dict[int, tuple[str, FlagHooks]] = {}
    for content_type_id, ids in ids_by_type.items():
        found = hooks_for_content_type(ContentType.objects.get_for_id(content_type_id))
        if found is None:
            continue
        keys[content_type_id] = found
        for object_id, item in found[1].review(ids).items():
            reviews[(content_type_id, object_id)] = item
    reason_labels = dict(Flag.Reason.choices)
    entries = []
    for row in rows:
        target = (row["content_type_id"], row["object_id"])
        key, hooks = keys.get(row["content_type_id"], ("", None))
        review = reviews.get(target)
        flags = flags_by_target.get(target, [])
        counts = Counter(reason_labels.get(f.reason, f.reason) for f in flags)
        entries.append(
            QueueEntry(
                key=key,
                object_id=row["object_id"],
                label=hooks.label if hooks else "item",
                review=review,
                flags=flags,
                reasons=counts.most_common(),
                can_moderate=bool(hooks and review and hooks.can_moderate(user, review.obj)),
            )
        )
    page_obj.object_list = entries
    return page_obj


def audit_entries(user, *, page: int | str = 1, action: str = "") -> Page:
    """The audit log ``user`` may read (facilitators: their cohorts; admins: everything), newest first."""
    qs = ModerationAction.objects.select_related("actor__profile", "cohort")
    cohort_ids = permissions.manageable_cohort_ids(user)
    if cohort_ids is not None:
        qs = qs.filter(cohort_id__in=cohort_ids)
    if action in ModerationAction.Action.values:
        qs = qs.filter(action=action)
    return Paginator(qs.order_by("-created_at", "-pk"), AUDIT_PAGE_SIZE).get_page(page)
