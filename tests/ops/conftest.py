"""The production topology started as processes: a private Redis, two gunicorn instances, a Celery
worker, a mail server (aiosmtpd, into a Maildir) and Debian's Caddy in front (deploy/Caddyfile), on the
test database (PostgreSQL only). Tests may add processes (a second worker, beats) with ``Stack.start``.

Everything listens on loopback ports picked free; every process is started and stopped here. The
machine's own Redis and PostgreSQL server processes are never touched (only our test database is used).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT, _free_port, _reset_producer_pool, celery_worker_command

BIN = Path(sys.executable).parent


def _wait_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{proc.args[0]} exited early:\n{log.read_text()[-3000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail(f"{proc.args[0]} did not listen on {port}:\n{log.read_text()[-3000:]}")


class Stack:
    def __init__(self, env: dict, tmp: Path):
        self.env = env
        self.tmp = tmp
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.redis_port = _free_port()
        self.web_ports = [_free_port(), _free_port()]
        self.caddy_port = _free_port()
        self.smtp_port = _free_port()
        self.maildir = tmp / "maildir"

    def start(self, name: str, args: list[str], env: dict | None = None, port: int | None = None):
        log = self.tmp / f"{name}.log"
        self.logs[name] = log
        proc = subprocess.Popen(args, cwd=ROOT, env=env or self.env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        self.procs[name] = proc
        if port:
            _wait_port(port, proc, log)
        return proc

    def stop(self, name: str, sig_kill: bool = False) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        proc.kill() if sig_kill else proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def start_redis(self) -> None:
        self.start(
            "redis",
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no", "--dir", str(self.tmp)],
            port=self.redis_port,
        )  # fmt: skip

    def start_smtp(self) -> None:
        """The mail server the workers send to: every message it accepts is a file in ``self.maildir``."""
        self.start(
            "smtp",
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.smtp_port}", "-c",
             "aiosmtpd.handlers.Mailbox", str(self.maildir)],
            port=self.smtp_port,
        )  # fmt: skip

    def mails(self) -> list:
        """The messages the mail server has accepted so far (it may be stopped)."""
        import mailbox

        return list(mailbox.Maildir(self.maildir, create=True))

    def start_beat(self, name: str) -> None:
        """One more ``celery beat``, with a schedule file and pid file of its own."""
        self.start(
            name,
            [sys.executable, "-m", "celery", "-A", "portal", "beat", "-l", "info", "-s",
             str(self.tmp / f"{name}-schedule"), "--pidfile", str(self.tmp / f"{name}.pid")],
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.caddy_port}"

    def web(self, i: int) -> str:
        return f"http://127.0.0.1:{self.web_ports[i]}"


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker):
    from django.conf import settings
    from django.db import connection

    from portal.celery import app

    if connection.vendor != "postgresql":
        pytest.skip("ops tests run the production topology on PostgreSQL (set DATABASE_URL; CI's second pass)")
    for tool in ("redis-server", "caddy"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed (.ci/run installs it)")
    db = connection.settings_dict
    tmp = Path(tempfile.mkdtemp(prefix="keystone-ops-"))
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.ops.settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{host}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "TRUSTED_PROXY_COUNT": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "OUTBOX_PUBLISH_GRACE_SECONDS": "0",
        # A killed worker's job is taken over after 5 s (production: 300 s).
        "OUTBOX_LEASE_SECONDS": "5",
        "OUTBOX_STALE_SECONDS": "5",
        # An immediate e-mail waits 5 s for a burst to share it (production: 60 s).
        "NOTIFICATION_EMAIL_DELAY": "5",
        # The product's own back-off: a refused send is first retried after 60 s (the suite's settings: 2 s).
        "NOTIFICATION_EMAIL_RETRY_BACKOFF": "60",
        "XDG_DATA_HOME": str(tmp / "xdg-data"),
        "XDG_CONFIG_HOME": str(tmp / "xdg-config"),
        "PYTHONUNBUFFERED": "1",
    }
    s = Stack(env, tmp)
    s.media_root = Path(settings.MEDIA_ROOT)
    env["REDIS_URL"] = f"redis://127.0.0.1:{s.redis_port}/0"
    env["EMAIL_URL"] = f"smtp://127.0.0.1:{s.smtp_port}"
    env.pop("CELERY_BROKER_URL", None)
    s.start_redis()
    s.start_smtp()
    for i, port in enumerate(s.web_ports):
        s.start(
            f"web{i}",
            [str(BIN / "gunicorn"), "portal.wsgi", "--config", "python:portal.gunicorn_conf",
             "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread", "--workers", "1",
             "--threads", "4", "--timeout", "30", "--no-control-socket"],
            port=port,
        )  # fmt: skip
    s.start("worker", [*celery_worker_command("-Q", "celery")])
    caddy_env = {
        **env,
        "SITE_ADDRESS": f"http://127.0.0.1:{s.caddy_port}",
        "UPSTREAMS": " ".join(f"127.0.0.1:{p}" for p in s.web_ports),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    s.start(
        "caddy",
        ["caddy", "run", "--config", str(ROOT / "deploy" / "Caddyfile"), "--adapter", "caddyfile"],
        env=caddy_env,
        port=s.caddy_port,
    )
    deadline = time.monotonic() + 90
    while "ready." not in s.logs["worker"].read_text() and time.monotonic() < deadline:
        time.sleep(0.3)
    # The test process publishes to the same private Redis (the outbox sweeper, called in-process).
    saved = (app.conf.broker_url, app.conf.task_always_eager, dict(app.conf.broker_transport_options or {}))
    saved_transport = app.conf.broker_transport
    app.conf.broker_transport = None  # not the embedded filesystem transport of SQLite-less test runs
    app.conf.broker_url = env["REDIS_URL"]
    app.conf.broker_transport_options = {"socket_connect_timeout": 2, "visibility_timeout": 900}
    app.conf.task_always_eager = False
    _reset_producer_pool(app)
    # ... and so does its web-side hand-off, which pushes to settings.CELERY_BROKER_URL without Celery (portal.jobs).
    saved_broker_setting = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = env["REDIS_URL"]
    yield s
    settings.CELERY_BROKER_URL = saved_broker_setting
    app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options = saved
    app.conf.broker_transport = saved_transport
    _reset_producer_pool(app)
    for name in list(s.procs):
        s.stop(name)
    # The processes' logs stay for a look after a failure (KEEP_OPS_LOGS=1), else they go with the rest.
    if os.environ.get("KEEP_OPS_LOGS"):
        print(f"ops logs kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


def sign_in(base: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:2000]
    return session


def csrf_of(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
