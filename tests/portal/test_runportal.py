"""`manage.py runportal` (what `make run` starts): web, worker and beat on the embedded default, stopped by Ctrl-C."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, _free_port, descendants, wait_for

# Everything that would point the processes at PostgreSQL/Redis (CI's second run) is dropped:
# runportal is the embedded profile.
DROPPED = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "EMAIL_URL", "DEBUG")
# With those dropped, CI's PostgreSQL pass would start the very same SQLite processes again: these tests run in the
# SQLite pass only (`make test`, CI's first step, which every CI run includes).
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="runportal is the embedded default: run by the SQLite pass"
)

SETUP = """
from portal.people.models import Cohort, Membership
from demo.people import demo_totp_activate
from portal.people.services.people import membership_add, user_create
cohort = Cohort.objects.create(name="Breakwater", slug="breakwater")
user = user_create(email="fay@keystone.example", password="a-long-test-password", display_name="Fay Facilitator",
                   roles=("facilitator",))
membership_add(user=user, cohort=cohort, kind=Membership.Kind.FACILITATOR)
demo_totp_activate(user=user)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Browser:
    """Just enough of a browser for Django forms: cookies and CSRF tokens."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, path, exc.read().decode()

    def submit(self, path: str, fields: dict) -> tuple[int, str, str]:
        _status, _url, html = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})  # noqa: S310
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()


def ctrl_c(proc: subprocess.Popen) -> None:
    """Ctrl-C: SIGINT to runportal alone, which must stop its processes and exit (killed, and failing, if not)."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        for pid in descendants(proc.pid):
            os.kill(pid, signal.SIGKILL)
        proc.kill()
        raise


