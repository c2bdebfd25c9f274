"""Lessons authored in the portal, grouped into curricula, and each person's progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone


class Lesson(models.Model):
    """A short lesson: ordered steps of sanitised rich text, an optional example post and practice task."""

    class ExampleKind(models.TextChoices):
        TOPIC = "topic", "Discussion topic"
        REPLY = "reply", "Reply"
        ENTRY = "entry", "Blog entry"
        COMMENT = "comment", "Comment on an entry"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=160)
    summary = models.CharField(max_length=300)
    # Sanitised with portal.richtext.sanitize by the service; the only field templates mark safe.
    example_html = models.TextField(blank=True)
    example_kind = models.CharField(max_length=16, choices=ExampleKind.choices, blank=True)
    example_title = models.CharField(max_length=160, blank=True)
    # The practice task completes itself from real activity: a criterion from onboarding.criteria.
    practice_text = models.CharField(max_length=300, blank=True)
    practice_criterion = models.CharField(max_length=40, blank=True)
    practice_params = models.JSONField(default=dict, blank=True)
    is_published = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("onboarding:lesson-detail", args=[self.slug])

    @property
    def has_practice(self) -> bool:
        return bool(self.practice_criterion)


class LessonStep(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=160)
    body_html = models.TextField()  # sanitised by the service

    class Meta:
        ordering = ["lesson", "position"]
        constraints = [models.UniqueConstraint(fields=["lesson", "position"], name="lesson_step_position_unique")]

    def __str__(self) -> str:
        return f"{self.lesson}: {self.position}. {self.title}"


class Curriculum(models.Model):
    """The lessons a cohort works through, in order. The default curriculum (no cohort) applies to everyone else."""

    cohort = models.OneToOneField(
        "people.Cohort", null=True, blank=True, on_delete=models.CASCADE, related_name="curriculum"
    )
    name = models.CharField(max_length=160)
    lessons = models.ManyToManyField(Lesson, through="CurriculumItem", related_name="curricula")

    class Meta:
        constraints = [
            # Exactly one default curriculum: the one row without a cohort.
            models.UniqueConstraint(Coalesce("cohort", Value(0)), name="curriculum_one_default"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_default(self) -> bool:
        return self.cohort_id is None


class CurriculumItem(models.Model):
    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="items")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["curriculum", "position"]
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "lesson"], name="curriculum_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.curriculum}: {self.position}. {self.lesson}"


class LessonProgress(models.Model):
    """One person's progress through one lesson: started, completed, and whether the practice is done."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    practice_done_at = models.DateTimeField(null=True, blank=True)
    last_visited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="lesson_progress_unique")]
        indexes = [models.Index(fields=["user", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.lesson_id}"
