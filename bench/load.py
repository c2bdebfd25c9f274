"""Load test: 50 leaders reading and replying at once on the production topology, on loopback.

    python bench/load.py [--users 50] [--seconds 60]

Starts its own processes (a private redis-server on a free port, gunicorn as the Procfile runs it,
a Celery worker) on a dedicated PostgreSQL database (LOAD_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/ks_rel_load, wiped and migrated), runs locust headless for a
bounded time, then checks that the stored replies equal the successful POSTs (and each has exactly
one activity row), and prints p50/p95/p99 per request type, 5xx count and the web processes' peak RSS.
Exits non-zero if any reply was lost or doubled or any 5xx was answered.
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "load-test-password-1"  # noqa: S105 (fictional accounts on a throwaway database)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise SystemExit(f"nothing listens on {port}")


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def tree(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    children = [int(p) for p in out.split()]
    return [pid, *[c for child in children for c in tree(child)]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()

    database = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ks_rel_load")
    name = database.rsplit("/", 1)[1]
    server = database.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", server, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True)
    subprocess.run(["psql", server, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    tmp = Path(tempfile.mkdtemp(prefix="keystone-load-"))
    redis_port, web_port = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": database,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": str(ROOT),
    }
    procs: list[subprocess.Popen] = []

    def start(cmd: list[str], log: str) -> subprocess.Popen:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=(tmp / log).open("w"), stderr=subprocess.STDOUT)
        procs.append(proc)
        return proc

    try:
        start(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp)],
              "redis.log")  # fmt: skip
        wait_port(redis_port)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        topic_id = seed(env, args.users)
        web = start(
            [str(BIN / "gunicorn"), "portal.wsgi", "--bind", f"127.0.0.1:{web_port}", "--worker-class", "gthread",
             "--workers", "3", "--threads", "4", "--timeout", "30", "--no-control-socket"],
            "web.log",
        )  # fmt: skip
        start([sys.executable, "-m", "celery", "-A", "portal", "worker", "-c", "2", "-l", "warning",
               "--without-gossip", "--without-mingle"], "worker.log")  # fmt: skip
        wait_port(web_port)
        peak = {"rss": 0}
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak["rss"] = max(peak["rss"], rss_kib(tree(web.pid)))
                time.sleep(1)

        threading.Thread(target=sample, daemon=True).start()
        stats = tmp / "stats"
        subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(args.users),
             "-r", "10", "-t", f"{args.seconds}s", "--host", f"http://127.0.0.1:{web_port}", "--csv", str(stats),
             "--only-summary", "--stop-timeout", "60"],
            cwd=ROOT, env={**env, "LOAD_TOPIC_ID": str(topic_id), "LOAD_PASSWORD": PASSWORD,
                               "LOAD_JOURNAL": str(tmp / "journal")}, check=False,
        )  # fmt: skip
        done.set()
        report(stats, env, topic_id, peak["rss"], tmp / "journal")
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def seed(env: dict, users: int) -> int:
    code = f"""
import django; django.setup()
from forums.models import Board
from forums.services import topic_create
from portal.models import Cohort, Membership, Profile, User
from onboarding.services.policy import policy_acknowledge
cohort = Cohort.objects.create(name="Load cohort", slug="load")
board = Board.objects.create(cohort=cohort, title="Load board", slug="load", description="", guidelines="")
people = []
for i in range({users}):
    u = User.objects.create_user(email=f"load{{i:03d}}@load.example", password="{PASSWORD}")
    Profile.objects.update_or_create(user=u, defaults={{"display_name": f"Load leader {{i}}"}})
    Membership.objects.create(user=u, cohort=cohort)
    policy_acknowledge(actor=u)
    people.append(u)
topic = topic_create(actor=people[0], board=board, title="Fifty people at once", body="<p>Go.</p>")
print(topic.pk)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, "CELERY_TASK_ALWAYS_EAGER": "true"},
                         capture_output=True, text=True)  # fmt: skip
    if out.returncode:
        raise SystemExit(out.stderr)
    return int(out.stdout.strip().splitlines()[-1])


def report(stats: Path, env: dict, topic_id: int, peak_rss_kib: int, journal: Path) -> None:
    rows = list(csv.DictReader((stats.parent / f"{stats.name}_stats.csv").open()))
    print(f"\n{'request':<22}{'count':>7}{'fail':>6}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
    posts_ok = 0
    for row in rows:
        print(f"{row['Name']:<22}{row['Request Count']:>7}{row['Failure Count']:>6}{row['50%']:>8}{row['95%']:>8}"
              f"{row['99%']:>8}")  # fmt: skip
        if row["Name"] == "reply (POST)":
            posts_ok = int(row["Request Count"]) - int(row["Failure Count"])
    failures = list(csv.DictReader((stats.parent / f"{stats.name}_failures.csv").open()))
    server_errors = sum(int(f["Occurrences"]) for f in failures if "50" in f["Error"])
    code = f"""
import django; django.setup()
import re
from forums.models import Post
from metrics.models import Activity
posts = Post.objects.filter(topic_id={topic_id}, body__contains="Load reply")
ids = list(posts.values_list("pk", flat=True))
acts = Activity.objects.filter(verb="post_created", target_id__in=ids).count()
for body in posts.values_list("body", flat=True):
    print(re.search(r"Load reply ([0-9a-f]{{32}})", body).group(1))
print("activities", acts)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    lines = out.stdout.split("\n")
    stored = [line for line in lines if len(line) == 32]
    activities = int(next(line for line in lines if line.startswith("activities")).split()[1])
    events = [line.split() for line in journal.read_text().splitlines()] if journal.exists() else []
    sent = {m for e, m in events if e == "sent"}
    succeeded = {m for e, m in events if e == "ok"}
    in_flight = set(stored) - succeeded
    rss = f"{peak_rss_kib / 1024:.0f} MiB"
    print(f"\nsuccessful reply POSTs: {len(succeeded)} (locust: {posts_ok}); stored replies: {len(stored)} "
          f"(distinct {len(set(stored))}, of which {len(in_flight)} answered after the run stopped); "
          f"activity rows: {activities}; 5xx/errors: {server_errors}; web peak RSS: {rss}")  # fmt: skip
    ok = (
        succeeded <= set(stored)  # every successful POST is stored …
        and len(stored) == len(set(stored)) == activities  # … exactly once, with one activity row
        and set(stored) <= sent  # and nothing is stored that nobody sent
        and server_errors == 0
    )
    print("OK: every successful POST stored exactly once" if ok else "FAILED")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
