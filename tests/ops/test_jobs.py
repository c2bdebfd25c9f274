"""Jobs under failure, run for real: a worker killed -9 mid-job, two sweepers at once, and two ``celery
beat`` processes at once against two workers."""

from __future__ import annotations

import re
import signal
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from blogs.models import Entry
from blogs.services import entries as entry_services
from blogs.services import publishing
from forums.models import Topic
from metrics.models import Activity
from metrics.verbs import Verb
from onboarding.facilitation import services as prompt_services
from onboarding.facilitation.services import When
from portal.jobs import enqueue_on_commit, outbox_sweep
from portal.models import JobHeartbeat
from portal.notifications import Event
from portal.notifications.models import Notification
from portal.outbox import OutboxJob
from tests.conftest import celery_worker_command, wait_for
from tests.factories import BoardFactory, CohortFactory, FollowFactory, facilitator_of, member_of
from tests.ops.tasks import slow_job

pytestmark = [pytest.mark.ops, pytest.mark.django_db(transaction=True)]


def _runs(key: str) -> int:
    return JobHeartbeat.objects.filter(name__startswith=f"{key}:").count()


def test_a_job_of_a_worker_killed_mid_run_completes_once(stack, settings):
    settings.OUTBOX_STALE_SECONDS = 5
    settings.OUTBOX_LEASE_SECONDS = 5
    key = f"kill-{uuid.uuid4().hex[:8]}"
    enqueue_on_commit(slow_job, key, 6)  # autocommit: written and handed to the broker now
    job = OutboxJob.objects.get(args__0=key)
    wait_for(lambda: OutboxJob.objects.filter(pk=job.pk, started_at__isnull=False).exists(), timeout=60)
    stack.procs["worker"].send_signal(signal.SIGKILL)  # the whole (solo) worker, mid-job
    stack.procs["worker"].wait(timeout=20)
    stack.procs.pop("worker")
    assert _runs(key) == 0
    stack.start("worker", [*celery_worker_command("-Q", "celery")])
    time.sleep(6)  # past the lease and the stale time (5 s here; 300 s in production)
    assert outbox_sweep()["sent"] == 1  # beat's sweeper, every minute
    wait_for(lambda: OutboxJob.objects.filter(pk=job.pk, done_at__isnull=False).exists(), timeout=90)
    assert _runs(key) == 1
    assert outbox_sweep()["sent"] == 0


def test_two_sweepers_at_once_send_each_job_once(stack, settings):
    from django.db import connection

    settings.OUTBOX_PUBLISH_GRACE_SECONDS = 0
    key = f"beats-{uuid.uuid4().hex[:8]}"
    # Jobs whose hand-over failed (as if the broker had been down): rows without sent_at.
    jobs = [OutboxJob.objects.create(task=slow_job.name, args=[f"{key}-{n}", 0]) for n in range(20)]
    barrier = threading.Barrier(2)
    sent = []

    def beat():
        barrier.wait()
        try:
            sent.append(outbox_sweep()["sent"])
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(sent) == 20
    wait_for(lambda: OutboxJob.objects.filter(pk__in=[j.pk for j in jobs], done_at__isnull=False).count() == 20, 90)
    assert [_runs(f"{key}-{n}") for n in range(20)] == [1] * 20


def test_two_beats_at_once_every_periodic_job_takes_effect_once(stack, settings):
    """Two ``celery beat`` processes (a second one started by mistake, or two hosts both running one) and
    two workers: each periodic job is sent twice a minute, the two copies run side by side, and still
    each due thing happens once: a scheduled entry is published, a starter prompt is released, a job the
    outbox never sent runs."""
    cohort = CohortFactory(name="Ferry crews", slug="ferry")
    facilitator = facilitator_of(cohort)
    writer, reader = member_of(cohort), member_of(cohort)
    board = BoardFactory(cohort=cohort, title="Crossings", slug="crossings")
    FollowFactory(follower=reader, followee=writer)
    entry = entry_services.entry_create(actor=writer, title="Fog drill", body="<p>Horns.</p>")
    entry = publishing.entry_schedule(actor=writer, entry=entry, publish_at=timezone.now() + timedelta(seconds=1))
    prompt = prompt_services.prompt_schedule(
        actor=facilitator, cohort=cohort, board=board, title="Which crossing taught you most?",
        body="<p>One story.</p>", kind="question", when=When.absolute(timezone.now() - timedelta(minutes=1)),
    )  # fmt: skip
    key = f"beats-{uuid.uuid4().hex[:8]}"
    # Jobs whose hand-over failed (the broker was down): the sweeper in the workers, sent by beat, sends them.
    jobs = [OutboxJob.objects.create(task=slow_job.name, args=[f"{key}-{n}", 0]) for n in range(10)]
    wait_for(lambda: timezone.now() > entry.publish_at, timeout=10)
    periodic = ["portal.jobs.sweep", "blogs.tasks.publish_due_entries", "facilitation.release_due_prompts"]
    stack.start("worker2", [*celery_worker_command("-Q", "celery", "-n", "worker2@%h")])
    stack.start_beat("beat1")
    stack.start_beat("beat2")
    started = time.monotonic()
    try:
        # Both beats send each job at the next minute; both workers take the copies.
        wait_for(lambda: all(_succeeded(stack, task) >= 2 for task in periodic), timeout=150)
    finally:
        for name in ("beat1", "beat2", "worker2"):
            stack.stop(name)
    for name in ("beat1", "beat2"):
        sent = stack.logs[name].read_text()
        assert all(f"({task})" in sent for task in periodic), sent[-2000:]
    print(f"two beats: every periodic job sent twice and done {time.monotonic() - started:.0f} s after they started")

    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.PUBLISHED
    assert Activity.objects.filter(verb=Verb.ENTRY_PUBLISHED, actor=writer).count() == 1
    wait_for(lambda: Notification.objects.filter(recipient=reader, event=Event.FOLLOWED_ENTRY).exists(), timeout=30)
    assert Notification.objects.filter(recipient=reader, event=Event.FOLLOWED_ENTRY).count() == 1
    prompt.refresh_from_db()
    assert prompt.released_topic_id is not None
    assert Topic.objects.filter(board=board).count() == 1
    assert Activity.objects.filter(verb=Verb.PROMPT_RELEASED).count() == 1
    wait_for(lambda: OutboxJob.objects.filter(pk__in=[j.pk for j in jobs], done_at__isnull=False).count() == 10, 30)
    assert [_runs(f"{key}-{n}") for n in range(10)] == [1] * 10


def _succeeded(stack, task: str) -> int:
    """Runs of ``task`` the workers logged as finished (both workers' logs)."""
    pattern = re.compile(rf"Task {re.escape(task)}\[[^\]]+\] succeeded")
    return sum(len(pattern.findall(stack.logs[name].read_text())) for name in ("worker", "worker2"))
