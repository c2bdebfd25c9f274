"""The worker's side of the job outbox (``portal.jobs``): the base class of every task and the sweeper task.

Kept apart from ``portal.jobs`` because it imports Celery, which a web process never loads (issue 13).
``portal.celery`` names ``OutboxTask`` as every task's class and finds ``sweep`` by autodiscovery.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from celery.exceptions import Retry

from .jobs import _outbox_id, _settings, outbox_sweep


class OutboxTask(Task):
    """Base class of every task: a message from the outbox runs its body once per outbox row."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        job_id = _outbox_id(getattr(self.request, "id", None))
        if job_id is None:
            return super().__call__(*args, **kwargs)
        return _run_outbox_job(self, job_id, args, kwargs)


def _run_outbox_job(task: Task, job_id: int, args, kwargs) -> Any:
    from django.db.models import Q
    from django.utils import timezone

    from .outbox import OutboxJob

    settings = _settings()
    now = timezone.now()
    lease = now - timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    claimed = (
        OutboxJob.objects.filter(pk=job_id, done_at__isnull=True)
        .filter(Q(started_at__isnull=True) | Q(started_at__lt=lease))
        .update(started_at=now)
    )
    if not claimed:
        # Done already, or another delivery of the same job holds the lease right now.
        return None
    try:
        result = Task.__call__(task, *args, **kwargs)
    except Retry as exc:
        # The task scheduled its own retry: expect it by then, so the sweeper leaves it alone meanwhile.
        when = exc.when
        if isinstance(when, int | float):
            due = timezone.now() + timedelta(seconds=when)
        elif when is not None:
            due = when
        else:
            due = timezone.now()
        OutboxJob.objects.filter(pk=job_id).update(started_at=None, due_at=due, last_error=str(exc.exc or "")[:2000])
        raise
    except BaseException as exc:
        OutboxJob.objects.filter(pk=job_id).update(started_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    OutboxJob.objects.filter(pk=job_id).update(done_at=timezone.now(), started_at=None)
    return result


# Defined after OutboxTask: Celery builds the task from the app's task class, which is OutboxTask above.
@shared_task(name="portal.jobs.sweep")  # the name beat and the outbox know it by
def sweep() -> dict[str, int]:
    """Beat, every minute: the outbox sweeper."""
    return outbox_sweep()
