"""Benchmark the metrics rollup on PostgreSQL.

    python bench/rollup.py [N ...]      e.g. 10k 100k 1M (default: 10k 100k)

For each N: generates N activities over 90 days (300 leaders in 3 cohorts and the programme team),
then prints
  - the full rebuild time divided by one raw GROUP BY over the same rows at the rollup's own grain
    (the floor any rollup must pay to read the log once). The GROUP BY runs inside the server, its
    rows counted there and not sent (the rebuild sends none either: it inserts them); the same
    GROUP BY fetched into Python, the baseline of earlier sessions, is shown beside it (the transfer
    of its ~N/4 rows adds a third or more to the baseline and flatters the ratio). Where the server
    is on this machine, the same ratio in CPU time (server processes plus Python) is shown as well:
    on a busy machine it moves much less than wall time. The rebuild builds the entity tables on a
    second connection while the first builds the day tables (two server processes at once); the CPU
    ratio counts both, the wall-time ratio shows what that overlap saves when a second core is free;
  - the rebuild's steps (wall time);
  - an incremental run for one new day of activity divided by the full rebuild, and
  - the cost of a fixed batch of 1,000 new activities (it should not grow with the history).
Uses a dedicated database: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/keystone_bench),
created if missing and wiped for every N.
"""

from __future__ import annotations

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
FIXED_BATCH = 1_000


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


