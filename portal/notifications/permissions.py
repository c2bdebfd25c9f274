"""Who may see and follow notifications: the rules in one place (each app has a permissions module).

A notification belongs to its recipient alone: for anyone else it does not exist (404, never 403, so ids
reveal nothing). Following one to what it is about also needs the target to be visible to the recipient
now, which the apps that own the targets decide through the visibility registry (portal.notifications):
``filter_visible`` is that re-check, which every notification shown or delivered passes through (the
selectors import it; it imports no selector, so the two modules do not import each other).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from portal.notifications import visibility_check
from portal.prepared_models import prepared_objects

if TYPE_CHECKING:
    from portal.people.models import User

    from .models import Notification


def filter_notifications_queryset(user: User, qs: QuerySet[Notification]) -> QuerySet[Notification]:
    """Only the viewer's own notifications (none for someone signed out)."""
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return own_notifications(qs, user.pk)


def own_notifications(qs: QuerySet[Notification], recipient_id: int) -> QuerySet[Notification]:
    """``filter_notifications_queryset``'s rule for a signed-in recipient, with the id given (so a query
    compiled once, ``portal.prepared``, can take it as an argument)."""
    return qs.filter(recipient_id=recipient_id)


def can_follow(user: User, notification: Notification) -> bool:
    """Whether the recipient may go to what the notification is about (its target is still visible)."""
    return notification.recipient_id == user.pk and bool(filter_visible(user, [notification]))


# ------------------------------------------------------------------ visibility (the registry's checks)
def target_visible(user: User, target: models.Model | None) -> bool:
    """Whether ``user`` may see ``target`` according to the registered check (no check: yes)."""
    if target is None:
        return True
    entry = visibility_check(target._meta.label_lower)
    if entry is None:
        return True
    check, _ = entry
    return bool(check(user, target))


# A page's targets of one type are loaded with SQL compiled once per thread for each of these sizes of
# id list (portal.prepared_models); a shorter list is padded with its last id (``IN (3, 5, 5, 5)``).
_ID_LIST_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)


def filter_visible(user: User, notifications: Iterable[Notification]) -> list[Notification]:
    """The notifications whose targets ``user`` may still see, in the given order.

    Targets are loaded in one query per content type (never per row), so the cost does not grow with
    the number of notifications. A target that no longer exists hides its notification.
    """
    rows = list(notifications)
    shown = visible_flags(user, [(n.target_type_id, n.target_id) for n in rows])
    return [n for n, ok in zip(rows, shown, strict=True) if ok]


def visible_flags(user: User, targets: list[tuple[int | None, int | None]]) -> list[bool]:
    """For each (content type id, target id) of a notification, whether it may be shown (no target: yes).

    Each target is loaded and checked once, with one query per content type for the whole list: a page
    that also counts the bell passes both lists' targets in one call."""
    verdicts: dict[tuple[int, int], bool] = {}
    _judge(user, [(type_id, target_id) for type_id, target_id in targets if type_id and target_id], verdicts)
    return [not (type_id and target_id) or verdicts[(type_id, target_id)] for type_id, target_id in targets]


def _judge(user: User, targets: Iterable[tuple[int, int]], verdicts: dict[tuple[int, int], bool]) -> None:
    """Add to ``verdicts`` whether each (content type id, target id) is visible: one query per content type."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for type_id, target_id in targets:
        wanted[type_id].add(target_id)
    for type_id, ids in wanted.items():
        content_type = ContentType.objects.get_for_id(type_id)
        entry = visibility_check(f"{content_type.app_label}.{content_type.model}")
        if entry is None:  # no check registered: shown
            verdicts.update(((type_id, target_id), True) for target_id in ids)
            continue
        check, refine = entry
        model = content_type.model_class()
        seen: dict[int, bool] = {}
        if model is not None:  # the model is gone altogether: nothing to show
            for obj in _targets(model, refine, sorted(ids)):
                seen[obj.pk] = bool(check(user, obj))
        verdicts.update(((type_id, target_id), seen.get(target_id, False)) for target_id in ids)


def _targets(model: type[models.Model], refine: Callable | None, ids: list[int]) -> list[models.Model]:
    """The instances of ``model`` with these primary keys, through the registered ``refine`` (select_related)."""

    def build(*pks: int) -> QuerySet:
        queryset = model._default_manager.filter(pk__in=pks)
        return refine(queryset) if refine is not None else queryset

    size = next((size for size in _ID_LIST_SIZES if size >= len(ids)), None)
    if size is None or build(*ids[:1])._prefetch_related_lookups:  # prefetches need Django's own iteration
        return list(build(*ids))
    padded = [*ids, *[ids[-1]] * (size - len(ids))]
    return prepared_objects(f"notifications:targets:{model._meta.label_lower}:{size}", build, *padded)


def notification_visible(user: User, notification: Notification) -> bool:
    return bool(filter_visible(user, [notification]))
