"""The web process hands jobs to Celery without Celery (portal.outbox_send, issue 13).

A gunicorn worker writes the outbox row, then pushes the message ``app.send_task`` would have pushed, with
redis-py. Checked here against Celery itself: the same message, a real ``celery worker`` running what was
sent (at once and after a countdown), Redis down (the write succeeds, the sweeper sends the job later, it
runs once), and the static list of task names against the worker's registry.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from portal import outbox_send
from portal.celery import app
from portal.jobs import NotRegistered, enqueue_on_commit, outbox_sweep, task_registry
from portal.outbox import OutboxJob
from portal.outbox_tasks import declared_task_names
from tests.conftest import ROOT, _free_port, _reset_producer_pool, celery_worker_command, database_url, wait_for

needs_redis = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")


@pytest.fixture
def private_redis():
    """A redis-server of this test's own on a free loopback port (never the suite's Redis)."""
    port = _free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    wait_for(lambda: _pings(client), timeout=10)
    yield f"redis://127.0.0.1:{port}/0", client
    proc.terminate()
    proc.wait(timeout=10)


def _pings(client) -> bool:
    try:
        return client.ping()
    except OSError:
        return False
    except Exception:  # redis.ConnectionError while it starts
        return False


def _without_noise(message: dict) -> dict:
    """What may differ between two sends of the same job: the delivery tag, the sender's name, reply queue."""
    message = json.loads(json.dumps(message))
    message["properties"].pop("delivery_tag")
    message["properties"].pop("reply_to")
    message["headers"].pop("origin")
    message["headers"].pop("eta")
    return message


def _differences(a: dict, b: dict, prefix: str = "") -> dict:
    out = {}
    for key in sorted(set(a) | set(b)):
        x, y = a.get(key, "<missing>"), b.get(key, "<missing>")
        if isinstance(x, dict) and isinstance(y, dict):
            out.update(_differences(x, y, f"{prefix}{key}."))
        elif x != y:
            out[f"{prefix}{key}"] = (x, y)
    return out


@needs_redis
def test_the_message_is_the_one_celery_sends(private_redis):
    url, client = private_redis
    task_registry()  # Celery knows the tasks, as a worker or beat does (their time limits go in the message)
    saved = (app.conf.broker_url, app.conf.broker_transport, dict(app.conf.broker_transport_options or {}))
    app.conf.broker_url, app.conf.broker_transport_options = url, {}
    app.conf.broker_transport = "portal.celery:RedisTransport"  # as production (the SQLite profile: filesystem)
    _reset_producer_pool(app)
    try:
        app.send_task("forums.tasks.post_created_notify", args=[5], task_id="outbox-7", retry=False)
        app.send_task(
            "lms.tasks.xapi_push", args=[], kwargs={"force": True}, task_id="outbox-8", countdown=20, retry=False
        )
    finally:
        app.conf.broker_url, app.conf.broker_transport, app.conf.broker_transport_options = saved
        _reset_producer_pool(app)
    by_celery = [json.loads(raw) for raw in reversed(client.lrange("celery", 0, -1))]
    client.delete("celery")

    outbox_send.send(url, name="forums.tasks.post_created_notify", task_id="outbox-7", args=[5])
    outbox_send.send(url, name="lms.tasks.xapi_push", task_id="outbox-8", args=[], kwargs={"force": True}, countdown=20)
    ours = [json.loads(raw) for raw in reversed(client.lrange("celery", 0, -1))]

    assert len(ours) == len(by_celery) == 2
    for mine, celerys in zip(ours, by_celery, strict=True):
        assert _differences(_without_noise(mine), _without_noise(celerys)) == {}
    assert json.loads(base64.b64decode(ours[1]["body"]))[:2] == [[], {"force": True}]
    assert ours[0]["headers"]["timelimit"] == [600, 540]
    # The countdown is an ETA, in UTC, about 20 s from now, as Celery writes it.
    assert ours[0]["headers"]["eta"] is None and by_celery[1]["headers"]["eta"].endswith("+00:00")
    assert (
        ours[1]["headers"]["eta"].endswith("+00:00")
        and ours[1]["headers"]["eta"][:16] == by_celery[1]["headers"]["eta"][:16]
    )


@pytest.fixture
def redis_worker(private_redis, transactional_db, settings):
    """A real ``celery worker`` on the private Redis, sharing the test database; jobs go to it from here."""
    from django.db import connection

    url, client = private_redis
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "REDIS_URL": url,
        "CELERY_BROKER_URL": url,
        "KEYSTONE_REDIS_PER_WORKER": "1",
    }
    env["DATABASE_URL"] = database_url(db)
    log = ROOT / "var" / f"test-outbox-worker-{os.getpid()}.log"
    log.parent.mkdir(exist_ok=True)
    proc = subprocess.Popen(celery_worker_command(), cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "ready." in log.read_text() or proc.poll() is not None, timeout=60)
        assert proc.poll() is None, log.read_text()
        settings.CELERY_BROKER_URL = url
        eager, app.conf.task_always_eager = app.conf.task_always_eager, False
        yield url, client
    finally:
        app.conf.task_always_eager = eager
        proc.terminate()
        proc.wait(timeout=20)
        log.unlink(missing_ok=True)


