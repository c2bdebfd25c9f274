"""Fixtures shared by the whole suite: people in every role, a real browser, a real Celery worker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent

# Tests call tasks' .delay()/.apply() directly: bind Celery's shared tasks to the project's app. (A web process
# never loads it: portal/__init__.py; the worker and beat load it with -A portal.)
import portal.celery  # noqa: E402, F401

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

# The files whose single tests take from 15 s to two minutes (whole demo seeds, `make run` as processes, every
# page through the HTML checker and axe, the console and disclosure sweeps, the LRS). They are collected first
# and pytest-xdist hands tests out one at a time to whichever process is free (`--maxschedchunk=1` in
# pyproject.toml; by default it gives each process a quarter of its share in one consecutive chunk), so the long
# tests start first, spread over the processes, and the short ones fill in around them. Collected where they fall,
# one of them could start last and leave the other processes idle until it ended.
LONGEST_FIRST = (
    "tests/portal/test_seed_demo.py",
    "tests/onboarding/test_demo.py",
    "tests/portal/test_runportal.py",
    "tests/a11y/",
    "tests/forums/test_demo.py",
    "tests/facilitation/test_console.py",
    "tests/lms/test_xapi_lrs.py",
    "tests/metrics/test_disclosure.py",
)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))  # a stable sort: the rest keep their order


# ---------------------------------------------------------------- people in every role
@pytest.fixture
def cohort(db):
    from tests.factories import CohortFactory

    return CohortFactory(name="Northern Lights", slug="northern-lights")


@pytest.fixture
def other_cohort(db):
    from tests.factories import CohortFactory

    return CohortFactory(name="Southern Cross", slug="southern-cross")


@pytest.fixture
def leader(cohort):
    from tests.factories import member_of

    return member_of(cohort, profile__display_name="Lee Leader")


@pytest.fixture
def other_leader(cohort):
    from tests.factories import member_of

    return member_of(cohort, profile__display_name="Olive Other")


def _with_totp(user):
    """Roles that must use MFA get a TOTP authenticator, so the middleware lets them through."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "test"})
    return user


@pytest.fixture
def facilitator(cohort):
    from tests.factories import facilitator_of

    return _with_totp(facilitator_of(cohort, profile__display_name="Fay Facilitator"))


@pytest.fixture
def other_facilitator(other_cohort):
    from tests.factories import facilitator_of

    return _with_totp(facilitator_of(other_cohort, profile__display_name="Otto Facilitator"))


@pytest.fixture
def analyst(db):
    from portal.people.models import Role
    from tests.factories import UserFactory

    return UserFactory(roles=(Role.ANALYST,), profile__display_name="Ana Analyst")


@pytest.fixture
def admin_user(db):
    from portal.people.models import Role
    from tests.factories import UserFactory

    user = UserFactory(roles=(Role.ADMIN,), profile__display_name="Ada Admin")
    user.is_staff = True
    user.is_superuser = True
    user.save()
    return _with_totp(user)


ROLES = ["anonymous", "leader", "facilitator", "other_facilitator", "analyst", "admin"]


@pytest.fixture
def as_role(client, request):
    """``as_role("facilitator")`` signs the test client in as that role and returns (client, user)."""

    def sign_in(role: str):
        if role == "anonymous":
            return client, None
        fixture = {"admin": "admin_user"}.get(role, role)
        user = request.getfixturevalue(fixture)
        client.force_login(user)
        return client, user

    return sign_in


# Browser assertions wait up to 15 s for what a person would see (Playwright's default is 5 s): on the busy
# 2-core CI runner a full page load after a submit has taken longer. A real fault still fails, only later.
expect.set_options(timeout=15_000)


# ---------------------------------------------------------------- media in a temporary folder
@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# ---------------------------------------------------------------- a real browser (Playwright + Debian chromium)
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package.")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}


