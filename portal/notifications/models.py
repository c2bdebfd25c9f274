"""Notifications, delivery preferences, e-mail deliveries, digests and undeliverable addresses."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.people.models import User


class Notification(models.Model):
    """An event for one person: created by ``portal.services.notifications.notify`` only.

    Delivery (bell, e-mail, digests, preferences) is the notifications work; apps only create events.
    Repeated events of the same kind about the same thing, while unread, are grouped into one row
    whose ``count`` grows (``group_key`` identifies the group).
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=40)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_type = models.ForeignKey("contenttypes.ContentType", null=True, blank=True, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    url = models.CharField(max_length=500, blank=True)
    text = models.CharField(max_length=300)
    group_key = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # How the row reads once grouped ("{count} people reacted to your post"); empty: the event's default.
    group_text = models.CharField(max_length=300, blank=True)
    # When the row last went out in a digest; a later ``updated_at`` means there is news since.
    digested_at = models.DateTimeField(null=True, blank=True)
    # ``count`` when the row was last e-mailed on its own: a larger ``count`` means news not yet sent.
    emailed_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["recipient", "read_at", "-updated_at"])]
        constraints = [
            # At most one unread notification per group: grouping cannot race into duplicates.
            models.UniqueConstraint(
                fields=["recipient", "group_key"],
                condition=Q(read_at__isnull=True) & ~Q(group_key=""),
                name="notification_one_unread_per_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} for {self.recipient_id}"

    @property
    def event_label(self) -> str:
        from portal.notifications import EVENT_LABELS

        return EVENT_LABELS.get(self.event) or self.event.replace("_", " ").capitalize()

    @property
    def headline(self) -> str:
        """What the person reads: the event's own text, or the grouped phrase once several happened."""
        from portal.notifications import grouped_text

        if self.count <= 1:
            return self.text
        return grouped_text(self.event, self.count, self.group_text)


class Delivery(models.TextChoices):
    """How a person wants to hear about one kind of event."""

    OFF = "off", "Off"
    IN_APP = "in_app", "In the portal only"
    IMMEDIATE = "immediate", "E-mail straight away"
    DAILY = "daily", "Daily digest e-mail"
    WEEKLY = "weekly", "Weekly digest e-mail"


class NotificationPreference(models.Model):
    """One person's choice for one event type; without a row the event's default applies."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_preferences")
    event = models.CharField(max_length=40)
    delivery = models.CharField(max_length=16, choices=Delivery)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user", "event"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.event} → {self.delivery}"


class EmailDelivery(models.Model):
    """One e-mail to one address, rendered once and sent at most once.

    ``key`` is the idempotency key (``notification:<id>:<count>``, ``digest:<run id>``): a retried or
    duplicated task finds the row and never sends twice. The rendered message is stored, so a retry
    sends exactly what was decided, and a row still pending after a crash is picked up again.
    """

    class Kind(models.TextChoices):
        NOTIFICATION = "notification", "Notification"
        DIGEST = "digest", "Digest"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        SUPPRESSED = "suppressed", "Not sent (address undeliverable)"
        CANCELLED = "cancelled", "Not sent (no longer relevant)"
        FAILED = "failed", "Refused by the mail server"

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    recipient = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="email_deliveries")
    to_email = models.EmailField()
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="email_deliveries"
    )
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "e-mail deliveries"
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.key} to {self.to_email} ({self.status})"


class DigestRun(models.Model):
    """A person's daily or weekly digest for one period: at most one per (user, kind, period_start)."""

    class Kind(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="digest_runs")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # The local date the period starts (a Monday for weekly digests).
    period_start = models.DateField()
    item_count = models.PositiveIntegerField(default=0)
    delivery = models.OneToOneField(
        EmailDelivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="digest_run"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "period_start"], name="digest_run_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} digest for {self.user_id} from {self.period_start}"


class UndeliverableAddress(models.Model):
    """An address that bounced or asked not to be mailed: nothing is sent to it while the row exists."""

    email = models.EmailField(unique=True)
    reason = models.CharField(max_length=300, blank=True)
    marked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["email"]
        verbose_name_plural = "undeliverable addresses"

    def __str__(self) -> str:
        return self.email
