"""The guided first steps: each person's path state and each cohort's onboarding settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Step(models.TextChoices):
    """The path, in order. Whether a step is done is computed from real data (see onboarding.selectors.path)."""

    WELCOME = "welcome", "Welcome"
    SURVEY = "survey", "Readiness survey"
    POLICY = "policy", "Social media policy"
    PROFILE = "profile", "Your profile"
    LESSON = "lesson", "Your first lesson"
    PRACTICE = "practice", "Your first reply"
    GOALS = "goals", "Your goals"


# Steps a facilitator may mark optional for their cohort. The policy can never be skipped.
SKIPPABLE_STEPS = (Step.SURVEY, Step.PROFILE, Step.LESSON, Step.PRACTICE)


class OnboardingPath(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="onboarding_path")
    started_at = models.DateTimeField(default=timezone.now)
    welcome_seen_at = models.DateTimeField(null=True, blank=True)
    goals_seen_at = models.DateTimeField(null=True, blank=True)
    skipped = models.JSONField(default=list, blank=True)  # step keys the person chose to skip (optional ones only)
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"path of {self.user_id}"


class CohortOnboarding(models.Model):
    """Per-cohort choices a facilitator makes: which path steps are optional."""

    cohort = models.OneToOneField("people.Cohort", on_delete=models.CASCADE, related_name="onboarding_settings")
    optional_steps = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"onboarding settings of {self.cohort}"
