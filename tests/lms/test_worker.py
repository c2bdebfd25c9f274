"""The push job on a real Celery worker against a real Ralph LRS: committed activity goes out once, an LRS
outage is ridden out, and nothing is sent twice. Marked ``worker`` (CI runs these against Redis)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection, transaction

import metrics
from lms.models import XapiCursor
from lms.tasks import xapi_push
from lms.xapi.source import read_activities
from lms.xapi.statements import build_statement, statement_id
from metrics.verbs import Verb
from tests.conftest import ROOT, celery_worker_command, database_url, wait_for
from tests.factories import EntryFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

QUEUE = "lms-xapi-test"


@pytest.fixture
def xapi_worker(celery_worker, lrs):
    """A second real worker, configured by environment for the test LRS, consuming its own queue."""
    from portal.celery import app

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "XAPI_ENDPOINT": lrs.endpoint,
        "XAPI_KEY": lrs.user,
        "XAPI_SECRET": lrs.secret,
        "XAPI_PLATFORM_IRI": "https://keystone.test",
        "XAPI_TIMEOUT": "5",
    }
    env["DATABASE_URL"] = database_url(db)
    options = app.conf.broker_transport_options or {}
    if options.get("data_folder_in"):
        env["BROKER_DIR"] = str(Path(options["data_folder_in"]).parent)
    log = Path(tempfile.mkstemp(prefix="keystone-xapi-worker-", suffix=".log")[1])
    proc = subprocess.Popen(
        celery_worker_command("-Q", QUEUE, "-n", f"xapi-{os.getpid()}@%h"),
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: "ready." in log.read_text(), timeout=90)
        yield log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _publish(leader, cohort, n: int) -> list[int]:
    ids = []
    for _ in range(n):
        entry = EntryFactory(author=leader)
        with transaction.atomic():
            ids.append(metrics.record(actor=leader, verb=Verb.ENTRY_PUBLISHED, target=entry, cohort=cohort).pk)
    return ids


def _stored(lrs) -> Counter:
    return Counter(s["id"] for s in lrs.statements())


def test_worker_sends_committed_activity_once_across_an_lrs_outage(xapi_worker, lrs, leader, cohort):
    first = _publish(leader, cohort, 3)
    xapi_push.apply_async(queue=QUEUE)
    wait_for(lambda: XapiCursor.objects.filter(last_activity_id__gte=max(first)).exists(), timeout=60)
    assert {statement_id(i) for i in first} <= set(_stored(lrs))

    lrs.stop()
    second = _publish(leader, cohort, 2)
    xapi_push.apply_async(kwargs={"force": True}, queue=QUEUE)
    wait_for(lambda: XapiCursor.objects.filter(consecutive_failures__gte=1).exists(), timeout=60)
    assert XapiCursor.objects.get().last_activity_id < min(second), "the cursor waits for the LRS"

    lrs.start()
    xapi_push.apply_async(kwargs={"force": True}, queue=QUEUE)
    wait_for(lambda: XapiCursor.objects.filter(last_activity_id__gte=max(second)).exists(), timeout=60)
    stored = _stored(lrs)
    assert {statement_id(i) for i in first + second} <= set(stored)
    # Everything else the log holds by now (e.g. goals the worker's jobs completed) is there too, once.
    upto = XapiCursor.objects.get().last_activity_id
    rows = read_activities(after_id=0, limit=10_000)
    log = {statement_id(r.id) for r in rows if r.id <= upto and build_statement(r)}
    assert set(stored) == log
    assert set(stored.values()) == {1}