@needs_redis
@pytest.mark.worker
def test_a_real_worker_runs_what_the_web_process_sent(redis_worker):
    from portal.models import JobHeartbeat

    enqueue_on_commit("portal.tasks.heartbeat")  # autocommit: written, then pushed with redis-py
    job = OutboxJob.objects.get(task="portal.tasks.heartbeat")
    wait_for(lambda: OutboxJob.objects.filter(pk=job.pk, done_at__isnull=False).exists(), timeout=60)
    assert JobHeartbeat.objects.get(name="beat").last_run_at is not None

    # A countdown: the worker holds it until its ETA, then runs it, once.
    began = time.monotonic()
    enqueue_on_commit("portal.tasks.heartbeat", countdown=3)
    later = OutboxJob.objects.filter(task="portal.tasks.heartbeat").latest("pk")
    wait_for(lambda: OutboxJob.objects.filter(pk=later.pk, done_at__isnull=False).exists(), timeout=60)
    assert time.monotonic() - began >= 2.5
    assert OutboxJob.objects.get(pk=later.pk).attempts == 1


@needs_redis
@pytest.mark.worker
def test_redis_down_the_write_succeeds_and_the_sweeper_sends_it_later(redis_worker, settings):
    from portal.jobs import broker_pause_reset
    from portal.models import JobHeartbeat

    url, _ = redis_worker
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_free_port()}/0"  # nothing listens there
    began = time.monotonic()
    enqueue_on_commit("portal.tasks.heartbeat")  # no exception reaches the writer
    assert time.monotonic() - began < 5
    job = OutboxJob.objects.get(task="portal.tasks.heartbeat")
    assert job.sent_at is None and "ConnectionError" in job.last_error

    settings.CELERY_BROKER_URL = url  # Redis is back
    broker_pause_reset()
    settings.OUTBOX_PUBLISH_GRACE_SECONDS = 0
    assert outbox_sweep()["sent"] == 1
    wait_for(lambda: OutboxJob.objects.filter(pk=job.pk, done_at__isnull=False).exists(), timeout=60)
    assert outbox_sweep()["sent"] == 0  # done: never sent again
    assert JobHeartbeat.objects.filter(name="beat").count() == 1


def test_every_task_in_the_workers_registry_is_declared_by_its_own_app_and_nothing_else():
    from django.apps import apps

    # (tests.* tasks are defined by test modules that ran in this process)
    registry = {name: task for name, task in task_registry().items() if not name.startswith(("celery.", "tests."))}
    assert set(registry) == declared_task_names(), "an AppConfig.job_names must list its app's tasks (and no other)"
    for name, task in registry.items():
        owner = apps.get_containing_app_config(task.run.__module__)
        assert owner is not None and name in getattr(owner, "job_names", ()), f"{name} is not declared by {owner}"


def test_an_unknown_name_is_refused_before_anything_is_written(db):
    with pytest.raises(NotRegistered):
        enqueue_on_commit("forums.tasks.post_created_notifi", 1)
    assert not OutboxJob.objects.exists()


def test_a_web_process_hands_jobs_over_without_loading_celery():
    """The production web process: settings, every view module, a job handed over; no Celery, kombu or billiard."""
    probe = (
        "import sys\n"
        "from portal.wsgi import application\n"
        "from django.urls import get_resolver\n"
        "get_resolver().url_patterns\n"
        "from portal import jobs\n"
        "from portal.views.health import CHECKS\n"
        "try:\n"
        "    CHECKS['broker']()\n"
        "except Exception as exc:\n"
        "    print('ping failed', type(exc).__name__)\n"
        "try:\n"
        "    jobs.task_send('portal.tasks.heartbeat')\n"
        "except Exception as exc:\n"
        "    print('send failed', type(exc).__name__)\n"
        "print(','.join(sorted(m for m in ('celery', 'kombu', 'billiard', 'amqp') if m in sys.modules)) or 'none')\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/keystone_unused",  # never connected to
        "REDIS_URL": f"redis://127.0.0.1:{_free_port()}/0",  # nothing listens: the send fails, as it may
        "STATIC_ROOT": str(ROOT / "var"),
        "PYTHONPATH": str(ROOT),
    }
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:3] == ["ping failed ConnectionError", "send failed ConnectionError", "none"]


@needs_redis
@pytest.mark.django_db
def test_healthz_asks_the_redis_broker_itself(client, settings, private_redis):
    url, _ = private_redis
    settings.CELERY_BROKER_URL = url
    assert client.get("/healthz").json()["checks"]["broker"] == "ok"
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_free_port()}/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "error: ConnectionError"
