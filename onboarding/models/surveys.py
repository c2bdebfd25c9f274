"""Readiness surveys authored without code: items rated 1-5, a before and an after round per member."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Round(models.TextChoices):
    BEFORE = "before", "Before"
    AFTER = "after", "After"


class Survey(models.Model):
    class Audience(models.TextChoices):
        LEADERS = "leaders", "Leaders of a cohort (or of every cohort)"
        PROGRAMME = "programme", "The programme team (facilitators and L&D)"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=160)
    intro = models.TextField(blank=True)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.LEADERS)
    # For a leaders' survey: the one cohort it is for; empty means every cohort without its own survey.
    cohort = models.ForeignKey("people.Cohort", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # A diagnostic's result page groups items by theme and names gaps and early wins.
    is_diagnostic = models.BooleanField(default=False)
    allow_free_text = models.BooleanField(default=True)
    free_text_label = models.CharField(max_length=200, default="Anything you would like to add? (optional)")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("onboarding:survey-take", args=[self.slug, Round.BEFORE])


class SurveyItem(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    theme = models.CharField(max_length=80, blank=True)
    low_label = models.CharField(max_length=60, default="Strongly disagree")
    high_label = models.CharField(max_length=60, default="Strongly agree")

    class Meta:
        ordering = ["survey", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="survey_item_position_unique")]

    def __str__(self) -> str:
        return self.text


class SurveyRound(models.Model):
    """When a round opens for a cohort (or, without a cohort, for the programme team), and whether invites went out."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="rounds")
    cohort = models.ForeignKey("people.Cohort", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    round = models.CharField(max_length=8, choices=Round, default=Round.AFTER)
    opens_at = models.DateTimeField()
    invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opens_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "cohort", "round"], condition=Q(cohort__isnull=False), name="survey_round_unique"
            ),
            models.UniqueConstraint(
                fields=["survey", "round"], condition=Q(cohort__isnull=True), name="survey_round_unique_programme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} {self.round} for {self.cohort or 'the programme team'}"


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_responses")
    round = models.CharField(max_length=8, choices=Round)
    cohort = models.ForeignKey("people.Cohort", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    free_text = models.TextField(blank=True, max_length=4000)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            # One response per member per round: a double submit cannot create a second row.
            models.UniqueConstraint(fields=["survey", "respondent", "round"], name="survey_response_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.respondent_id} {self.round} {self.survey_id}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(SurveyItem, on_delete=models.CASCADE, related_name="answers")
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="survey_answer_unique"),
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="survey_answer_score_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.score}"
