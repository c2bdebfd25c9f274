from datetime import datetime

from django.utils import timezone

from ..models import JobHeartbeat


def heartbeat_touch(*, name: str) -> datetime:
    """Record that a background job ran now (upsert, safe to repeat)."""
    now = timezone.now()
    JobHeartbeat.objects.update_or_create(name=name, defaults={"last_run_at": now})
    return now
