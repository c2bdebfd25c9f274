"""The guided first steps: starting the path, marking the steps that have no other trace, skipping optional ones."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from portal.people.models import Cohort, User

from .. import permissions
from ..models import CohortOnboarding, OnboardingPath, Step
from ..models.path import SKIPPABLE_STEPS


def path_start(*, user: User) -> OnboardingPath:
    """Start (or return) the person's path. Idempotent."""
    with transaction.atomic():
        path, _ = OnboardingPath.objects.get_or_create(user=user)
    return path


def path_mark_seen(*, user: User, step: str) -> OnboardingPath:
    """The welcome and goals steps are done by reading them; note when."""
    seen_fields: dict[str, str] = {Step.WELCOME: "welcome_seen_at", Step.GOALS: "goals_seen_at"}
    field = seen_fields.get(step)
    if field is None:
        raise ValidationError("This step is done by doing it, not by reading about it.")
    with transaction.atomic():
        path, _ = OnboardingPath.objects.select_for_update().get_or_create(user=user)
        if getattr(path, field) is None:
            setattr(path, field, timezone.now())
            path.save(update_fields=[field])
    return path


def path_skip(*, user: User, step: str) -> OnboardingPath:
    """Skip a step the person's cohort made optional; mandatory steps cannot be skipped."""
    from ..selectors.path import path_state

    state = path_state(user)
    target = next((s for s in state.steps if s.key == step), None)
    if target is None or not target.optional:
        raise ValidationError("This step cannot be skipped.")
    with transaction.atomic():
        path, _ = OnboardingPath.objects.select_for_update().get_or_create(user=user)
        if step not in path.skipped:
            path.skipped = [*path.skipped, step]
            path.save(update_fields=["skipped"])
    return path


def path_complete_if_done(*, user: User) -> bool:
    """Stamp the path complete the first time every step is finished. Returns whether it is complete."""
    from ..selectors.path import path_state

    state = path_state(user)
    if not state.complete:
        return False
    with transaction.atomic():
        OnboardingPath.objects.filter(user=user, completed_at__isnull=True).update(completed_at=timezone.now())
    return True


def cohort_onboarding_update(*, actor: User, cohort: Cohort, optional_steps: list[str]) -> CohortOnboarding:
    """Choose which path steps are optional for a cohort. The policy (and welcome, goals) never are."""
    if not permissions.can_edit_cohort_programme(actor, cohort):
        raise PermissionDenied("You cannot change this cohort's onboarding.")
    allowed = {str(s) for s in SKIPPABLE_STEPS}
    unknown = set(optional_steps) - allowed
    if unknown:
        raise ValidationError("Only the survey, profile, lesson and practice steps can be optional.")
    with transaction.atomic():
        row, _ = CohortOnboarding.objects.get_or_create(cohort=cohort)
        row.optional_steps = [s for s in (str(x) for x in SKIPPABLE_STEPS) if s in optional_steps]
        row.updated_at = timezone.now()
        row.save()
    return row
