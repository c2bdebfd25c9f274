"""What the facilitation views share: loading a cohort the person facilitates, showing service errors."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404

from portal.formtools import add_service_errors  # noqa: F401  (shared: service errors onto forms)
from portal.people.models import Cohort

from .. import permissions
from ..models import ScheduledPrompt


def facilitated_cohort(user, slug: str) -> Cohort:
    """The cohort with ``slug`` (404 if none) if ``user`` facilitates it (403 otherwise)."""
    cohort = get_object_or_404(Cohort.objects.select_related("facilitation"), slug=slug)
    if not permissions.can_facilitate(user, cohort):
        raise PermissionDenied("Only this cohort's facilitators and admins can use these tools.")
    return cohort


def facilitated_prompt(user, pk: int) -> ScheduledPrompt:
    prompt = get_object_or_404(
        ScheduledPrompt.objects.select_related("cohort__facilitation", "board", "session", "released_topic"), pk=pk
    )
    if not permissions.can_facilitate(user, prompt.cohort_id):
        raise PermissionDenied("Only this cohort's facilitators and admins can change its prompts.")
    return prompt


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)
