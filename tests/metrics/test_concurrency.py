"""Rollups and sponsor summaries under concurrency, on PostgreSQL (each thread has its own connection).

SQLite serialises writers (IMMEDIATE transactions), so these run in CI's PostgreSQL pass.
"""

import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection, connections, transaction
from django.utils import timezone

from metrics.models import Activity, DailyVerbCount, RollupGap, RollupState, SentSummary
from metrics.rollup import engine, rollup_run
from metrics.summaries import summary_send
from tests.factories import ActivityFactory, UserFactory

from .conftest import snapshot_tables

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and concurrent transactions (runs in CI's PostgreSQL pass)")


def in_thread(target):
    errors = []

    def run():
        try:
            target()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_a_run_while_another_holds_the_lock_is_skipped(leader, cohort):
    ActivityFactory(actor=leader, cohort=cohort)
    RollupState.objects.create(name="activity")
    locked, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            RollupState.objects.select_for_update().get(name="activity")
            locked.set()
            release.wait(timeout=20)

    thread, errors = in_thread(hold)
    assert locked.wait(timeout=10)
    assert rollup_run().skipped
    assert not DailyVerbCount.objects.exists()
    release.set()
    thread.join()
    assert not errors
    assert rollup_run().processed >= 1
    assert DailyVerbCount.objects.filter(verb="post_created").exists()


def slow_post(leader, cohort, created_at):
    """A post written in a transaction that stays open until ``commit`` is set: its id is taken, not yet visible."""
    inserted, commit, committed = threading.Event(), threading.Event(), threading.Event()

    def slow_writer():
        with transaction.atomic():
            Activity.objects.create(actor=leader, cohort=cohort, verb="post_created", created_at=created_at)
            inserted.set()
            commit.wait(timeout=20)
        committed.set()

    thread, errors = in_thread(slow_writer)
    assert inserted.wait(timeout=10)
    return thread, errors, commit, committed


def test_an_id_still_in_flight_when_the_watermark_passes_it_is_counted_once_it_commits(leader, cohort):
    yesterday = timezone.now() - timedelta(days=1)
    ActivityFactory(actor=leader, cohort=cohort, verb="signed_in", created_at=yesterday)
    rollup_run()  # the watermark is past everything committed so far
    thread, errors, commit, _ = slow_post(leader, cohort, yesterday)
    ActivityFactory(actor=leader, cohort=cohort, verb="post_created")  # a later id, committed first
    rollup_run()
    assert RollupGap.objects.count() == 1
    assert DailyVerbCount.objects.filter(verb="post_created").count() == 1
    commit.set()
    thread.join()
    assert not errors
    rollup_run()
    assert DailyVerbCount.objects.filter(verb="post_created").count() == 2
    assert not RollupGap.objects.exists()
    incremental = snapshot_tables()
    rollup_run(rebuild=True)
    assert snapshot_tables() == incremental


def test_an_id_in_flight_that_commits_while_a_rebuild_runs_is_rolled_up_once_by_the_next_run(
    leader, cohort, monkeypatch
):
    # A rebuild reads the watermark, then the log, then which ids it saw: an activity committed between those
    # reads must be left to the next run (a gap), not passed over by the watermark with no day counting it.
    yesterday = timezone.now() - timedelta(days=1)
    ActivityFactory(actor=leader, cohort=cohort, verb="signed_in", created_at=yesterday)
    rollup_run()  # a watermark from an earlier run
    thread, errors, commit, committed = slow_post(leader, cohort, yesterday)
    ActivityFactory(actor=leader, cohort=cohort, verb="post_created", created_at=yesterday)  # a later id, committed
    read_the_log = engine.rebuild_days_in_database

    def then_the_writer_commits(**kwargs):
        read_the_log(**kwargs)
        commit.set()  # the in-flight activity commits after the rebuild has read the log
        assert committed.wait(timeout=10)

    monkeypatch.setattr(engine, "rebuild_days_in_database", then_the_writer_commits)
    rollup_run(rebuild=True)
    thread.join()
    assert not errors
    monkeypatch.undo()
    rollup_run()
    posts = DailyVerbCount.objects.filter(verb="post_created").values_list("count", flat=True)
    assert sum(posts) == Activity.objects.filter(verb="post_created").count() == 2
    assert not RollupGap.objects.exists()


def test_a_rebuild_that_waits_for_a_running_batch_starts_afresh_after_it_and_counts_everything(leader, cohort):
    # The rebuild reads one snapshot; the batch it waited for changed the state after that snapshot, so the
    # rebuild's lock is refused once and it starts again, rather than failing the command.
    ActivityFactory(actor=leader, cohort=cohort, verb="post_created")
    rollup_run()
    locked, release = threading.Event(), threading.Event()

    def batch():
        with transaction.atomic():
            state = RollupState.objects.select_for_update().get(name="activity")
            locked.set()
            release.wait(timeout=20)
            state.last_run_at = timezone.now()
            state.save()

    thread, errors = in_thread(batch)
    assert locked.wait(timeout=10)
    ActivityFactory(actor=leader, cohort=cohort, verb="post_created")
    threading.Timer(1.0, release.set).start()  # while the rebuild waits for the lock
    result = rollup_run(rebuild=True)
    thread.join()
    assert not errors
    assert result.rebuilt
    assert sum(DailyVerbCount.objects.filter(verb="post_created").values_list("count", flat=True)) == 2


def test_two_workers_sending_the_same_summary_send_one_email(cohort):
    cohort.sponsor = UserFactory(email="sponsor@keystone.example")
    cohort.save()
    barrier = threading.Barrier(2)
    sent = []

    def send():
        barrier.wait(timeout=10)
        sent.append(summary_send(cohort_id=cohort.pk, week_start=date(2026, 6, 8)))

    threads = [in_thread(send) for _ in range(2)]
    for thread, errors in threads:
        thread.join()
        assert not errors
    assert sorted(sent) == [False, True]
    assert len(mail.outbox) == 1
    assert SentSummary.objects.get().sent_at is not None
