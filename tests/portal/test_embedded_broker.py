"""The embedded broker (kombu's filesystem transport, made atomic in portal.celery) under real processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from celery import Celery, shared_task

from tests.conftest import ROOT, celery_worker_command, wait_for

TRANSPORT = "portal.celery:FilesystemTransport"
TASK = "tests.embedded_broker.record"


@shared_task(name=TASK)
def record(path: str, token: str) -> None:
    """A job whose every run leaves a line in a file: runs are countable without a shared database."""
    with open(path, "a") as f:
        f.write(f"{token}\n")


def broker_options(folder: Path) -> dict:
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
        "processed_folder": str(folder / "processed"),
        "store_processed": False,
    }
    for key in ("data_folder_in", "control_folder"):
        Path(options[key]).mkdir(parents=True, exist_ok=True)
    return options


# ---------------------------------------------------------------- the transport itself, many processes at once
def _produce(options: dict, tag: str, count: int) -> None:
    import kombu

    with kombu.Connection("filesystem://", transport=TRANSPORT, transport_options=options) as conn:
        queue = kombu.Queue("jobs", routing_key="jobs")
        producer = conn.Producer()
        for i in range(count):
            # Large enough that writing a message takes a moment: the window kombu's own transport loses.
            producer.publish({"token": f"{tag}-{i}", "pad": "x" * 20_000}, routing_key="jobs", declare=[queue])


def _consume(options: dict, expected: int, received, errors) -> None:
    import kombu

    with kombu.Connection("filesystem://", transport=TRANSPORT, transport_options=options) as conn:
        queue = kombu.Queue("jobs", routing_key="jobs")(conn.channel())
        queue.declare()
        deadline = time.monotonic() + 60
        while len(received) < expected and time.monotonic() < deadline:
            try:
                message = queue.get(no_ack=True)
            except Exception as exc:  # a half-written message surfaces here as a decode error
                errors.append(repr(exc))
                continue
            if message is not None:
                received.append(message.payload["token"])


def test_concurrent_producers_and_consumers_lose_and_double_nothing(tmp_path):
    options = broker_options(tmp_path)
    per_producer = 400
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager:
        received, errors = manager.list(), manager.list()
        consumers = [
            context.Process(target=_consume, args=(options, 2 * per_producer, received, errors)) for _ in range(2)
        ]
        producers = [context.Process(target=_produce, args=(options, tag, per_producer)) for tag in "ab"]
        for process in consumers + producers:
            process.start()
        for process in consumers + producers:
            process.join(timeout=90)
            assert process.exitcode == 0
        tokens = list(received)
        assert list(errors) == [], "a consumer read a message that was still being written"
        assert len(tokens) == len(set(tokens)), "a message was delivered twice"
        assert set(tokens) == {f"{tag}-{i}" for tag in "ab" for i in range(per_producer)}
    assert os.listdir(options["data_folder_in"]) == [], "nothing is left behind in the queue"


# ---------------------------------------------------------------- a real Celery worker on it
def _start_worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        celery_worker_command("-I", "tests.portal.test_embedded_broker"),
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


@pytest.mark.worker
def test_jobs_queued_while_no_worker_runs_are_done_once_it_starts(tmp_path):
    """What `make run` relies on: jobs queued by seed_demo or the web before the worker is up wait for it."""
    broker = tmp_path / "broker"
    options = broker_options(broker)
    publisher = Celery("publisher", broker="filesystem://")
    publisher.conf.update(broker_transport=TRANSPORT, broker_transport_options=options)
    out = tmp_path / "runs.txt"
    for i in range(5):
        publisher.send_task(TASK, args=[str(out), f"early-{i}"])
    assert len(os.listdir(options["data_folder_in"])) == 5 and not out.exists()

    env = {
        k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        CELERY_TASK_ALWAYS_EAGER="false",
        BROKER_DIR=str(broker),
        PYTHONUNBUFFERED="1",
    )
    log = tmp_path / "worker.log"
    worker = _start_worker(env, log)
    try:
        wait_for(lambda: out.exists() and len(out.read_text().split()) == 5, timeout=60)
        for i in range(5):
            publisher.send_task(TASK, args=[str(out), f"late-{i}"])
        wait_for(lambda: len(out.read_text().split()) == 10, timeout=30)
    except AssertionError:
        raise AssertionError(f"the worker did not run every job:\n{log.read_text()}") from None
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    runs = out.read_text().split()
    assert sorted(runs) == sorted([f"early-{i}" for i in range(5)] + [f"late-{i}" for i in range(5)])
    assert worker.returncode == 0, log.read_text()
    assert os.listdir(options["data_folder_in"]) == []