class _Requests:
    """Requests the live server is answering (Django's request signals; the server is a thread of this process)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.open = 0
        self.last = time.monotonic()

    def started(self, **_kwargs):
        with self.lock:
            self.open += 1
            self.last = time.monotonic()

    def finished(self, **_kwargs):
        with self.lock:
            self.open -= 1
            self.last = time.monotonic()

    def wait_quiet(self, quiet: float = 0.2, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.open <= 0 and time.monotonic() - self.last >= quiet:
                    return
            time.sleep(0.05)


_requests = _Requests()
request_started.connect(_requests.started, dispatch_uid="tests-requests-started")
request_finished.connect(_requests.finished, dispatch_uid="tests-requests-finished")


def requests_answered() -> None:
    """Wait until the live server has answered every request and none has come for 0.2 s (at most 10 s)."""
    _requests.wait_quiet()


@pytest.fixture
def page(page):
    """pytest-playwright's page, which leaves before the test's data is emptied.

    Leaving a composer or the blog editor with unsaved words sends them (a beacon). Left to the context's
    teardown, that request met the test database being emptied: a foreign-key error on SQLite and, on
    PostgreSQL, a deadlock with the flush. So the page leaves here and the server answers first.
    """
    yield page
    if not page.is_closed():
        page.goto("about:blank")
        requests_answered()


class HeldRequest:
    """Holds back the first request a page makes to ``pattern``, as a slow network would, to deliver it late."""

    def __init__(self, page, pattern: str):
        self.page = page
        self.request = None
        page.route(pattern, self._route)

    def _route(self, route):
        if self.request is None:
            self.request = route.request
            route.abort()
        else:
            route.continue_()

    def wait(self, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while self.request is None and time.monotonic() < deadline:
            self.page.wait_for_timeout(100)
        return self.request

    def deliver(self):
        """Send it now, as the browser wrote it (same body and headers, the page's cookies)."""
        held = self.request
        return self.page.request.post(held.url, headers=held.headers, data=held.post_data_buffer)


def type_steadily(page, until, words: int = 60):
    """Type a word every 0.1 s (never a pause) until ``until()`` answers; returns (words typed, its answer)."""
    for n in range(words):
        page.keyboard.type(f"word{n} ")
        page.wait_for_timeout(100)
        found = until()
        if found:
            return n + 1, found
    raise AssertionError(f"nothing was saved during {words} words of steady typing")


@pytest.fixture
def login(live_server):
    """Sign a Playwright page in through the real sign-in form."""

    def do_login(page, user, password=None):
        from tests.factories.portal import PASSWORD

        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password", exact=True).fill(password or PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()

    return do_login


# ---------------------------------------------------------------- a real Celery worker process
def database_url(db: dict) -> str:
    """The DATABASE_URL that points a child process (a worker, a server) at this test database."""
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{host}/{db['NAME']}"


def celery_worker_command(*extra: str) -> list[str]:
    """The command line of a real test worker: one process, no gossip, info-level log."""
    return [
        sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "solo", "-l", "info",
        "--without-gossip", "--without-mingle", *extra,
    ]  # fmt: skip


def _reset_producer_pool(app):
    """Drop pooled broker connections so the next publish uses the current transport options."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    # An eager ``.delay()`` earlier in the session already built the producer pool (Celery acquires a
    # producer even in eager mode); drop it and kombu's registry, or publishing hits the closed pool.
    app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, worker_smtp_port):
    """Start ``celery worker`` against the test database and the configured broker.

    On SQLite the test database is a file (see settings.test), so the worker shares it; without
    REDIS_URL the worker uses the embedded filesystem broker in a private folder.
    """
    from django.conf import settings
    from django.db import connection

    from portal.celery import app

    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "CELERY_TASK_ALWAYS_EAGER": "false"}
    # The worker e-mails over SMTP to the `worker_smtp` fixture's port (nothing listens until a test starts it).
    env.setdefault("EMAIL_URL", f"smtp://127.0.0.1:{worker_smtp_port}")
    env["DATABASE_URL"] = database_url(db)
    broker_dir = None
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        broker_dir = tempfile.mkdtemp(prefix="keystone-broker-")
        env["BROKER_DIR"] = broker_dir
        options = {
            "data_folder_in": f"{broker_dir}/queue",
            "data_folder_out": f"{broker_dir}/queue",
            "control_folder": f"{broker_dir}/control",
            "processed_folder": f"{broker_dir}/processed",
            "store_processed": False,
        }
        for key in ("data_folder_in", "control_folder", "processed_folder"):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
        saved_options = dict(app.conf.broker_transport_options or {})
        app.conf.broker_transport_options = options
        _reset_producer_pool(app)
    log = Path(tempfile.mkstemp(prefix="keystone-worker-", suffix=".log")[1])
    proc = subprocess.Popen(
        celery_worker_command("-Q", "celery"),
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text() and time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"Celery worker exited early:\n{log.read_text()}")
        time.sleep(0.2)
    if "ready." not in log.read_text():
        proc.kill()
        pytest.fail(f"Celery worker did not start:\n{log.read_text()}")
    yield proc, log
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    if broker_dir:
        app.conf.broker_transport_options = saved_options
        _reset_producer_pool(app)
        shutil.rmtree(broker_dir, ignore_errors=True)


@pytest.fixture
def celery_worker(celery_worker_process, transactional_db):
    """Use in tests marked ``worker``: tasks enqueued by the code under test go to the real worker."""
    from portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield celery_worker_process
    app.conf.task_always_eager = previous


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):
    """Poll until ``predicate()`` is truthy (for work done by another process); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


# ---------------------------------------------------------------- a real SMTP server (aiosmtpd)
class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": message})
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free loopback port; Django's SMTP backend is pointed at it."""
    from aiosmtpd.controller import Controller

    port = _free_port()
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    inbox.port = port
    inbox.controller = controller
    yield inbox
    controller.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":  # a zombie has exited
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


@pytest.fixture(scope="session")
def worker_smtp_port():
    """The SMTP port the real Celery worker sends to (its EMAIL_URL), fixed for the whole session."""
    return _free_port()


class SmtpSink:
    """An aiosmtpd server on a fixed port that a test can start and stop (to play "the mail server is down")."""

    def __init__(self, port: int):
        self.port = port
        self.inbox = _Inbox()
        self.controller = None

    @property
    def messages(self):
        return self.inbox.messages

    def start(self):
        from aiosmtpd.controller import Controller

        if self.controller is None:
            self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
            self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def worker_smtp(worker_smtp_port, settings):
    """The SMTP server the worker process mails to, NOT started: call ``.start()`` (and ``.stop()``).

    The test process's own e-mail settings point at it too, so in-process and worker sends agree.
    """
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = worker_smtp_port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    sink = SmtpSink(worker_smtp_port)
    yield sink
    sink.stop()
