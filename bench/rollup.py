"""Benchmark the metrics rollup on PostgreSQL.

    python bench/rollup.py [N ...]      e.g. 10k 100k 1M (default: 10k 100k)

For each N: generates N activities over 90 days (300 leaders in 3 cohorts and the programme team),
then prints
  - the full rebuild time divided by one raw GROUP BY over the same rows (the floor any rollup
    must pay to read the log once), and
  - an incremental run for one new day of activity divided by the full rebuild.
Uses a dedicated database: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/keystone_bench),
created if missing and wiped for every N.
"""

from __future__ import annotations

import io
import json
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/keystone_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

LEADERS, COHORTS, DAYS = 300, 3, 90
TZ = ZoneInfo("Europe/London")
VERBS = [
    ("signed_in", 12),
    ("entry_read", 10),
    ("reacted", 8),
    ("post_created", 10),
    ("topic_created", 4),
    ("topic_first_response", 3),
    ("commented", 4),
    ("entry_published", 2),
    ("followed", 3),
    ("lesson_started", 2),
    ("lesson_completed", 2),
    ("goal_completed", 1),
    ("survey_answered", 1),
    ("prompt_released", 1),
]


# Verbs a person does once per thing, with how many things there are (lessons, goals, survey rounds).
ONCE = {"lesson_started": 8, "lesson_completed": 8, "goal_completed": 10, "survey_answered": 2}
PROMPTS = 3 * COHORTS * DAYS // 7  # starter prompts released in the whole history


