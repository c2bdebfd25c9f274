"""The dashboard ratio with the two history sizes timed in alternation, optionally for two versions of the code.

    python bench/dashboard_ab.py [--rounds 8] [--batch 5] [--build] [OTHER_TREE]

bench/dashboard.py times the small history, then builds and times the large one: on a shared machine the
load changes in between and its ratios swing by ±0.15 from run to run. Here the small and the large
history live in two databases (DATABASE_URL with "_small" appended for the small one), built once with
``--build`` exactly as bench/dashboard.py builds them (10k and 1M, every lesson, goal and survey round of
every person in both). One warm process per database and version of the code serves batches of requests,
and the batches go round-robin (small and large, this tree and OTHER_TREE, e.g. a checkout of the code
before a change), so every figure is taken under the same load as the ones it is compared with. Prints,
per page, CPU per request (this process and its PostgreSQL backend) on each history, the ratio of the
means and the median of the per-round ratios. OTHER_TREE runs its own code on the same tables (a tree
whose rollup lacks a table simply does not read it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rollup import parse_n  # bench/ sibling module; it sets up Django's environment

HERE = Path(__file__).resolve().parent

PAGES = ["dashboard, all cohorts", "dashboard, one cohort and level", "before and after", "CSV of active people"]


def small_url(url: str) -> str:
    return url + "_small"


def build(sizes: dict[str, int]) -> None:
    """Each history into its database, with this tree's rollup (what bench/dashboard.py times)."""
    for url, n in sizes.items():
        subprocess.run(
            [sys.executable, __file__, "--build-one", str(n)], env={**os.environ, "DATABASE_URL": url}, check=True
        )


def build_one(n: int) -> None:
    from rollup import history, setup

    setup()
    from metrics.rollup import rollup_run

    history(n, every_once=True)
    rollup_run(rebuild=True)


def serve(batch: int) -> None:
    """Worker: a warm, logged-in client; for each page name on stdin, ``batch`` requests, then CPU ms each."""
    sys.path.insert(0, os.environ["BENCH_TREE"])  # that tree's code, ahead of this one's (bench/rollup.py's)
    import django

    django.setup()
    from dashboard import backend_cpu, pages
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from portal.people.models import Cohort, Profile, Role, User

    setup_test_environment()
    analyst, _ = User.objects.get_or_create(email="bench-analyst@bench.example")
    Profile.objects.get_or_create(user=analyst, defaults={"display_name": "Bench analyst"})
    analyst.groups.add(Group.objects.get_or_create(name=str(Role.ANALYST))[0])
    client = Client()
    client.force_login(analyst)
    cohort = Cohort.objects.filter(slug__startswith="bench-").order_by("pk").first()
    table = pages(cohort.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    print("ready", flush=True)
    for line in sys.stdin:
        url, query = table[line.strip()]
        began = time.process_time(), backend_cpu(backend)
        for _ in range(batch):
            if client.get(url, query).status_code != 200:
                sys.exit(f"{url} failed")
        spent = time.process_time() - began[0] + backend_cpu(backend) - began[1]
        print(spent / batch * 1000, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("other", nargs="?", help="another checkout of the project to time beside this one")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--batch", type=int, default=5)
    parser.add_argument("--build", action="store_true", help="build both histories first")
    parser.add_argument("--sizes", nargs=2, default=["10k", "1M"])
    parser.add_argument("--build-one", type=parse_n, help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_one:
        build_one(args.build_one)
        return
    if args.serve:
        serve(args.batch)
        return
    large_url = os.environ["DATABASE_URL"]
    small, large = (parse_n(s) for s in args.sizes)
    if args.build:
        build({small_url(large_url): small, large_url: large})
    trees = {"this": HERE.parent}
    if args.other:
        trees["other"] = Path(args.other).resolve()
    workers = {}
    for name, tree in trees.items():
        for size, url in (("small", small_url(large_url)), ("large", large_url)):
            process = subprocess.Popen(
                [sys.executable, __file__, "--serve", "--batch", str(args.batch)],
                cwd=tree,
                env={**os.environ, "DATABASE_URL": url, "BENCH_TREE": str(tree)},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            if process.stdout.readline().strip() != "ready":
                sys.exit(f"the worker for {tree} on {url} did not start")
            workers[(name, size)] = process

    def run(key, page: str) -> float:
        process = workers[key]
        process.stdin.write(page + "\n")
        process.stdin.flush()
        return float(process.stdout.readline())

    keys = list(workers)
    header = "".join(f" | {name}: {small:,} {large:,} ratio (per round)" for name in trees)
    print(f"{'page':<32}{header}")
    for page in PAGES:
        for key in keys:
            run(key, page)  # warm-up batch
        got: dict = {key: [] for key in keys}
        for r in range(args.rounds):
            for key in keys[r % len(keys) :] + keys[: r % len(keys)]:
                got[key].append(run(key, page))
        cells = []
        for name in trees:
            a, b = got[(name, "small")], got[(name, "large")]
            per_round = statistics.median(y / x for x, y in zip(a, b, strict=True))
            mean_a, mean_b = statistics.mean(a), statistics.mean(b)
            cells.append(f" | {mean_a:>7.1f}ms {mean_b:>7.1f}ms {mean_b / mean_a:5.2f} ({per_round:.2f})")
        print(f"{page:<32}{''.join(cells)}", flush=True)
    for process in workers.values():
        process.stdin.close()
        process.wait()
    print(
        f"CPU per request (client + PostgreSQL backend), mean of {args.rounds} batches of {args.batch}; the batches of"
        " both histories (and both trees) alternate round-robin. Both histories carry every lesson, goal and"
        " survey round of every person, as in bench/dashboard.py."
    )


if __name__ == "__main__":
    main()
