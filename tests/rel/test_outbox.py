"""The one job hand-off (portal.jobs): a transactional outbox, swept, run once per row."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from forums.models import Post
from forums.services import post_reply
from portal.celery import app
from portal.jobs import NotRegistered, enqueue_on_commit, outbox_sweep
from portal.notifications import Event
from portal.notifications.models import Notification
from portal.outbox import OutboxJob
from portal.tasks import heartbeat
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


def _reply_notes(user):
    return Notification.objects.filter(recipient=user, event=Event.TOPIC_REPLY)


def test_a_rolled_back_change_leaves_no_job(topic, other_leader):
    before = OutboxJob.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        post_reply(actor=other_leader, topic=topic, body="<p>Never mind</p>")
        assert OutboxJob.objects.count() > before  # written in the same transaction …
        raise RuntimeError("the request failed after the reply")
    assert OutboxJob.objects.count() == before  # … and gone with it


def test_the_job_runs_after_the_commit_and_is_marked_done(
    topic, leader, other_leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(actor=other_leader, topic=topic, body="<p>Tried a poll</p>")
    job = OutboxJob.objects.get(task="forums.tasks.post_created_notify")
    assert job.done_at is not None and job.attempts == 1
    assert _reply_notes(leader).get().count == 1


def test_a_second_delivery_of_the_same_job_does_nothing(
    topic, leader, other_leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(actor=other_leader, topic=topic, body="<p>Tried a poll</p>")
    job = OutboxJob.objects.get(task="forums.tasks.post_created_notify")
    # The broker delivers the message again (a redelivery after a lost ack): same task id.
    app.tasks[job.task].apply(args=job.args, task_id=f"outbox-{job.pk}", throw=True)
    assert _reply_notes(leader).get().count == 1
    # Without the outbox guard the same task would have counted the reply twice.
    app.tasks[job.task].apply(args=job.args, throw=True)
    assert _reply_notes(leader).get().count == 2


def test_once_per_transaction_keeps_one_job_per_person(leader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        for _ in range(3):
            enqueue_on_commit(heartbeat, once_per_transaction=True)
    assert len(callbacks) == 1
    assert OutboxJob.objects.filter(task="portal.tasks.heartbeat").count() == 1


def test_a_key_writes_the_job_once(db):
    enqueue_on_commit(heartbeat, key="beat:once")
    enqueue_on_commit(heartbeat, key="beat:once")
    assert OutboxJob.objects.filter(key="beat:once").count() == 1


def test_an_unknown_task_name_fails_at_enqueue_and_writes_no_job(leader):
    # Services enqueue their own app's tasks by name; a typo must fail the write loudly, not lose the job.
    before = OutboxJob.objects.count()
    with pytest.raises(NotRegistered), transaction.atomic():
        enqueue_on_commit("forums.tasks.post_created_notfy", 1)
    assert OutboxJob.objects.count() == before


def test_a_job_enqueued_by_name_runs_in_process(leader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit("portal.tasks.heartbeat")
    assert OutboxJob.objects.get(task="portal.tasks.heartbeat").done_at is not None


def test_names_resolve_in_a_process_that_never_imported_the_tasks_modules():
    # The web process imports no tasks module (services name tasks by string): the registry imports them.
    script = (
        "import sys, django; django.setup()\n"
        "assert 'forums.tasks' not in sys.modules and 'portal.notifications.tasks' not in sys.modules\n"
        "from portal.jobs import task_registry\n"
        "names = task_registry()\n"
        "print('forums.tasks.post_created_notify' in names, 'portal.tasks.send_invitation_email' in names)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_broker_down_the_reply_is_saved_with_its_normal_page_and_sent_later(
    client, topic, leader, other_leader, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(other_leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("forums:topic-reply", args=[topic.pk]), {"body": "Saved while the broker was away"}
        )
    assert response.status_code == 302  # the normal redirect to the new post, not a 500
    assert Post.objects.filter(topic=topic, body__contains="Saved while the broker was away").count() == 1
    job = OutboxJob.objects.get(task="forums.tasks.post_created_notify")
    assert job.sent_at is None and "Error" in job.last_error
    assert not _reply_notes(leader).exists()

    # The sweeper leaves a fresh job to its publisher, and sends it once the grace period has passed.
    app.conf.task_always_eager = True  # "the broker is back": here, run in-process
    assert outbox_sweep()["found"] == 0
    OutboxJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert outbox_sweep()["sent"] >= 1
    assert _reply_notes(leader).get().count == 1
    # A second sweep (or a second beat) sends nothing again.
    assert outbox_sweep()["sent"] == 0
    assert _reply_notes(leader).get().count == 1


def test_a_job_sent_but_never_finished_is_sent_again_once(topic, leader, other_leader, broker_down, settings):
    settings.OUTBOX_STALE_SECONDS = 60
    with transaction.atomic():
        post_reply(actor=other_leader, topic=topic, body="<p>Lost in a dead worker</p>")
    job = OutboxJob.objects.get(task="forums.tasks.post_created_notify")
    # Handed over, then the worker running it was killed: sent, started, never done.
    long_ago = timezone.now() - timedelta(minutes=10)
    OutboxJob.objects.filter(pk=job.pk).update(sent_at=long_ago, due_at=long_ago, started_at=long_ago, attempts=1)
    app.conf.task_always_eager = True
    assert outbox_sweep()["sent"] == 1
    job.refresh_from_db()
    assert job.done_at is not None and job.attempts == 2
    assert _reply_notes(leader).get().count == 1


def test_broker_down_a_write_with_several_follow_ups_tries_the_broker_once_not_once_per_job(
    topic, leader, other_leader, broker_down, django_capture_on_commit_callbacks, settings
):
    # Measured in the Redis-outage ops test: each follow-up of a write waited for its own broker timeout
    # (12-18 s for the page). After one failed hand-over the process leaves jobs to the sweeper for a while.
    from django.db import transaction

    from portal.jobs import enqueue_on_commit

    settings.OUTBOX_BROKER_PAUSE_SECONDS = 30
    before = OutboxJob.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        # What a reply's transaction hands over: its notifications, and each person's goals.
        enqueue_on_commit("forums.tasks.post_created_notify", topic.first_post_id)
        enqueue_on_commit("onboarding.tasks.goals_refresh", leader.pk)
        enqueue_on_commit("onboarding.tasks.goals_refresh", other_leader.pk)
    jobs = list(OutboxJob.objects.filter(pk__gt=before).order_by("pk"))
    assert len(jobs) == 3
    assert all(job.sent_at is None for job in jobs)
    assert [bool(job.attempts) for job in jobs] == [True, False, False]
    assert "Error" in jobs[0].last_error and jobs[1].last_error == jobs[2].last_error == ""

    # Every one of them still runs, once, when the sweeper sends them (the sweeper always tries the broker).
    app.conf.task_always_eager = True
    OutboxJob.objects.filter(pk__gt=before).update(created_at=timezone.now() - timedelta(minutes=2))
    assert outbox_sweep()["sent"] == 3
    assert not OutboxJob.objects.filter(pk__in=[job.pk for job in jobs], done_at__isnull=True).exists()
