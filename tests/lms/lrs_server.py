"""A real Ralph LRS (ralph-malph) for the tests, in its own virtualenv and process, as a real LRS would be.

Create the virtualenv once (CI: before the tests; about 20 s from a PyPI mirror, a minute or two from PyPI):

    python3 tests/lms/lrs_server.py          # makes var/ralph-venv with ralph-malph[backend-fs,lrs,cli] and requests

The fixtures in tests/lms/conftest.py call ``ensure_venv()`` too, so a missing venv is built on first use.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("RALPH_VENV", ROOT / "var" / "ralph-venv"))
RALPH = VENV / "bin" / "ralph"
REQUIREMENT = "ralph-malph[backend-fs,lrs,cli]==5.1.0"


def ensure_venv() -> Path:
    """Build var/ralph-venv when it is missing (the CLI needs requests, which Ralph's extras leave out)."""
    import fcntl

    VENV.parent.mkdir(parents=True, exist_ok=True)
    # pytest-xdist workers may both arrive here: one builds, the other waits for it on the lock.
    with open(VENV.parent / ".ralph-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not RALPH.exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            subprocess.run(
                [str(VENV / "bin" / "pip"), "install", "-q", REQUIREMENT, "requests"], check=True, timeout=900
            )
    return RALPH


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RalphLRS:
    """One Ralph server with the filesystem backend; stop() and start() keep its statements (same folder)."""

    def __init__(self, workdir: Path, *, user: str = "keystone", secret: str = "lrs-test-secret"):  # noqa: S107 - a throwaway test LRS
        self.workdir = workdir
        self.app_dir = workdir / "app"
        self.data_dir = workdir / "data"
        self.user, self.secret = user, secret
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = workdir / "ralph.log"

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI"

    def _env(self) -> dict:
        return {
            **os.environ,
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_APP_DIR": str(self.app_dir),
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.data_dir),
        }

    def create_credentials(self) -> None:
        self.app_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                str(RALPH),
                "auth",
                "-u",
                self.user,
                "-p",
                self.secret,
                "-s",
                "all",
                "-M",
                "mailto:lrs@keystone.example",
                "-w",
            ],
            env=self._env(),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self, timeout: float = 60) -> None:
        log = open(self.log, "ab")  # noqa: SIM115 - kept open for the server's lifetime
        self.process = subprocess.Popen(
            [str(VENV / "bin" / "python"), str(Path(__file__).with_name("ralph_lrs.py")), "127.0.0.1", str(self.port)],
            env=self._env(),
            cwd=self.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph exited: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"Ralph did not answer within {timeout}s: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def statements(self) -> list[dict]:
        """Every statement stored, read back through the LRS's own xAPI API (following ``more``)."""
        found: list[dict] = []
        url = f"{self.endpoint}/statements/?limit=100"
        while url:
            response = requests.get(
                url, auth=(self.user, self.secret), headers={"X-Experience-API-Version": "1.0.3"}, timeout=20
            )
            response.raise_for_status()
            body = response.json()
            found.extend(body["statements"])
            more = body.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else ""
        return found


if __name__ == "__main__":
    started = time.monotonic()
    print(ensure_venv(), f"ready in {time.monotonic() - started:.1f}s")
