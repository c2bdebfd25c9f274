"""Run the whole portal for `make run`: web server, Celery worker and Celery beat, stopped together by Ctrl-C."""

from __future__ import annotations

import functools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# How long each process gets to finish its current work after Ctrl-C before it is killed.
STOP_TIMEOUT = 15


def _die_with_parent() -> None:  # pragma: no cover  (runs in the child, between fork and exec)
    """Linux: the child gets SIGTERM if runportal itself dies without cleaning up (e.g. SIGKILL)."""
    pr_set_pdeathsig = 1
    _libc().prctl(pr_set_pdeathsig, signal.SIGTERM)


@functools.cache
def _libc():
    """libc, loaded in runportal before any child is forked (the child then only calls into it)."""
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


class Command(BaseCommand):
    help = "Start the web server, a Celery worker and Celery beat; Ctrl-C stops all three."

    def add_arguments(self, parser):
        parser.add_argument(
            "--addr", default=os.environ.get("PORTAL_ADDR", "127.0.0.1:8000"), help="host:port for the web server"
        )
        parser.add_argument(
            "--jobs-log-level",
            default=os.environ.get("JOBS_LOG_LEVEL", "warning"),
            choices=["debug", "info", "warning", "error"],
            help="Log level of the worker and beat (info shows every job).",
        )
        parser.add_argument(
            "--seed-demo",
            action="store_true",
            help="Also run `seed_demo` (development settings): the site serves at once, with a notice on every "
            "page, and the demo sign-ins are printed when the seed is done.",
        )

    def handle(self, *args, addr: str, jobs_log_level: str, seed_demo: bool = False, **options):
        host, _, port = addr.rpartition(":")
        if not host or not port.isdigit():
            raise CommandError("--addr must look like 127.0.0.1:8000")
        self._check_port_free(host, int(port))
        # Unbuffered children, so their lines reach the terminal as they happen.
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        python = sys.executable
        Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent.mkdir(parents=True, exist_ok=True)
        # runportal itself ran Django's system checks on start; the children need not repeat them.
        commands = {
            "web": [python, "manage.py", "runserver", addr, "--noreload", "--skip-checks"],
            "worker": [python, "-m", "celery", "-A", "portal", "worker", "-P", "solo", "-l", jobs_log_level,
                       "--without-gossip", "--without-mingle"],
            "beat": [python, "-m", "celery", "-A", "portal", "beat", "-l", jobs_log_level,
                     "-s", settings.CELERY_BEAT_SCHEDULE_FILENAME],
        }  # fmt: skip
        # The one process that is meant to finish: the demo seed, run beside the site (make run).
        oneshot = {"demo": [python, "manage.py", "seed_demo", "--skip-checks"]} if seed_demo else {}
        commands.update(oneshot)
        preexec = _die_with_parent if sys.platform.startswith("linux") else None
        if preexec is not None:
            _libc()
        processes: dict[str, subprocess.Popen] = {}
        stopping = threading.Event()

        def stop(signum, frame):
            # First Ctrl-C/SIGTERM: stop gracefully. A second Ctrl-C while stopping: kill at once.
            if stopping.is_set() and signum == signal.SIGINT:
                for proc in processes.values():
                    if proc.poll() is None:
                        proc.kill()
            stopping.set()

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        pumps: list[threading.Thread] = []

        def start(name: str) -> None:
            processes[name] = proc = subprocess.Popen(
                commands[name],
                cwd=settings.BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                # One libc call in the child (libc loaded beforehand): safe with the pump threads running.
                preexec_fn=preexec,
            )
            pump = threading.Thread(target=self._pump, args=(name, proc), daemon=True)
            pumps.append(pump)
            pump.start()

        try:
            # perf (issue 13): the web server starts alone, so on a small machine it is not competing with
            # three other processes importing Django; the worker, beat and the demo seed start once it
            # answers (a job enqueued meanwhile waits in the broker, as it would for a busy worker).
            start("web")
            answered = self._wait_for_port(host, int(port), processes, stopping)
            for name in commands:
                if name != "web" and not stopping.is_set():
                    start(name)
            services = {name: proc for name, proc in processes.items() if name not in oneshot}
            seeding = {name: None for name in oneshot if name in processes}
            if answered:
                self._banner(addr, seeding=bool(seeding) and processes["demo"].poll() is None)
            while not stopping.is_set():
                for name, proc in services.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} stopped (exit {proc.returncode}); stopping the others.")
                        stopping.set()
                        break
                for name in list(seeding):
                    code = processes[name].poll()
                    if code is None or stopping.is_set():
                        continue
                    del seeding[name]
                    if code == 0:
                        self._banner(addr, seeding=False)
                    else:
                        self.stderr.write(
                            f"The demo seed stopped (exit {code}; its lines above say why). The portal keeps "
                            "running; `manage.py seed_demo --reset` recreates the demo."
                        )
                stopping.wait(0.5)
        finally:
            self._stop(processes)
            for pump in pumps:
                pump.join(timeout=2)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Keystone stopped: web server, worker and beat have all exited.")

    def _pump(self, name: str, proc: subprocess.Popen) -> None:
        """Copy a child's output to ours, each line prefixed with the child's name."""
        prefix = f"{name:<6} | "
        for raw in iter(proc.stdout.readline, b""):
            self.stdout.write(prefix + raw.decode("utf-8", "replace").rstrip("\n"))
        proc.stdout.close()

    def _check_port_free(self, host: str, port: int) -> None:
        """Fail before starting anything if another program already listens on the address."""
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host.strip("[]"), port))
            except OSError as exc:
                raise CommandError(
                    f"{host}:{port} is already in use ({exc.strerror}). Stop what runs there, or pick another "
                    "address: `manage.py runportal --addr 127.0.0.1:8001` (or PORTAL_ADDR=127.0.0.1:8001 make run)."
                ) from None

    def _wait_for_port(self, host: str, port: int, processes, stopping, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not stopping.is_set():
            if any(proc.poll() is not None for proc in processes.values()):
                return False
            try:
                with socket.create_connection((host, port), timeout=1):
                    return True
            except OSError:
                time.sleep(0.3)
        return False

    def _stop(self, processes: dict[str, subprocess.Popen]) -> None:
        """SIGTERM to each process still running (warm shutdown for the worker), then wait; kill stragglers."""
        for proc in processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, proc in processes.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop within {STOP_TIMEOUT} s; killing it.")
                proc.kill()
                proc.wait()

    def _python(self) -> str:
        relative = os.path.relpath(sys.executable, settings.BASE_DIR)
        return sys.executable if relative.startswith("..") else relative

    def _banner(self, addr: str, *, seeding: bool = False) -> None:
        from portal.banner import banner_notes

        url = f"http://{addr}/"
        backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
        mail = {
            "filebased": f"written as files to {getattr(settings, 'EMAIL_FILE_PATH', '')} (nothing is sent)",
            "console": "printed here by the worker and web server (nothing is sent)",
            "smtp": f"sent through {settings.EMAIL_HOST}:{settings.EMAIL_PORT}",
        }.get(backend, settings.EMAIL_BACKEND)
        database = settings.DATABASES["default"]
        where = f"SQLite file {database['NAME']}" if database["ENGINE"].endswith("sqlite3") else f"{database['ENGINE']}"
        broker = (
            f"the embedded broker in {settings.BROKER_DIR}"
            if settings.CELERY_BROKER_URL.startswith("filesystem://")
            else "the configured broker"
        )
        lines = [
            "",
            "=" * 78,
            f"Keystone is running at {url}",
            f"  Database: {where}.",
            f"  Background jobs: a Celery worker and beat on {broker}.",
            f"  E-mail: {mail}.",
        ]
        if seeding:
            lines += [
                "",
                "The demo organisation is being set up beside the running site (about a minute; every page says",
                "so meanwhile). Its sign-ins are printed here when it is ready.",
            ]
        else:
            notes = banner_notes(python=self._python())
            lines += notes or ["", "No demo data yet: run `python manage.py seed_demo` for a fictional organisation."]
        lines += ["", "Press Ctrl-C to stop the web server, the worker and beat.", "=" * 78, ""]
        self.stdout.write("\n".join(lines))
