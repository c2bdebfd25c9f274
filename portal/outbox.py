"""The transactional outbox: one row per job handed off after a commit (see ``portal.jobs``).

Kept in its own module (imported by ``portal.models``) so it can move with the job hand-off.
"""

from __future__ import annotations

from django.db import models


class OutboxJob(models.Model):
    """A Celery job written in the same transaction as the change that asked for it.

    ``sent_at`` is when it was last handed to the broker (null: not yet, or the broker refused it);
    ``due_at`` is when the job should have run by (its countdown, or its next retry); ``started_at`` is
    the lease of the worker running it; ``done_at`` is set once the task returned, so a duplicate
    delivery (two sweeps, a redelivered message) does nothing.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    countdown = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["done_at", "sent_at"], name="outbox_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)} #{self.pk}"
