"""Creating notification events. Delivery (e-mail, digests, preferences) builds on these rows."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from ..models import Notification, User
from ..notifications import Event


def notify(
    *,
    recipient: User,
    event: Event | str,
    text: str,
    url: str = "",
    actor: User | None = None,
    target: models.Model | None = None,
    group_key: str = "",
) -> Notification | None:
    """Create (or group into) a notification for ``recipient``.

    Guarantees: nobody is notified of their own action; while a notification with the same
    ``group_key`` is unread, a new event increments its count instead of adding a row.
    """
    event = Event(event)
    if actor is not None and actor.pk == recipient.pk:
        return None
    if not recipient.is_active:
        return None
    now = timezone.now()
    if group_key:
        updated = Notification.objects.filter(recipient=recipient, group_key=group_key, read_at__isnull=True).update(
            count=F("count") + 1, updated_at=now, actor=actor, text=text, url=url or F("url")
        )
        if updated:
            return Notification.objects.filter(recipient=recipient, group_key=group_key, read_at__isnull=True).first()
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=recipient,
                event=event.value,
                actor=actor,
                target_type=ContentType.objects.get_for_model(target) if target is not None else None,
                target_id=target.pk if target is not None else None,
                url=url,
                text=text[:300],
                group_key=group_key,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        # Another request created the group's row a moment ago: join it.
        Notification.objects.filter(recipient=recipient, group_key=group_key, read_at__isnull=True).update(
            count=F("count") + 1, updated_at=now
        )
        return Notification.objects.filter(recipient=recipient, group_key=group_key, read_at__isnull=True).first()
