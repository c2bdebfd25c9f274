"""The full rebuild: same rows as the incremental tables after people move, and what readers see meanwhile.

On PostgreSQL the rebuild fills fresh tables beside the ones readers use and swaps them in just before
it commits (metrics.rollup.swap): a dashboard query issued meanwhile reads the old figures at once,
the incremental job skips rather than waits, and the swapped tables carry Django's names for every
index, constraint and sequence, so later migrations find them.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections, transaction
from django.db.models import Sum

import metrics
from metrics.models import Activity, DailyActor, DailyVerbCount, PromptResponse, RollupState, WeeklyActor
from metrics.rollup import ROLLUP_MODELS, engine, rollup_run
from portal.people.models import Profile, Role

from .conftest import rolled_up, snapshot_tables

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 3, 2, 9, tzinfo=LONDON)
REBUILT = (*ROLLUP_MODELS, PromptResponse)


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


def _names() -> dict[str, object]:
    """Every rebuilt table's indexes and constraints as Django introspects them, and its id sequence's name."""
    found: dict[str, object] = {}
    with connection.cursor() as cursor:
        for model in REBUILT:
            table = model._meta.db_table
            found[table] = connection.introspection.get_constraints(cursor, table)
            found[f"{table} sequences"] = connection.introspection.get_sequences(cursor, table)
    return found


@pytest.mark.django_db
def test_every_rebuilt_table_keeps_the_names_of_its_indexes_constraints_and_sequence(history):
    rolled_up(history(22), START, 10, n=600)
    before = _names()
    assert all(before[m._meta.db_table] for m in REBUILT)
    last_id = DailyActor.objects.order_by("-id").values_list("id", flat=True).first()
    rollup_run(rebuild=True)
    assert _names() == before
    # Ids continue where they were (nothing refers to them, but nothing is handed out twice either).
    assert DailyActor.objects.order_by("id").values_list("id", flat=True).first() > last_id


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_migration_after_a_rebuild_finds_every_index_and_constraint_by_the_name_django_gave_it(history):
    if connection.vendor != "postgresql":
        pytest.skip("the swap is PostgreSQL's (SQLite empties its tables in place)")
    rolled_up(history(25), START, 10, n=600)
    rollup_run(rebuild=True)
    # What later migrations do to these tables: drop and re-create indexes and constraints by name, alter fields.
    with connection.schema_editor() as editor:
        for model in REBUILT:
            for index in model._meta.indexes:
                editor.remove_index(model, index)
                editor.add_index(model, index)
            for constraint in model._meta.constraints:
                editor.remove_constraint(model, constraint)
                editor.add_constraint(model, constraint)
        old = WeeklyActor._meta.get_field("active_mask")
        wider = old.clone()
        wider.set_attributes_from_name("active_mask")
        wider.model = WeeklyActor
        wider.db_index = True
        editor.alter_field(WeeklyActor, old, wider)
        editor.alter_field(WeeklyActor, wider, old)
        prompt = PromptResponse._meta.get_field("prompt")
        editor.alter_field(PromptResponse, prompt, prompt)
    assert rollup_run().processed == 0
    rollup_run(rebuild=True)


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_on_two_connections_equals_the_incremental_tables(history, monkeypatch):
    org = history(27)
    rolled_up(org, START, 10, n=900)
    incremental = snapshot_tables()
    aside = engine._build_aside
    threads = []

    def watched(*args, **kwargs):
        threads.append(threading.current_thread())
        return aside(*args, **kwargs)

    monkeypatch.setattr(engine, "_build_aside", watched)
    rollup_run(rebuild=True)
    assert snapshot_tables() == incremental
    if connection.vendor == "postgresql":  # the entity tables were built by the second connection
        assert threads and threads[0] is not threading.main_thread()
    org.add(200, START + timedelta(days=10), 2)
    rollup_run()
    incremental = snapshot_tables()
    rollup_run(rebuild=True)
    assert snapshot_tables() == incremental


def _build_schemas() -> list[str]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'metrics_rollup_%%'")
        return [row[0] for row in cursor.fetchall()]


# refresh_goals runs on the second connection (PostgreSQL), refresh_weeks on the rebuild's own after the
# second connection may have committed its tables.
@pytest.mark.parametrize("step", ["refresh_goals", "refresh_weeks"])
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_that_fails_leaves_the_old_tables_as_they_were_and_nothing_behind(history, monkeypatch, step):
    rolled_up(history(26), START, 10, n=600)
    before = snapshot_tables()
    build = getattr(engine, step)

    def broken(*args, **kwargs):
        build(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(engine, step, broken)
    with pytest.raises(RuntimeError, match="disk full"):
        rollup_run(rebuild=True)
    assert snapshot_tables() == before
    assert _build_schemas() == []
    monkeypatch.undo()
    rollup_run(rebuild=True)
    assert snapshot_tables() == before
    assert _build_schemas() == []


def _figures() -> dict[str, int]:
    return {
        "count": DailyVerbCount.objects.aggregate(n=Sum("count"))["n"],
        "active": DailyActor.objects.filter(actions__gt=0).count(),
        "weekly": WeeklyActor.objects.aggregate(n=Sum("actions"))["n"],
    }


def _unrolled(org) -> None:
    """Activity the rollup has not seen yet: a rebuild changes the figures, so old and new can be told apart."""
    org.add(300, START + timedelta(days=10), 3)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dashboard_read_during_a_rebuild_sees_the_old_figures_at_once_and_the_new_ones_after(history, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (runs in CI's PostgreSQL pass)")
    org = rolled_up(history(23), START, 10, n=900)
    old = _figures()
    _unrolled(org)
    building, release = threading.Event(), threading.Event()
    topics = engine.refresh_topics

    def held_open(*args, **kwargs):  # the rebuild pauses with its day tables written
        building.set()
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
    seen: dict[str, int] = {}
    try:
        assert building.wait(timeout=20)
        # The incremental job does not queue behind the rebuild: it skips this run.
        assert rollup_run().skipped

        def read():
            try:
                seen.update(_figures())
            except BaseException as error:
                errors.append(error)
            finally:
                connections.close_all()

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=10)
        assert not reader.is_alive()  # it did not wait for the rebuild
    finally:
        release.set()
        thread.join(timeout=30)
    assert not errors
    assert seen == old
    new = _figures()
    assert new["count"] == Activity.objects.count() > old["count"]
    assert RollupState.objects.get(name="activity").last_rebuild_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_swap_that_deadlocks_with_a_reading_transaction_is_repeated_alone_and_the_reader_reads_old_figures(
    history, caplog, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (runs in CI's PostgreSQL pass)")
    org = rolled_up(history(24), START, 10, n=600)
    old = _figures()
    _unrolled(org)
    read_one, rebuild_waits = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    seen: dict[str, int] = {}
    days = engine.rebuild_days_in_database
    rebuilt_days = []

    def counted(*args, **kwargs):
        rebuilt_days.append(1)
        return days(*args, **kwargs)

    monkeypatch.setattr(engine, "rebuild_days_in_database", counted)

    def reader():  # like the sponsor summary: several rollup tables read in one transaction
        try:
            with transaction.atomic():
                seen["active"] = DailyActor.objects.filter(actions__gt=0).count()
                read_one.set()
                assert rebuild_waits.wait(timeout=20)
                # The swap has locked DailyVerbCount and waits for DailyActor, which this transaction holds.
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
        for _ in range(400):
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
    # PostgreSQL cancelled the swap (it waited first), not the reader; the rows were built once.
    assert "swap deadlocked with a reader (attempt 1)" in caplog.text
    assert len(rebuilt_days) == 1
    assert seen == {"active": old["active"], "count": old["count"]}
    assert _figures()["count"] == Activity.objects.count() > old["count"]
