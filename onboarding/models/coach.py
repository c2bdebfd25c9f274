"""The coach's configuration: which rules are on, their thresholds, and the term lists admins/L&D manage."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class CoachRule(models.Model):
    """Settings for one rule of the registry in ``onboarding.coach.rules`` (the behaviour lives in code)."""

    key = models.CharField(max_length=40, unique=True)
    enabled = models.BooleanField(default=True)
    # A number the rule uses (e.g. the fewest words before a post counts as very short); None = the code default.
    threshold = models.PositiveIntegerField(null=True, blank=True)
    # The lesson a finding links to so the writer can learn why.
    lesson = models.ForeignKey("onboarding.Lesson", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key} ({'on' if self.enabled else 'off'})"


class CoachTerm(models.Model):
    """A word or phrase the coach looks for: banned terms block a post, privileged words warn."""

    class List(models.TextChoices):
        BANNED = "banned", "Banned terms (block)"
        PRIVILEGED = "privileged", "Privileged-information words (warn)"

    list = models.CharField(max_length=16, choices=List.choices)
    term = models.CharField(max_length=80)
    note = models.CharField(max_length=200, blank=True, help_text="Why this term is listed (shown to writers).")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["list", "term"]
        constraints = [models.UniqueConstraint(Lower("term"), "list", name="coach_term_unique_per_list")]

    def __str__(self) -> str:
        return f"{self.term} ({self.list})"