def people() -> list[tuple]:
    """Leaders spread over three cohorts and levels, plus the programme team; created once."""
    from portal.people.models import Cohort, Membership, Profile, Role, User

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
                    # Cohort, level and department vary independently, so every cohort has every level.
                    department=["Ops", "Fleet", "Finance"][i // 9 % 3],
                    management_level=1 + i // 3 % 3,
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
        rows.append((m.user_id, m.cohort_id, m.user.profile.management_level, m.user.profile.department, "leader"))
    for i, pk in enumerate(User.objects.filter(email__startswith="bench-team-").values_list("pk", flat=True)):
        rows.append((pk, cohorts[i % COHORTS].pk, None, "", "team"))
    return rows


def generate(n: int, *, actors, start: datetime, days: int, rng: random.Random, every_once: bool = False) -> int:
    """Insert ``n`` activities with one set-based INSERT ... SELECT over generate_series (1M in seconds).

    Actors and verb weights go to temporary tables; PostgreSQL draws every row's actor, verb, topic
    and moment itself (seeded with setseed, so a run is repeatable). Lessons, goals and survey rounds
    happen once per person and thing, as in life, so their rows are drawn per person, not per activity;
    starter prompts are released a few a week per cohort, whatever the volume.

    ``every_once``: every person does every lesson, goal and survey round once, whatever ``n`` (as the
    largest histories do anyway), on top of the same repeatable activity as without it; a small history
    then holds the same people, goals and lessons as a large one (bench/dashboard.py).
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from portal.people.models import Cohort

    topic_type = ContentType.objects.get_for_model(Cohort).pk
    topics = max(10, n // 40)
    mix = [(verb, w) for verb, w in VERBS if verb not in ONCE and verb != "prompt_released"]
    total = sum(w for _, w in VERBS)
    once_rows = sum(min(n * dict(VERBS)[v] / total, len(actors) * things) for v, things in ONCE.items())
    prompt_rows = max(1, round(PROMPTS * days / DAYS))
    # The repeatable verbs fill whatever the once-only verbs and prompts leave, so the total is ~n (with
    # every_once, the repeatable part stays the same and the once-only rows come on top).
    bulk = max(0, round(n - once_rows - prompt_rows))
    edges, acc = [], 0.0
    for verb, w in mix:
        lo = acc
        acc += w / sum(w for _, w in mix)
        edges.append((verb, lo, acc if verb != mix[-1][0] else 1.0000001))
    columns = (
        "actor_id, verb, target_type_id, target_id, context_type_id, context_id, data, cohort_id, "
        "management_level, department, role, created_at"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [rng.random() * 2 - 1])
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_actors "
            "(idx int, actor_id bigint, cohort_id bigint, level smallint, department text, role text)"
        )
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS bench_verbs (verb text, lo float8, hi float8)")
        cursor.execute("TRUNCATE bench_actors, bench_verbs")
        cursor.executemany(
            "INSERT INTO bench_actors VALUES (%s, %s, %s, %s, %s, %s)",
            [(i, a, c, lv, dept, role) for i, (a, c, lv, dept, role) in enumerate(actors)],
        )
        cursor.executemany("INSERT INTO bench_verbs VALUES (%s, %s, %s)", edges)
        moment = "%(start)s::timestamptz + (s.r5 * %(days)s) * interval '1 day'"
        cursor.execute(
            f"""
            INSERT INTO metrics_activity ({columns})
            SELECT a.actor_id, v.verb,
                   CASE WHEN v.verb = 'topic_created' THEN %(tt)s END,
                   CASE WHEN v.verb = 'topic_created' THEN s.topic END,
                   CASE WHEN v.verb IN ('post_created', 'topic_first_response') THEN %(tt)s END,
                   CASE WHEN v.verb IN ('post_created', 'topic_first_response') THEN s.topic END,
                   CASE WHEN v.verb = 'topic_first_response'
                        THEN jsonb_build_object('seconds', 60 + floor(s.r3 * 345600)::int)
                        ELSE '{{}}'::jsonb END,
                   a.cohort_id, a.level, a.department, a.role, {moment}
            FROM (
                SELECT random() AS r1, random() AS r2, random() AS r3, random() AS r5,
                       1 + floor(random() * (%(topics)s - 1))::int AS topic
                FROM generate_series(1, %(n)s)
            ) s
            JOIN bench_actors a ON a.idx = floor(s.r1 * %(actors)s)::int
            JOIN bench_verbs v ON s.r2 >= v.lo AND s.r2 < v.hi
            """,  # noqa: S608 (column names are constants)
            {"tt": topic_type, "topics": topics, "n": bulk, "actors": len(actors), "start": start, "days": days},
        )
        written = cursor.rowcount
        # Once per person and thing: each (person, thing) happens with the probability that gives the
        # verb its share of n, capped at once.
        for verb, things in ONCE.items():
            weight = dict(VERBS)[verb] / total
            chance = 1.0 if every_once else min(1.0, n * weight / (len(actors) * things))
            data = {
                "lesson_started": "jsonb_build_object('lesson', t.thing)",
                "lesson_completed": "jsonb_build_object('lesson', t.thing)",
                "goal_completed": (
                    "jsonb_build_object('goal', t.thing, 'stage', (ARRAY['crawl','walk','run'])[1 + t.thing %% 3],"
                    " 'late', random() < 0.3)"
                ),
                "survey_answered": (
                    "jsonb_build_object('survey', 1, 'round', CASE WHEN t.thing = 0 THEN 'before' ELSE 'after' END,"
                    " 'scores', jsonb_build_object('1', 1 + floor(random() * 5)::int,"
                    " '2', 1 + floor(random() * 5)::int, '3', 1 + floor(random() * 5)::int,"
                    " '4', 1 + floor(random() * 5)::int))"
                ),
            }[verb]
            cursor.execute(
                f"""
                INSERT INTO metrics_activity ({columns})
                SELECT a.actor_id, %(verb)s, NULL, NULL, NULL, NULL, {data}, a.cohort_id, a.level,
                       a.department, a.role, {moment.replace("s.r5", "t.r5")}
                FROM bench_actors a
                CROSS JOIN LATERAL (
                    SELECT g AS thing, random() AS r5, random() AS pick FROM generate_series(0, %(things)s - 1) g
                ) t
                WHERE t.pick < %(chance)s
                """,  # noqa: S608 (column names and expressions are constants)
                {"verb": verb, "things": things, "chance": chance, "start": start, "days": days},
            )
            written += cursor.rowcount
        prompts = prompt_rows
        cursor.execute(
            f"""
            INSERT INTO metrics_activity ({columns})
            SELECT a.actor_id, 'prompt_released', %(tt)s, p.topic, NULL, NULL,
                   jsonb_build_object(
                       'prompt', p.topic, 'title', 'Prompt ' || p.topic,
                       'timing', CASE WHEN random() < 0.5 THEN 'before_session' ELSE 'after_session' END
                   ),
                   a.cohort_id, a.level, a.department, a.role, {moment.replace("s.r5", "p.r5")}
            FROM (SELECT 1 + floor(random() * (%(topics)s - 1))::int AS topic, random() AS r5, random() AS r1
                  FROM generate_series(1, %(prompts)s)) p
            JOIN bench_actors a ON a.idx = floor(p.r1 * %(actors)s)::int
            """,  # noqa: S608 (column names are constants)
            {
                "tt": topic_type,
                "topics": topics,
                "prompts": prompts,
                "actors": len(actors),
                "start": start,
                "days": days,
            },
        )
        written += cursor.rowcount
        cursor.execute("ANALYZE metrics_activity")
    return written


# The floor any rollup must pay: one set-based read of the log at the rollup's own grain (a person's
# day per cohort, level, department, role and verb), which is what the day tables are built from.
RAW_GROUP_BY = """
    SELECT (created_at AT TIME ZONE %s)::date AS day, actor_id, cohort_id, management_level, department, role, verb,
           count(*)
    FROM metrics_activity GROUP BY 1, 2, 3, 4, 5, 6, 7
"""


def timed(fn, repeat: int = 1) -> float:
    return timed_cpu(fn, repeat)[0]


def server_cpu() -> float | None:
    """CPU seconds of this connection's server process so far, when the server runs on this machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# CPU seconds of the server processes behind the rebuild's second connection (metrics.rollup.engine._Aside),
# one entry per rebuild: counted with the rebuild's own, so the CPU ratio is the whole work done.
ASIDE_CPU: list[float] = []


def count_aside_cpu() -> None:
    """Wrap the rebuild's second connection's work to add its server process's CPU time to ASIDE_CPU."""
    from metrics.rollup import engine

    build = getattr(engine, "_build_aside", None)
    if build is None:
        return

    def measured(*args, **kwargs):
        began = server_cpu()  # in the second connection's thread: its own server process
        try:
            return build(*args, **kwargs)
        finally:
            after = server_cpu()
            if began is not None and after is not None:
                ASIDE_CPU.append(after - began)

    engine._build_aside = measured


def timed_cpu(fn, repeat: int = 1) -> tuple[float, float | None]:
    """Median wall time and median CPU time (server processes + this process; None if not measurable)."""
    times, cpus = [], []
    for _ in range(repeat):
        server, began, own, aside = server_cpu(), time.perf_counter(), time.process_time(), len(ASIDE_CPU)
        fn()
        times.append(time.perf_counter() - began)
        after = server_cpu()
        if server is not None and after is not None:
            cpus.append(after - server + time.process_time() - own + sum(ASIDE_CPU[aside:]))
    return statistics.median(times), statistics.median(cpus) if len(cpus) == repeat else None


# The session settings the rollup's own statements run with (metrics.rollup.days), so the baseline is
# not slowed by spilling to disk where the rollup is not.
BASELINE_SETTINGS = ("SET LOCAL work_mem = '128MB'", "SET LOCAL jit = off")


def raw_group_by(*, fetch: bool) -> tuple[float, float | None, int]:
    """The same-grain GROUP BY: its rows counted inside the server, or (``fetch``) sent to Python.

    Returns the median wall and CPU times and the number of grain rows.
    """
    from django.db import connection, transaction

    rows = 0

    def run():
        nonlocal rows
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in BASELINE_SETTINGS:
                cursor.execute(statement)
            if fetch:
                cursor.execute(RAW_GROUP_BY, ["Europe/London"])
                rows = len(cursor.fetchall())
            else:
                cursor.execute(f"SELECT count(*) FROM ({RAW_GROUP_BY}) grain", ["Europe/London"])  # noqa: S608
                rows = cursor.fetchone()[0]

    run()  # warm the cache the same way the rebuild finds it
    return (*timed_cpu(run, repeat=3), rows)


def rebuilt_grain() -> tuple[int, int]:
    """What the rebuild read, from its own tables: grain rows (each one person's verb on a day and dimensions,
    so DailyVerbCount.actors sums to them) and activities (DailyVerbCount.count sums to them)."""
    from django.db.models import Sum

    from metrics.models import DailyVerbCount

    totals = DailyVerbCount.objects.aggregate(rows=Sum("actors", default=0), activities=Sum("count", default=0))
    return totals["rows"], totals["activities"]


# The rebuild's steps, timed by wrapping the engine's functions (and the swap's) for this benchmark only.
STEPS = {
    "rebuild_days_in_database": "days+firsts",
    "refresh_weeks": "weeks",
    "refresh_topics": "topics",
    "refresh_prompts": "prompts",
    "refresh_goals": "goals",
    "refresh_lessons": "lessons",
    "refresh_surveys": "surveys",
    "refresh_members": "members",
    "_analyze": "analyze",
    "_build_aside": "entities (second connection)",
    "swap._finish": "keys+indexes",
    "swap._swap": "swap",
}


def step_timer() -> dict[str, float]:
    import importlib

    spent: dict[str, float] = {}

    def wrap(name, fn):
        def timed_step(*args, **kwargs):
            began = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - began

        return timed_step

    for name in STEPS:
        module, _, attribute = name.rpartition(".")
        where = importlib.import_module(f"metrics.rollup.{module or 'engine'}")
        if hasattr(where, attribute):
            setattr(where, attribute, wrap(name, getattr(where, attribute)))
    return spent


def history(n: int, seed: int = 1, *, every_once: bool = False) -> tuple[list, datetime]:
    """Wipe, then generate ``n`` activities ending yesterday; returns the actors and the history's end.

    ``every_once``: see ``generate``."""
    wipe()
    actors = people()
    end = datetime.now(TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    generate(
        n, actors=actors, start=end - timedelta(days=DAYS), days=DAYS, rng=random.Random(seed), every_once=every_once
    )
    return actors, end


def bench(n: int, spent: dict[str, float]) -> dict:
    from metrics.rollup import rollup_run

    actors, end = history(n)
    from metrics.models import Activity

    raw, raw_cpu, grain_rows = raw_group_by(fetch=False)
    fetched, _, fetched_rows = raw_group_by(fetch=True)
    spent.clear()
    repeat = 1 if n >= 500_000 else 2
    rebuild, rebuild_cpu = timed_cpu(lambda: rollup_run(rebuild=True), repeat=repeat)
    # An honest baseline reads what the rebuild reads, at its grain: the same grain rows, the same activities.
    rebuilt_rows, rebuilt_activities = rebuilt_grain()
    activities = Activity.objects.count()
    if not grain_rows == fetched_rows == rebuilt_rows or rebuilt_activities != activities:
        sys.exit(
            f"baseline and rebuild differ: GROUP BY {grain_rows:,} / fetched {fetched_rows:,} / rebuilt "
            f"{rebuilt_rows:,} grain rows; {rebuilt_activities:,} of {activities:,} activities rolled up"
        )
    steps = {label: spent.get(name, 0.0) / repeat for name, label in STEPS.items()}
    per_day = max(1, n // DAYS)
    generate(per_day, actors=actors, start=end, days=1, rng=random.Random(99))
    incremental = timed(lambda: rollup_run(), repeat=1)
    # A fixed batch, whatever the history: its cost should not grow with the log.
    generate(FIXED_BATCH, actors=actors, start=end + timedelta(days=1), days=1, rng=random.Random(7))
    fixed = timed(lambda: rollup_run(), repeat=1)
    return {
        "n": n,
        "grain": grain_rows,
        "activities": activities,
        "raw": raw,
        "fetched": fetched,
        "rebuild": rebuild,
        # CPU time comes in 10 ms ticks: no ratio for a baseline of a few ticks.
        "cpu": rebuild_cpu / raw_cpu if rebuild_cpu and raw_cpu and raw_cpu >= 0.1 else None,
        "steps": steps,
        "incremental": incremental,
        "new": per_day,
        "fixed": fixed,
    }


def main(argv: list[str]) -> None:
    sizes = [parse_n(a) for a in argv] or [10_000, 100_000]
    setup()
    spent = step_timer()
    count_aside_cpu()
    settings_text = "; ".join(s.removeprefix("SET LOCAL ") for s in BASELINE_SETTINGS)
    print("Baseline: one set-based GROUP BY over the whole log at the rollup's grain (day x person x cohort x level")
    print("x department x role x verb), the same rows the rebuild reads, with the rollup's settings")
    print(f"({settings_text}). 'GROUP BY' keeps its rows in the server (counted, not sent: the rebuild sends none);")
    print("'fetched' is the same GROUP BY sent to Python, the baseline of earlier sessions (it flatters the ratio).")
    print("'CPU ratio' is rebuild / GROUP BY in CPU time (server processes + Python), steadier on a busy machine;")
    print("the rebuild runs on two connections at once (day tables | entity tables): its CPU counts both.")
    header = ("activities", "GROUP BY", "fetched", "rebuild", "rebuild/GROUP BY", "/fetched", "CPU ratio")
    header += ("1 new day", "incremental/rebuild", "1k new")
    print("{:>11} {:>9} {:>9} {:>9} {:>16} {:>9} {:>9} {:>10} {:>20} {:>9}".format(*header))
    results = []
    for n in sizes:
        r = bench(n, spent)
        results.append(r)
        cpu = f"{r['cpu']:.1f}" if r["cpu"] else "-"
        print(
            f"{r['n']:>11,} {r['raw']:>8.3f}s {r['fetched']:>8.3f}s {r['rebuild']:>8.3f}s"
            f" {r['rebuild'] / r['raw']:>16.1f} {r['rebuild'] / r['fetched']:>9.1f} {cpu:>9}"
            f" {r['incremental']:>9.3f}s {r['incremental'] / r['rebuild']:>20.3f} {r['fixed']:>8.3f}s",
            flush=True,
        )
    for r in results:
        print(
            f"checked at {r['n']:,}: the GROUP BY and the rebuild read the same {r['activities']:,} activities into "
            f"the same {r['grain']:,} grain rows (DailyVerbCount's counts and people add up to them)"
        )
    for r in results:
        steps = ", ".join(f"{label} {seconds:.2f}" for label, seconds in r["steps"].items())
        print(f"rebuild steps at {r['n']:,} (s, wall; the entity steps overlap the day steps): {steps}")
    if len(results) > 1:
        print(
            f"a fixed batch of {FIXED_BATCH:,} new activities with {results[-1]['n']:,} of history costs "
            f"{results[-1]['fixed'] / results[0]['fixed']:.2f}x what it costs with {results[0]['n']:,}"
        )
    database = os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
    print(f"(one new day = N/{DAYS} activities; times are medians; PostgreSQL database {database})")


if __name__ == "__main__":
    main(sys.argv[1:])
