"""The project package's own rows: job heartbeats shown by /healthz."""

from django.db import models


class JobHeartbeat(models.Model):
    """When a background job last ran; shown by /healthz so a dead worker or beat is visible."""

    name = models.CharField(max_length=64, primary_key=True)
    last_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.last_run_at:%Y-%m-%d %H:%M}"


# --- The job hand-off's transactional outbox (portal.jobs); its own module so it can move as one piece.
from .outbox import OutboxJob  # noqa: E402, F401
