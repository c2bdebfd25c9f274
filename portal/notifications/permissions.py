"""Who may see and follow notifications: the rules in one place (each app has a permissions module).

A notification belongs to its recipient alone: for anyone else it does not exist (404, never 403, so ids
reveal nothing). Following one to what it is about also needs the target to be visible to the recipient
now, which the apps that own the targets decide through the visibility registry (portal.notifications):
``filter_visible`` is that re-check, which every notification shown or delivered passes through (the
selectors import it; it imports no selector, so the two modules do not import each other).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from portal.notifications import visibility_check

if TYPE_CHECKING:
    from portal.people.models import User

    from .models import Notification


def filter_notifications_queryset(user: User, qs: QuerySet[Notification]) -> QuerySet[Notification]:
    """Only the viewer's own notifications (none for someone signed out)."""
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(recipient_id=user.pk)


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


def filter_visible(user: User, notifications: Iterable[Notification]) -> list[Notification]:
    """The notifications whose targets ``user`` may still see, in the given order.

    Targets are loaded in one query per content type (never per row), so the cost does not grow with
    the number of notifications. A target that no longer exists hides its notification.
    """
    rows = list(notifications)
    wanted: dict[int, set[int]] = defaultdict(set)
    for n in rows:
        if n.target_type_id and n.target_id:
            wanted[n.target_type_id].add(n.target_id)
    verdict: dict[tuple[int, int], bool] = {}
    unchecked_types: set[int] = set()
    for type_id, ids in wanted.items():
        content_type = ContentType.objects.get_for_id(type_id)
        entry = visibility_check(f"{content_type.app_label}.{content_type.model}")
        if entry is None:
            unchecked_types.add(type_id)
            continue
        check, refine = entry
        model = content_type.model_class()
        if model is None:  # the model is gone altogether: nothing to show
            continue
        queryset = model._default_manager.filter(pk__in=ids)
        if refine is not None:
            queryset = refine(queryset)
        for obj in queryset:
            verdict[(type_id, obj.pk)] = bool(check(user, obj))
    return [
        n
        for n in rows
        if not (n.target_type_id and n.target_id)
        or n.target_type_id in unchecked_types
        or verdict.get((n.target_type_id, n.target_id), False)
    ]


def notification_visible(user: User, notification: Notification) -> bool:
    return bool(filter_visible(user, [notification]))
