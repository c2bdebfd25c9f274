"""The moderation audit log: every moderation action, by whom, on what, when and why."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from portal.people.models import Cohort, User

from ..models import ModerationAction


def moderation_log(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None,
    cohort: Cohort | None,
    summary: str,
    url: str = "",
    reason: str = "",
    data: dict | None = None,
) -> ModerationAction:
    """Append one audit entry inside the caller's transaction (the action and its record commit together).

    ``actor=None`` means the system acted (e.g. hiding a post automatically after flags).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("moderation_log() must run inside the moderation's transaction.atomic().")
    return ModerationAction.objects.create(
        actor=actor,
        action=ModerationAction.Action(action).value,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
        cohort=cohort,
        summary=summary[:300],
        url=url[:300],
        reason=(reason or "")[:1000],
        data=data or {},
    )
