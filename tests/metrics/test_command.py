"""`manage.py rollup` and the demo seed: both run the real rollup and agree with each other."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from demo import metrics as demo
from metrics.models import DailyActor, DailyVerbCount
from metrics.rollup import rollup_run

from .conftest import History, snapshot_tables

START = datetime(2026, 4, 1, tzinfo=ZoneInfo("UTC"))


@pytest.mark.django_db
def test_the_command_rolls_up_then_rebuilds_to_the_same_rows():
    org = History(2)
    org.add(400, START, 14)
    out = StringIO()
    call_command("rollup", stdout=out)
    assert "Rolled up 400 activities over 14 days" in out.getvalue()
    incremental = snapshot_tables()
    org.add(50, START + timedelta(days=14), 1)
    call_command("rollup", "--batch-size", "20", stdout=out)
    assert "Rolled up 50 activities over 1 days in 3 batch(es)" in out.getvalue()
    after = snapshot_tables()
    assert after != incremental
    call_command("rollup", "--rebuild", stdout=out)
    assert "Rebuilt 450 activities" in out.getvalue()
    assert snapshot_tables() == after


@pytest.mark.django_db
def test_the_demo_seed_runs_the_real_rollup_and_can_run_twice():
    org = History(3)
    org.add(300, START, 20)
    demo.seed(org)
    seeded = snapshot_tables()
    assert DailyActor.objects.exists()
    demo.seed(org)
    assert snapshot_tables() == seeded
    rollup_run()
    assert snapshot_tables() == seeded
    demo.reset()
    assert not DailyVerbCount.objects.exists()
