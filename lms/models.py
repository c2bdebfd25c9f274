"""xAPI delivery state: where the outgoing statement stream stands. Written only by lms.xapi.services."""

from __future__ import annotations

from django.db import models


class XapiCursor(models.Model):
    """The watermark of the statement stream to the LRS (one row, name "lrs").

    Every activity with an id up to ``last_activity_id`` (gaps aside, see XapiGap) has been accepted by
    the LRS or deliberately skipped. The cursor moves only after the LRS confirmed a batch, so an outage
    loses nothing; statement ids are derived from the activity, so a batch sent again is stored once.
    """

    name = models.CharField(max_length=20, primary_key=True)
    last_activity_id = models.BigIntegerField(default=0)
    # A run holds the stream until this moment (two overlapping runs never send the same batch at once).
    lease_until = models.DateTimeField(null=True, blank=True)
    # Back-off after a failure: no attempt before this moment.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    # Statements the LRS accepted (or already had), and ones it refused for good (kept in last_error).
    sent_total = models.PositiveBigIntegerField(default=0)
    rejected_total = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"xAPI cursor {self.name} at #{self.last_activity_id}"


class XapiGap(models.Model):
    """An activity id below the cursor that was not visible when the cursor passed it.

    On PostgreSQL ids are handed out at insert and become visible at commit, so a slow transaction can
    commit id 41 after id 42 went out. Each run looks for gap ids again and sends those that appeared;
    after XAPI_GAP_SECONDS a gap is forgotten (its transaction rolled back).
    """

    activity_id = models.BigIntegerField(primary_key=True)
    noticed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"xAPI gap #{self.activity_id}"
