"""The social media policy: versioned text and who acknowledged which version when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class PolicyVersion(models.Model):
    """One published version. A new major version asks everyone to acknowledge again; a minor one does not."""

    major = models.PositiveSmallIntegerField()
    minor = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=160)
    body_html = models.TextField()  # sanitised by the service
    change_summary = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-major", "-minor"]
        constraints = [models.UniqueConstraint(fields=["major", "minor"], name="policy_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} (version {self.label})"

    def get_absolute_url(self) -> str:
        return reverse("onboarding:policy-version", args=[self.pk])

    @property
    def label(self) -> str:
        return f"{self.major}.{self.minor}"


class PolicyAcknowledgement(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_acks")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="policy_ack_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged {self.version_id}"