def parse_n(text: str) -> int:
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def ensure_database() -> None:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        sys.exit("The benchmarks need PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    conninfo = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
    if db.get("PASSWORD"):
        conninfo += f" password={db['PASSWORD']}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def setup() -> None:
    import django

    django.setup()
    ensure_database()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def wipe() -> None:
    from django.db import connection

    tables = [m._meta.db_table for m in _rollup_models()] + [
        "metrics_activity",
        "metrics_rollupstate",
        "metrics_rollupgap",
        "metrics_memberstatus",
        "metrics_sentsummary",
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _rollup_models():
    from metrics.models import PromptResponse
    from metrics.rollup import ROLLUP_MODELS

    return [*ROLLUP_MODELS, PromptResponse]


def people() -> list[tuple[int, int, int | None]]:
    """Leaders spread over three cohorts and levels, plus the programme team; created once."""
    from portal.models import Cohort, Membership, Profile, Role, User

    cohorts = [
        Cohort.objects.get_or_create(slug=f"bench-{i}", defaults={"name": f"Bench cohort {i}"})[0]
        for i in range(COHORTS)
    ]
    if not User.objects.filter(email__startswith="bench-leader-").exists():
        users = User.objects.bulk_create(
            [User(email=f"bench-leader-{i}@bench.example", password="!") for i in range(LEADERS)]  # noqa: S106
        )
        Profile.objects.bulk_create(
            [
                Profile(
                    user=u,
                    display_name=f"Bench {i}",
                    department=["Ops", "Fleet", "Finance"][i % 3],
                    management_level=1 + i % 3,
                )
                for i, u in enumerate(users)
            ]
        )
        Membership.objects.bulk_create([Membership(user=u, cohort=cohorts[i % COHORTS]) for i, u in enumerate(users)])
        from django.contrib.auth.models import Group

        team = Group.objects.get_or_create(name=str(Role.FACILITATOR))[0]
        staff = User.objects.bulk_create(
            [User(email=f"bench-team-{i}@bench.example", password="!") for i in range(4)]  # noqa: S106
        )
        Profile.objects.bulk_create([Profile(user=u, display_name=f"Team {i}") for i, u in enumerate(staff)])
        team.user_set.add(*staff)
    rows = []
    for m in Membership.objects.filter(user__email__startswith="bench-leader-").select_related("user__profile"):
        rows.append((m.user_id, m.cohort_id, m.user.profile.management_level))
    for i, pk in enumerate(User.objects.filter(email__startswith="bench-team-").values_list("pk", flat=True)):
        rows.append((pk, cohorts[i % COHORTS].pk, None))
    return rows


def generate(n: int, *, actors, start: datetime, days: int, rng: random.Random) -> int:
    """COPY ``n`` activities into metrics_activity (much faster than ORM inserts at 1M rows)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from portal.models import Cohort

    topic_type = ContentType.objects.get_for_model(Cohort).pk
    verbs, weights = zip(*VERBS, strict=True)
    topics = max(10, n // 40)
    columns = (
        "actor_id, verb, target_type_id, target_id, context_type_id, context_id, data, cohort_id, "
        "management_level, created_at"
    )
    buffer = io.StringIO()
    once: set[tuple] = set()  # lessons, goals and survey rounds happen once per person, as in life
    released = 0
    for _ in range(n):
        actor_id, cohort_id, level = rng.choice(actors)
        verb = rng.choices(verbs, weights)[0]
        if verb == "prompt_released":  # facilitators release a few prompts a week per cohort, whatever the volume
            released += 1
            if released > PROMPTS:
                verb = "entry_read"
        if verb in ONCE:
            key = (actor_id, verb, rng.randrange(ONCE[verb]))
            if key in once:
                verb = "entry_read"
            once.add(key)
        at = start + timedelta(seconds=rng.randrange(days * 86400))
        target_type = target = context_type = context = None
        data = {}
        topic = rng.randrange(1, topics)
        if verb in ("topic_created", "prompt_released"):
            target_type, target = topic_type, topic
            if verb == "prompt_released":
                data = {
                    "prompt": topic,
                    "title": f"Prompt {topic}",
                    "timing": rng.choice(["before_session", "after_session"]),
                }
        elif verb in ("post_created", "topic_first_response"):
            context_type, context = topic_type, topic
            if verb == "topic_first_response":
                data = {"seconds": rng.randrange(60, 4 * 86400)}
        elif verb == "goal_completed":
            data = {
                "goal": rng.randrange(1, 10),
                "stage": rng.choice(["crawl", "walk", "run"]),
                "late": rng.random() < 0.3,
            }
        elif verb in ("lesson_started", "lesson_completed"):
            data = {"lesson": rng.randrange(1, 9)}
        elif verb == "survey_answered":
            data = {
                "survey": 1,
                "round": rng.choice(["before", "after"]),
                "scores": {str(i): rng.randint(1, 5) for i in range(1, 9)},
            }
        fields = [
            actor_id,
            verb,
            target_type,
            target,
            context_type,
            context,
            json.dumps(data),
            cohort_id,
            level,
            at.isoformat(),
        ]
        buffer.write("\t".join("\\N" if v is None else str(v) for v in fields) + "\n")
    with connection.cursor() as cursor, cursor.copy(f"COPY metrics_activity ({columns}) FROM STDIN") as copy:
        copy.write(buffer.getvalue())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE metrics_activity")
    return n


RAW_GROUP_BY = """
    SELECT (created_at AT TIME ZONE %s)::date AS day, cohort_id, management_level, verb,
           count(*), count(DISTINCT actor_id)
    FROM metrics_activity GROUP BY 1, 2, 3, 4
"""


def timed(fn, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def raw_group_by() -> float:
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(RAW_GROUP_BY, ["Europe/London"])
            cursor.fetchall()

    run()  # warm the cache the same way the rebuild finds it
    return timed(run, repeat=3)


def history(n: int, seed: int = 1) -> tuple[list, datetime]:
    """Wipe, then generate ``n`` activities ending yesterday; returns the actors and the history's end."""
    wipe()
    actors = people()
    end = datetime.now(TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    generate(n, actors=actors, start=end - timedelta(days=DAYS), days=DAYS, rng=random.Random(seed))
    return actors, end


def bench(n: int) -> dict:
    from metrics.rollup import rollup_run

    actors, end = history(n)
    raw = raw_group_by()
    rebuild = timed(lambda: rollup_run(rebuild=True), repeat=1 if n >= 500_000 else 2)
    per_day = max(1, n // DAYS)
    generate(per_day, actors=actors, start=end, days=1, rng=random.Random(99))
    incremental = timed(lambda: rollup_run(), repeat=1)
    return {"n": n, "raw": raw, "rebuild": rebuild, "incremental": incremental, "new": per_day}


def main(argv: list[str]) -> None:
    sizes = [parse_n(a) for a in argv] or [10_000, 100_000]
    setup()
    header = ("activities", "GROUP BY", "rebuild", "rebuild/GROUP BY", "1 new day", "incremental/rebuild")
    print("{:>11} {:>9} {:>9} {:>17} {:>10} {:>20}".format(*header))
    for n in sizes:
        r = bench(n)
        print(
            f"{r['n']:>11,} {r['raw']:>8.3f}s {r['rebuild']:>8.3f}s {r['rebuild'] / r['raw']:>17.1f}"
            f" {r['incremental']:>9.3f}s {r['incremental'] / r['rebuild']:>20.3f}",
            flush=True,
        )
    database = os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
    print(f"(one new day = N/{DAYS} activities; times are medians; PostgreSQL database {database})")


if __name__ == "__main__":
    main(sys.argv[1:])
