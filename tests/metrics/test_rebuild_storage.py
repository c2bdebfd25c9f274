"""The full rebuild: same rows as the incremental tables after people move, and what readers see meanwhile.

On PostgreSQL the rebuild empties the rollup tables with TRUNCATE and builds their secondary indexes
after the inserts; a dashboard query issued meanwhile waits for the rebuild to commit and then reads
the new rows, and the incremental job skips rather than waits.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections, transaction
from django.db.models import Sum

import metrics
from metrics.models import Activity, DailyActor, DailyVerbCount, RollupState, WeeklyActor
from metrics.rollup import engine, rollup_run
from portal.people.models import Profile, Role

from .conftest import rolled_up, snapshot_tables

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 3, 2, 9, tzinfo=LONDON)


def act(actor, verb, *, cohort, at):
    with transaction.atomic():
        return metrics.record(actor=actor, verb=verb, cohort=cohort, target=cohort, at=at)


@pytest.mark.django_db
def test_a_rebuild_after_people_moved_department_equals_the_incremental_tables(history):
    org = history(21)
    org.add(1500, START, 20)
    # As metrics.record writes them: each row carries its actor's department and role as of the act.
    team = set(Profile.objects.filter(user__groups__name=Role.FACILITATOR).values_list("user_id", flat=True))
    for actor_id, department in Profile.objects.values_list("user_id", "department"):
        role = "team" if actor_id in team else "leader"
        Activity.objects.filter(actor_id=actor_id).update(department=department, role=role)
    rollup_run(batch_size=400)
    movers = Profile.objects.filter(department="Finance").order_by("user_id")[:3]
    moved = {p.user_id for p in movers}
    for profile in movers:
        profile.department = "Legal"
        profile.save()
    # New activity recorded through metrics.record carries the new department; old days keep the old one.
    cohort = org.cohorts[0]
    for profile in movers:
        act(profile.user, "post_created", cohort=cohort, at=START + timedelta(days=21))
        act(profile.user, "post_created", cohort=cohort, at=START + timedelta(days=2))  # an old day, again
    rollup_run()
    incremental = snapshot_tables()
    departments = set(DailyActor.objects.filter(actor_id__in=moved).values_list("department", flat=True))
    assert departments == {"Finance", "Legal"}
    rollup_run(rebuild=True)
    assert snapshot_tables() == incremental
    rollup_run(rebuild=True)  # and again, over the tables the first rebuild wrote
    assert snapshot_tables() == incremental
    assert rollup_run().processed == 0
    assert snapshot_tables() == incremental


def _indexes() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        return {
            model._meta.db_table: set(connection.introspection.get_constraints(cursor, model._meta.db_table))
            for model in engine.BULK_MODELS
        }


@pytest.mark.django_db
def test_the_day_tables_keep_every_index_through_a_rebuild(history):
    rolled_up(history(22), START, 10, n=600)
    before = _indexes()
    assert all(before.values())
    rollup_run(rebuild=True)
    assert _indexes() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dashboard_read_during_a_rebuild_waits_and_sees_every_figure(history, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (runs in CI's PostgreSQL pass)")
    rolled_up(history(23), START, 10, n=900)
    total = Activity.objects.count()
    active = DailyActor.objects.filter(actions__gt=0).count()
    weekly = WeeklyActor.objects.aggregate(n=Sum("actions"))["n"]
    emptied, release = threading.Event(), threading.Event()
    topics = engine.refresh_topics

    def held_open(*args, **kwargs):  # the rebuild pauses with its tables emptied and half refilled
        emptied.set()
        assert release.wait(timeout=20)
        return topics(*args, **kwargs)

    monkeypatch.setattr(engine, "refresh_topics", held_open)
    errors: list[BaseException] = []

    def rebuild():
        try:
            rollup_run(rebuild=True)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=rebuild)
    thread.start()
    try:
        assert emptied.wait(timeout=20)
        # The incremental job does not queue behind the rebuild: it skips this run.
        assert rollup_run().skipped
        seen: dict[str, int] = {}
        reading = threading.Event()

        def read():
            try:
                reading.set()
                seen["count"] = DailyVerbCount.objects.aggregate(n=Sum("count"))["n"]
                seen["active"] = DailyActor.objects.filter(actions__gt=0).count()
                seen["weekly"] = WeeklyActor.objects.aggregate(n=Sum("actions"))["n"]
            except BaseException as error:
                errors.append(error)
            finally:
                connections.close_all()

        reader = threading.Thread(target=read)
        reader.start()
        assert reading.wait(timeout=10)
        reader.join(timeout=0.5)
        assert reader.is_alive()  # waiting for the rebuild, not reading an empty table
    finally:
        release.set()
        thread.join(timeout=30)
    reader.join(timeout=30)
    assert not errors
    assert seen == {"count": total, "active": active, "weekly": weekly}
    assert RollupState.objects.get(name="activity").last_rebuild_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_that_deadlocks_with_a_reading_transaction_starts_again_and_the_reader_finishes(history, caplog):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (runs in CI's PostgreSQL pass)")
    rolled_up(history(24), START, 10, n=600)
    before = snapshot_tables()
    read_one, rebuild_waits = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    seen: dict[str, int] = {}

    def reader():  # like the sponsor summary: several rollup tables read in one transaction
        try:
            with transaction.atomic():
                seen["active"] = DailyActor.objects.filter(actions__gt=0).count()
                read_one.set()
                assert rebuild_waits.wait(timeout=20)
                # The rebuild has emptied DailyVerbCount and waits for DailyActor, which this transaction holds.
                seen["count"] = DailyVerbCount.objects.aggregate(n=Sum("count"))["n"]
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=reader)
    thread.start()
    assert read_one.wait(timeout=10)
    result: dict = {}

    def rebuild():
        try:
            result["run"] = rollup_run(rebuild=True)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    rebuilder = threading.Thread(target=rebuild)
    rebuilder.start()
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass", ["metrics_dailyactor"]
            )
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.05)
    rebuild_waits.set()
    thread.join(timeout=30)
    rebuilder.join(timeout=30)
    assert not errors
    assert result["run"].rebuilt
    assert "deadlocked with a reader (attempt 1)" in caplog.text  # PostgreSQL cancelled the rebuild, not the reader
    assert seen == {"active": DailyActor.objects.filter(actions__gt=0).count(), "count": Activity.objects.count()}
    assert snapshot_tables() == before
