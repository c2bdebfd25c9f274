"""A job slow enough to be killed mid-run, for the ops tests only (loaded by tests.ops.settings)."""

import time
import uuid

from celery import shared_task


@shared_task(name="tests.ops.slow_job")
def slow_job(key: str, seconds: float) -> str:
    """Sleep, then record one completed run (a JobHeartbeat row named after the key and the run)."""
    from portal.models import JobHeartbeat
    from portal.services.jobs import heartbeat_touch

    time.sleep(seconds)
    name = f"{key}:{uuid.uuid4().hex[:8]}"
    heartbeat_touch(name=name)
    return f"{JobHeartbeat.objects.filter(name__startswith=key).count()} runs"
