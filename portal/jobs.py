"""The one job hand-off: ``enqueue_on_commit(task, *args)`` instead of ``on_commit(lambda: task.delay())``.

A transactional outbox. The job is written as an ``OutboxJob`` row in the caller's transaction, so it
exists exactly when the change that asked for it was committed (a rollback leaves no job). After the
commit it is handed to Celery; if the broker is down the row simply stays unsent, the user's request
is not disturbed, and the beat sweeper (``portal.jobs.sweep``, every minute) sends it when the broker
is back. A job sent but not finished long after it was due (a worker killed mid-job, a message the
broker lost) is sent again.

Every Celery task in the project uses ``OutboxTask`` as its base class (``portal.celery``): when a
message carries an outbox id (its task id is ``outbox-<id>``), the task takes a short lease on the
row, runs, and marks the row done — a second delivery of the same job finds it done and does nothing.

Guarantees: a job enqueued in a transaction that commits runs at least once and its task body
completes at most once per row (barring a worker dying after the body finished but before the
row was marked); a job of a rolled-back transaction never runs; the request that enqueued it never
sees a broker error.

This module imports no models at the top: Celery loads ``OutboxTask`` before Django is ready. Nor does it
import Celery at the top for the web process's sake (issue 13): a gunicorn worker checks task names against
``portal.outbox_tasks`` and, on a Redis broker, hands a job over with ``portal.outbox_send`` (one ``LPUSH``
of the message Celery would have written), so it never loads Celery and kombu. Celery is imported where it
runs: the worker and beat, the eager in-process path (unit tests, the demo seed), the embedded profile's
filesystem broker, and ``portal.outbox_worker`` (every task's base class ``OutboxTask`` and the sweeper task).
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from .outbox_tasks import known_task

log = logging.getLogger(__name__)


class NotRegistered(KeyError):
    """``enqueue_on_commit`` was given a name no task has (nothing was written)."""


ID_PREFIX = "outbox-"


def _settings():
    from django.conf import settings

    return settings


def _outbox_id(task_id: str | None) -> int | None:
    if not task_id or not task_id.startswith(ID_PREFIX):
        return None
    try:
        return int(task_id[len(ID_PREFIX) :])
    except ValueError:
        return None


def enqueue_on_commit(
    task: Any, *args: Any, key: str | None = None, countdown: int = 0, once_per_transaction: bool = False
) -> None:
    """Hand ``task(*args)`` to the worker once the current transaction commits (now, in autocommit).

    ``task`` is a task's registered name (``"forums.tasks.post_created_notify"``) or the task itself;
    arguments must be JSON values (ids, not rows). Services name their own app's tasks by string, so a
    ``services`` module never imports its ``tasks`` module (which imports the services: a cycle). An
    unknown name raises ``NotRegistered`` here, before anything is written: a typo never loses a job.
    ``key``: a job with this key is only ever written once (a second call is ignored).
    ``once_per_transaction``: a second identical call (same task and arguments) in the same open
    transaction is ignored — e.g. one goal refresh per person however many activities a request writes.
    """
    from django.db import IntegrityError, transaction

    from .outbox import OutboxJob

    name = task if isinstance(task, str) else task.name
    if not known_task(name):
        raise NotRegistered(name)
    args_list = list(args)
    backfill = _backfill.get()
    if backfill is not None and name in backfill.coalesce:
        backfill.defer(name, args_list, key=key, countdown=countdown)
        return
    connection = transaction.get_connection()
    marker = (name, repr(args_list))
    if once_per_transaction and connection.in_atomic_block:
        for entry in connection.run_on_commit:
            if getattr(entry[1], "outbox_marker", None) == marker:
                return
    if key is not None:
        try:
            with transaction.atomic():
                job = OutboxJob.objects.create(task=name, args=args_list, key=key, countdown=countdown)
        except IntegrityError:
            return
    else:
        job = OutboxJob.objects.create(task=name, args=args_list, countdown=countdown)

    job_id = job.pk

    def publish() -> None:
        job_publish(job_id=job_id, after_commit=True)

    publish.outbox_marker = marker  # type: ignore[attr-defined]
    # robust: whatever happens while handing over, the committed write and its response are unaffected.
    # (Tasks run in-process in unit tests, where a failing task must still fail its test.)
    transaction.on_commit(publish, robust=not _eager())


# ------------------------------------------------------------------ backfill (seeding) mode
@dataclass
class Backfill:
    """The state of one ``backfill`` block: the deferred jobs, and what services left out on purpose."""

    coalesce: frozenset[str]
    started_at: Any = None  # the real moment the block began: anything dated before it is history
    pending: dict[tuple[str, str], tuple[str, list, str | None, int]] = field(default_factory=dict)
    deferred: int = 0  # jobs asked for (and committed) inside the block
    counts: dict[str, int] = field(default_factory=dict)  # ``note``: things services skipped, by name

    def defer(self, name: str, args: list, *, key: str | None, countdown: int) -> None:
        from django.db import transaction

        def remember() -> None:
            self.deferred += 1
            self.pending.setdefault((name, repr(args)), (name, args, key, countdown))

        transaction.on_commit(remember)  # a rolled-back write asks for nothing, as outside the block

    def note(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def flush(self) -> int:
        """Enqueue each deferred job once, in the order first asked for; returns how many."""
        jobs, self.pending = list(self.pending.values()), {}
        token = _backfill.set(None)  # these run for real (in-process under eager Celery)
        try:
            for name, args, key, countdown in jobs:
                enqueue_on_commit(name, *args, key=key, countdown=countdown)
        finally:
            _backfill.reset(token)
        return len(jobs)


_backfill: ContextVar[Backfill | None] = ContextVar("portal_jobs_backfill", default=None)


@contextmanager
def backfill(*, coalesce: Iterable[str] = ()) -> Iterator[Backfill]:
    """Seeding mode: write a back-dated history through the real services without paying per event.

    ``seed_demo`` writes 90 days of activity one event at a time; each event's follow-up jobs would run
    in-process right after it (a person's goal recomputation after every post, hundreds of times).
    Inside the block, a job of a task named in ``coalesce`` is neither written nor run when asked for:
    once the asking transaction commits (a rollback asks for nothing), each distinct (task, arguments)
    is remembered once, and ``flush()`` — called by the seed between batches, and always when the
    block ends without an error — enqueues each one normally, in the order first asked for.

    Only for idempotent jobs whose result does not depend on when they run (``goals_refresh``
    recomputes from the activity log, and a goal's completion time is that of the activity that met
    it): N events of one person then cost one recomputation, with the same result. Every other job
    runs as usual. Services may ask ``backfilling()`` to leave out work whose only product is thrown
    away in a back-dated history (notifications settle the history's e-mails without rendering them),
    and record it with ``note``. Not nestable.
    """
    if _backfill.get() is not None:
        raise RuntimeError("backfill() blocks do not nest")
    from django.utils import timezone

    state = Backfill(coalesce=frozenset(coalesce), started_at=timezone.now())
    token = _backfill.set(state)
    try:
        yield state
        state.flush()
    finally:
        _backfill.reset(token)


def backfilling() -> Backfill | None:
    """The current ``backfill`` block's state, or None outside one (every ordinary request and job)."""
    return _backfill.get()


_tasks_imported = False


def task_registry() -> Any:
    """Celery's registry of tasks, with every installed app's ``tasks`` module imported first.

    A worker imports them when it starts; the web process (and the eager, in-process path of tests and
    the demo seed) would otherwise know only the tasks some module happened to import, and a job enqueued
    by name could not be checked or run. Imported once per process (Celery's autodiscovery, forced).
    """
    global _tasks_imported
    from .celery import app

    if not _tasks_imported:
        app.autodiscover_tasks(force=True)
        _tasks_imported = True
    return app.tasks


def _eager() -> bool:
    """Jobs run in-process (unit tests, the demo seed). Celery's own flag once Celery is loaded (tests flip it)."""
    if "portal.celery" in sys.modules:
        return bool(sys.modules["portal.celery"].app.conf.task_always_eager)
    return bool(_settings().CELERY_TASK_ALWAYS_EAGER)


def _send(name: str, *, args: list, kwargs: dict | None, countdown: int | None, task_id: str) -> None:
    """Hand one message to the broker: with redis-py on a Redis broker (no Celery in the web process), else Celery."""
    from . import outbox_send

    url = _settings().CELERY_BROKER_URL
    if outbox_send.redis_broker(url):
        outbox_send.send(url, name=name, task_id=task_id, args=args, kwargs=kwargs, countdown=countdown)
        return
    from .celery import app

    app.send_task(name, args=args, kwargs=kwargs, countdown=countdown, task_id=task_id, retry=False)


_broker_paused_until = 0.0  # monotonic time: after a failed hand-over, commits leave jobs to the sweeper


def broker_pause_reset() -> None:
    """Forget a failed hand-over (the broker is known to be back, e.g. in tests)."""
    global _broker_paused_until
    _broker_paused_until = 0.0


def job_publish(*, job_id: int, resend_before=None, after_commit: bool = False) -> bool:
    """Send one outbox row to the broker (claimed first, so two publishers never both send it).

    Returns whether it was handed over. A broker error puts the row back to unsent and is logged,
    never raised: the sweeper tries again. ``after_commit`` (the hand-over right after a request's
    commit): for ``OUTBOX_BROKER_PAUSE_SECONDS`` after a failure this process does not try the broker
    again from a request, so a write with several follow-ups waits for one broker timeout, not one per
    job; the rows stay unsent for the sweeper, which always tries.
    """
    global _broker_paused_until
    from django.db.models import Q
    from django.utils import timezone

    from .outbox import OutboxJob

    if after_commit and not _eager() and time.monotonic() < _broker_paused_until:
        return False

    now = timezone.now()
    claimable = Q(sent_at__isnull=True)
    if resend_before is not None:
        claimable |= Q(due_at__lt=resend_before)
    job = OutboxJob.objects.filter(pk=job_id, done_at__isnull=True).filter(claimable).first()
    if job is None:
        return False
    previous = job.sent_at
    due = now + timedelta(seconds=job.countdown if job.attempts == 0 else 0)
    claimed = (
        OutboxJob.objects.filter(pk=job_id, done_at__isnull=True, sent_at=previous)
        .filter(claimable)
        .update(sent_at=now, due_at=due, attempts=job.attempts + 1)
    )
    if not claimed:
        return False
    if _eager():
        # In-process (unit tests, the demo seed): run it now, through the same once-per-row guard.
        task = task_registry()[job.task]
        task.apply(args=job.args, kwargs=job.kwargs or {}, task_id=f"{ID_PREFIX}{job_id}", throw=True)
        return True
    try:
        _send(
            job.task,
            args=job.args,
            kwargs=job.kwargs or None,
            countdown=job.countdown if job.attempts == 0 and job.countdown else None,
            task_id=f"{ID_PREFIX}{job_id}",
        )
    except Exception as exc:  # the broker is down or refused it: the sweeper sends it later
        log.warning("Could not hand job %s (%s) to the broker; the outbox sweeper will: %s", job_id, job.task, exc)
        OutboxJob.objects.filter(pk=job_id, sent_at=now).update(
            sent_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        _broker_paused_until = time.monotonic() + _settings().OUTBOX_BROKER_PAUSE_SECONDS
        return False
    _broker_paused_until = 0.0
    return True


def task_send(name: str, *, args: list | None = None, kwargs: dict | None = None) -> None:
    """Hand a job to the broker now, outside the outbox (a job whose loss costs nothing: e.g. "push now", which
    beat repeats anyway). Raises when the broker is down or the name is unknown."""
    if not known_task(name):
        raise NotRegistered(name)
    if _eager():  # in-process, as ``.delay()`` would under eager Celery (unit tests)
        task_registry()[name].apply(args=list(args or []), kwargs=kwargs or {}, throw=True)
        return
    _send(name, args=list(args or []), kwargs=kwargs, countdown=None, task_id=str(uuid.uuid4()))


def outbox_sweep() -> dict[str, int]:
    """Send what was never sent; send again what was sent but not done long after it was due.

    Safe to run from two beats at once: each row is claimed by a conditional update before it is sent.
    Finished rows are deleted after ``OUTBOX_KEEP_DAYS``.
    """
    from django.db.models import Q
    from django.utils import timezone

    from .outbox import OutboxJob

    settings = _settings()
    now = timezone.now()
    unsent_before = now - timedelta(seconds=settings.OUTBOX_PUBLISH_GRACE_SECONDS)
    stale_before = now - timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
    ids = list(
        OutboxJob.objects.filter(done_at__isnull=True, attempts__lt=settings.OUTBOX_MAX_ATTEMPTS)
        .filter(Q(sent_at__isnull=True, created_at__lt=unsent_before) | Q(due_at__lt=stale_before))
        .order_by("pk")
        .values_list("pk", flat=True)[: settings.OUTBOX_SWEEP_BATCH]
    )
    sent = sum(1 for pk in ids if job_publish(job_id=pk, resend_before=stale_before))
    removed, _ = OutboxJob.objects.filter(done_at__lt=now - timedelta(days=settings.OUTBOX_KEEP_DAYS)).delete()
    return {"found": len(ids), "sent": sent, "removed": removed}
