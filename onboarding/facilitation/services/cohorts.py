"""A cohort's facilitation settings: quiet days before an early prompt, time zone, welcome prompts."""

from __future__ import annotations

from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

import metrics
from metrics.verbs import Verb
from portal.people.models import Cohort, User

from ..models import CohortFacilitation
from ._common import require_facilitator


def facilitation_settings_update(
    *, actor: User, cohort: Cohort, quiet_days: int, timezone_name: str, welcome_prompt: bool
) -> CohortFacilitation:
    """Store the cohort's settings (creating its row the first time).

    Guarantees: the cohort's facilitators and admins only; ``quiet_days`` 0 (never) to 60; the zone is a
    real IANA name or blank (the site's); queued session-relative prompts are re-timed in the new zone
    in the same transaction; recorded with what changed.
    """
    from .prompts import prompt_times_sync

    require_facilitator(actor, cohort)
    if not 0 <= int(quiet_days) <= 60:
        raise ValidationError({"quiet_days": "Choose between 0 (never) and 60 days."})
    timezone_name = (timezone_name or "").strip()
    if timezone_name and timezone_name not in available_timezones():
        raise ValidationError({"time_zone": "Choose a time zone from the list, such as Europe/London."})
    with transaction.atomic():
        row, _ = CohortFacilitation.objects.select_for_update().get_or_create(cohort=cohort)
        values = {"quiet_days": int(quiet_days), "time_zone": timezone_name, "welcome_prompt": bool(welcome_prompt)}
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if not changed:
            return row
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = timezone.now()
        row.save()
        cohort.facilitation = row
        if "time_zone" in changed:
            prompt_times_sync(cohort_ids=[cohort.pk])
        metrics.record(
            actor=actor, verb=Verb.FACILITATION_SETTINGS_CHANGED, target=row, cohort=cohort, data={"changed": changed}
        )
    return row
