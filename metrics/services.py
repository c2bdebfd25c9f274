"""The only writer of Activity rows."""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import Activity
from .verbs import Verb


def record(
    *,
    actor,
    verb: Verb | str,
    target: models.Model | None = None,
    cohort=None,
    context: models.Model | None = None,
    data: dict | None = None,
    at: datetime | None = None,
) -> Activity:
    """Append one activity inside the caller's transaction.

    Guarantees: the row commits or rolls back together with the caller's write (callers run
    inside ``transaction.atomic``); the actor's management level is captured as of now; an
    unknown verb raises ``ValueError`` rather than writing a row nobody can interpret.
    """
    verb = Verb(verb)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("metrics.record() must be called inside the writer's transaction.atomic().")
    profile = getattr(actor, "profile", None)
    activity = Activity(
        actor=actor,
        verb=verb.value,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        context_type=ContentType.objects.get_for_model(context) if context is not None else None,
        context_id=context.pk if context is not None else None,
        data=data or {},
        cohort=cohort,
        management_level=profile.management_level if profile is not None else None,
    )
    if at is not None:
        activity.created_at = at
    activity.save(force_insert=True)
    return activity
