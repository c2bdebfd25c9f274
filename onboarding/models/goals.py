"""Crawl, walk, run: goal ladders per cohort, each person's progress and the reminders already sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone


class GoalLadder(models.Model):
    """A cohort's ladder; the one without a cohort is the default every other cohort uses."""

    cohort = models.OneToOneField(
        "people.Cohort", null=True, blank=True, on_delete=models.CASCADE, related_name="goal_ladder"
    )
    name = models.CharField(max_length=160)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(Coalesce("cohort", Value(0)), name="goal_ladder_one_default"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_default(self) -> bool:
        return self.cohort_id is None


class GoalStage(models.Model):
    class Kind(models.TextChoices):
        CRAWL = "crawl", "Crawl"
        WALK = "walk", "Walk"
        RUN = "run", "Run"

    ladder = models.ForeignKey(GoalLadder, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    title = models.CharField(max_length=160)
    # The deadline: a number of days after the cohort starts, or a fixed date (exactly one of the two).
    deadline_days = models.PositiveSmallIntegerField(null=True, blank=True)
    deadline_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["ladder", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["ladder", "kind"], name="goal_stage_kind_unique"),
            models.CheckConstraint(
                condition=Q(deadline_days__isnull=True, deadline_date__isnull=False)
                | Q(deadline_days__isnull=False, deadline_date__isnull=True),
                name="goal_stage_one_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ladder}: {self.get_kind_display()}"

    @property
    def order(self) -> int:
        return [GoalStage.Kind.CRAWL, GoalStage.Kind.WALK, GoalStage.Kind.RUN].index(self.kind)


class Goal(models.Model):
    """A measurable goal: a criterion from ``onboarding.criteria`` with its parameters (e.g. {"n": 10})."""

    stage = models.ForeignKey(GoalStage, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=160)
    criterion = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["stage", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class GoalProgress(models.Model):
    """How far one person is with one goal; written only by ``goal_progress_update`` (idempotent)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goal_progress")
    current = models.PositiveIntegerField(default=0)
    target = models.PositiveIntegerField(default=1)
    # When the criterion was first met (the moment of the activity that met it), kept once set.
    completed_at = models.DateTimeField(null=True, blank=True)
    # When the deadline passed with the goal unmet and GOAL_OVERDUE was recorded (once).
    overdue_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["goal", "user"], name="goal_progress_unique")]
        indexes = [models.Index(fields=["user", "goal"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.goal_id}: {self.current}/{self.target}"

    @property
    def percent(self) -> int:
        if self.completed_at:
            return 100
        return min(100, round(100 * self.current / self.target)) if self.target else 0


class GoalReminder(models.Model):
    """A deadline reminder sent for one person and one stage; the unique row makes it happen once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey(GoalStage, on_delete=models.CASCADE, related_name="reminders")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "stage"], name="goal_reminder_once")]

    def __str__(self) -> str:
        return f"reminder {self.user_id} {self.stage_id}"