def migrated_embedded_env(tmp_path) -> dict[str, str]:
    """The environment of `make run` on a fresh SQLite file in ``tmp_path`` (migrated), its files there too."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        BROKER_DIR=str(tmp_path / "broker"),
        CELERY_BEAT_SCHEDULE_FILENAME=str(tmp_path / "celerybeat-schedule"),
        EMAIL_URL=f"filemail://{tmp_path / 'mail'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONUNBUFFERED="1",
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    return env


@pytest.mark.worker
def test_runportal_serves_runs_jobs_from_beat_and_web_and_stops_everything_on_ctrl_c(tmp_path):
    from demo import org as demo

    env = migrated_embedded_env(tmp_path)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "shell", "-c", SETUP], cwd=ROOT, env=env, check=True, timeout=120)

    port = _free_port()
    log = tmp_path / "runportal.log"
    proc = subprocess.Popen(
        [*manage, "runportal", "--addr", f"127.0.0.1:{port}", "--jobs-log-level", "info"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    children: set[int] = set()
    try:
        # The web server answers, and /healthz says database, cache and broker are up.
        def healthy():
            if proc.poll() is not None:
                raise AssertionError(f"runportal exited early:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310  (http://127.0.0.1)
                    return response.status == 200
            except OSError:
                return False

        wait_for(healthy, timeout=120, interval=0.5)
        # The web server starts first; the worker and beat as soon as it answers.
        children = wait_for(lambda: found if len(found := descendants(proc.pid)) >= 3 else None, timeout=30)
        assert len(children) >= 3, "web, worker and beat run as child processes"
        wait_for(lambda: f"Keystone is running at {base}/" in log.read_text(), timeout=30)
        assert f"written as files to {tmp_path / 'mail'}" in log.read_text()
        browser = Browser(base)
        assert browser.get("/accounts/login/")[0] == 200

        # A job enqueued by the web process (an invitation's e-mail) is done by the worker.
        browser.submit("/accounts/login/", {"login": "fay@keystone.example", "password": "a-long-test-password"})
        _status, url, _html = browser.submit("/accounts/2fa/authenticate/", {"code": demo.totp_code()[0]})
        if "/2fa/" in url:  # the 30-second step rolled over between reading and sending the code
            browser.submit("/accounts/2fa/authenticate/", {"code": demo.totp_code()[0]})
        _status, _url, html = browser.get("/invitations/")
        cohort = re.search(r'<option value="(\d+)"[^>]*>\s*Breakwater', html).group(1)
        browser.submit(
            "/invitations/",
            {"email": "newcomer@keystone.example", "display_name": "Newt Comer", "management_level": "3",
             "cohort": cohort, "job_title": "", "department": ""},
        )  # fmt: skip
        mail = tmp_path / "mail"

        def invitation_sent():
            return mail.exists() and any("newcomer@keystone.example" in f.read_text() for f in mail.iterdir())

        try:
            wait_for(invitation_sent, timeout=60)
        except AssertionError:
            raise AssertionError(f"the worker sent no invitation e-mail:\n{log.read_text()}") from None

        # Beat sends the heartbeat every minute and the worker records it.
        def heartbeat():
            with sqlite3.connect(tmp_path / "db.sqlite3", timeout=10) as db:
                return db.execute("SELECT last_run_at FROM portal_jobheartbeat WHERE name = 'beat'").fetchone()

        try:
            wait_for(heartbeat, timeout=150, interval=1)
        except AssertionError:
            raise AssertionError(f"no heartbeat from beat through the worker:\n{log.read_text()}") from None
        assert "Sending due task broker-heartbeat" in log.read_text()
    finally:
        # Ctrl-C: SIGINT to runportal alone; it must stop its three processes and exit.
        ctrl_c(proc)
    output = log.read_text()
    assert proc.returncode == 0, output
    assert not [pid for pid in children if alive(pid)], f"orphans left behind:\n{output}"
    assert "Keystone stopped" in output
    assert "Warm shutdown" in output, "the worker finished its work before exiting"


@pytest.mark.worker
def test_make_run_serves_at_once_while_the_demo_is_seeded_then_prints_the_sign_ins(tmp_path):
    """Issue 13: `make run` shows the sign-in page within seconds, not after the whole demo seed.

    The seed runs beside the site (`runportal --seed-demo`); every page says it is still being set up,
    and the demo sign-ins are printed when it is done, after which the notice is gone.
    """
    from demo import org as demo

    env = migrated_embedded_env(tmp_path)
    manage = [sys.executable, "manage.py"]
    port = _free_port()
    log = tmp_path / "runportal.log"
    proc = subprocess.Popen(
        [*manage, "runportal", "--seed-demo", "--addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    browser = Browser(base)
    try:

        def sign_in_page():
            if proc.poll() is not None:
                raise AssertionError(f"runportal exited early:\n{log.read_text()}")
            try:
                return browser.get("/accounts/login/")
            except OSError:
                return None

        status, _url, html = wait_for(sign_in_page, timeout=120, interval=0.5)
        assert status == 200
        assert "Done in" not in log.read_text(), "the page was answered while the seed was still running"

        # Once the seed process is under way (it starts beside the web server), every page says so.
        def notice_shown():
            answer = sign_in_page()
            return answer is not None and "The demo organisation is still being set up" in answer[2]

        wait_for(notice_shown, timeout=60, interval=0.5)
        assert "Done in" not in log.read_text()
        wait_for(lambda: "being set up beside the running site" in log.read_text(), timeout=30)

        def seeded():
            if proc.poll() is not None:
                raise AssertionError(f"runportal exited early:\n{log.read_text()}")
            return "Demo sign-ins (" in log.read_text()

        try:
            wait_for(seeded, timeout=600, interval=1)
        except AssertionError:
            raise AssertionError(f"the demo sign-ins were never printed:\n{log.read_text()}") from None
        output = log.read_text()
        assert output.index("Done in") < output.index("Demo sign-ins (")
        assert "The demo organisation is still being set up" not in browser.get("/accounts/login/")[2]
        # A demo leader signs in (no second factor for leaders) and lands on a home page with content.
        leader = dict(demo.DEMO_LOGINS)["leader"]
        browser.submit("/accounts/login/", {"login": leader, "password": demo.DEMO_PASSWORD})
        status, _url, html = browser.get("/")
        assert status == 200 and "Sign out" in html
    finally:
        ctrl_c(proc)
    assert proc.returncode == 0, log.read_text()
