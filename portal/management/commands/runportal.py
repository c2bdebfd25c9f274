"""Run the whole portal for `make run`: web server, Celery worker and Celery beat, stopped together by Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the web server, a Celery worker and Celery beat; Ctrl-C stops all three."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=os.environ.get("PORTAL_ADDR", "127.0.0.1:8000"))

    def handle(self, *args, addr: str, **options):
        env = dict(os.environ)
        python = sys.executable
        (settings.BASE_DIR / "var").mkdir(exist_ok=True)
        commands = {
            "web": [python, "manage.py", "runserver", addr, "--noreload"],
            "worker": [python, "-m", "celery", "-A", "portal", "worker", "-P", "solo", "-l", "warning",
                       "--without-gossip", "--without-mingle"],
            "beat": [python, "-m", "celery", "-A", "portal", "beat", "-l", "warning",
                     "-s", settings.CELERY_BEAT_SCHEDULE_FILENAME],
        }  # fmt: skip
        processes = {name: subprocess.Popen(cmd, cwd=settings.BASE_DIR, env=env) for name, cmd in commands.items()}
        self._banner(addr)
        try:
            while True:
                for name, proc in processes.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} stopped (exit {proc.returncode}); stopping the others.")
                        raise KeyboardInterrupt
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            for proc in processes.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in processes.values():
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
            self.stdout.write("Keystone stopped.")

    def _banner(self, addr: str) -> None:
        from portal.demo import DEMO_LOGINS, DEMO_PASSWORD

        lines = [
            "",
            f"Keystone is running at http://{addr}/",
            f"Background jobs: a Celery worker and beat on the embedded broker ({settings.CELERY_BROKER_URL}).",
            f"E-mail is written to files in {getattr(settings, 'EMAIL_FILE_PATH', 'the console')}.",
            "",
            f"Demo sign-ins (password for all: {DEMO_PASSWORD}):",
        ]
        lines += [f"  {role:<12} {email}" for role, email in DEMO_LOGINS]
        lines += ["", "Press Ctrl-C to stop the web server, the worker and beat.", ""]
        self.stdout.write("\n".join(lines))
