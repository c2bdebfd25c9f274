"""Benchmark the xAPI push against a real Ralph LRS, on PostgreSQL.

    python bench/xapi.py [N ...]        e.g. 2k 5k (default: 1k 3k)

For each N: writes N activities of the verbs that become statements, then prints the time of
``xapi_push`` (read the log from the cursor, build statements, POST batches, move the cursor) divided
by the floor any sender must pay: POSTing the same statements, already built, in the same batches, to
an equally fresh LRS. Both LRS runs use Ralph's filesystem backend (its cost grows with what it holds,
for both sides alike). Also prints the queries per batch, which must not grow with N.
Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/keystone_bench_xapi) and var/ralph-venv.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/keystone_bench_xapi")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

from rollup import parse_n, setup  # noqa: E402  (the rollup benchmark's database set-up)

VERBS = ["post_created", "topic_created", "reacted", "entry_read", "commented", "lesson_completed"]


def write_activities(n: int) -> None:
    from django.db import connection

    from metrics.models import Activity
    from portal.people.models import Cohort, User

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE metrics_activity, lms_xapicursor, lms_xapigap RESTART IDENTITY CASCADE")
    cohort = Cohort.objects.get_or_create(slug="bench-xapi", defaults={"name": "Bench xAPI cohort"})[0]
    users = [User.objects.get_or_create(email=f"bench-xapi-{i}@keystone.example")[0] for i in range(50)]
    rng = random.Random(15)
    rows = []
    for i in range(n):
        verb = rng.choice(VERBS)
        data = {"lesson": i, "title": f"Lesson {i}"} if verb == "lesson_completed" else {}
        rows.append(
            Activity(
                actor=rng.choice(users),
                verb=verb,
                target_id=i + 1,
                context_id=rng.randint(1, 500),
                cohort=cohort,
                data=data,
            )
        )
    Activity.objects.bulk_create(rows, batch_size=2000)


def run(n: int) -> None:
    import requests
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lms.xapi.services import xapi_push
    from lms.xapi.source import read_activities
    from lms.xapi.statements import build_statement
    from tests.lms.lrs_server import RalphLRS, ensure_venv

    ensure_venv()
    write_activities(n)
    batch = settings.XAPI_BATCH_SIZE
    settings.XAPI_MAX_BATCHES_PER_RUN = n // batch + 2
    statements = [s for r in read_activities(after_id=0, limit=n) if (s := build_statement(r))]
    with tempfile.TemporaryDirectory() as tmp:
        floor_lrs, push_lrs = RalphLRS(Path(tmp) / "floor"), RalphLRS(Path(tmp) / "push")
        for lrs in (floor_lrs, push_lrs):
            lrs.create_credentials()
            lrs.start()
        try:
            started = time.perf_counter()
            with requests.Session() as session:
                for i in range(0, len(statements), batch):
                    session.post(
                        f"{floor_lrs.endpoint}/statements",
                        json=statements[i : i + batch],
                        auth=(floor_lrs.user, floor_lrs.secret),
                        headers={"X-Experience-API-Version": "1.0.3"},
                        timeout=120,
                    ).raise_for_status()
            floor = time.perf_counter() - started

            settings.XAPI_ENDPOINT = push_lrs.endpoint
            settings.XAPI_KEY, settings.XAPI_SECRET, settings.XAPI_TIMEOUT = push_lrs.user, push_lrs.secret, 120
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                report = xapi_push(force=True)
            pushed = time.perf_counter() - started
            stored = len(push_lrs.statements())
            if report.error or report.sent != len(statements) or stored != len(statements):
                sys.exit(f"push incomplete: {report}, {stored} stored of {len(statements)}")
        finally:
            floor_lrs.stop()
            push_lrs.stop()
    per_batch = len(queries.captured_queries) / max(report.batches, 1)
    print(
        f"N={n:>7,}  statements={len(statements):,}  batches={report.batches}  push={pushed:.2f}s  "
        f"floor={floor:.2f}s  push/floor={pushed / floor:.2f}  queries/batch={per_batch:.1f}"
    )


def main(args: list[str]) -> None:
    setup()
    for n in [parse_n(a) for a in (args or ["1k", "3k"])]:
        run(n)


if __name__ == "__main__":
    main(sys.argv[1:])
