"""Portal jobs."""

from celery import shared_task


@shared_task(name="portal.tasks.heartbeat")
def heartbeat() -> str:
    """A beat job that proves worker and beat are alive: /healthz shows when it last ran."""
    from .services.jobs import heartbeat_touch

    return heartbeat_touch(name="beat").isoformat()
