from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Activity(models.Model):
    """One thing a person did. Append-only: written by ``metrics.record`` and never updated."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities")
    # Validated against metrics.verbs.Verb by record(); no DB choices so new verbs need no migration.
    verb = models.CharField(max_length=40)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    # What the target belongs to (e.g. the topic of a reply, the entry of a comment), when that matters.
    context_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    context_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Small facts the rollups need and may not read from other apps' tables
    # (e.g. {"seconds": 5400} for a first response, {"round": "before"} for a survey). Never draft text.
    data = models.JSONField(default=dict, blank=True)
    cohort = models.ForeignKey("portal.Cohort", null=True, blank=True, on_delete=models.SET_NULL)
    # The actor's management level when they acted: a later promotion does not rewrite history.
    management_level = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["actor", "verb"]),
            models.Index(fields=["cohort", "created_at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb} at {self.created_at:%Y-%m-%d %H:%M}"
