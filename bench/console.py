"""Benchmark the cohort console: page time and size with 20, 200 and 2,000 members (issue 13).

    python bench/console.py [N ...]      default: 20 200 2000

Grows one cohort to each N in turn (members made by the test factories and the real services: posts,
nudges, goal progress, policy acknowledgements, late joiners, people quiet for weeks), then GETs the
console as its facilitator through Django's test client (DEBUG off) after a warm-up, and prints the
median and fastest wall time of REPEAT requests, the median CPU time of this process (SQLite runs in
it; the measure other work on a shared machine disturbs least), the HTML size and the query count for
each N, and the ratios largest ÷ smallest. Page time and size should stay flat (issue 13's target: ratio <= 1.3).

FACILITATION_CONSOLE_PAGE_SIZE=20 makes the smallest cohort's page as full as the largest's, so the ratio
measures the cohort's size alone (with the default 50, 20 members fill 20 rows of a page and 200 fill 50).
SQLite by default (a fresh file under var/); DATABASE_URL=postgres://… for PostgreSQL, a dedicated
database that is created if missing and emptied first (the migrations are re-applied).
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
if not os.environ.get("DATABASE_URL"):
    sqlite = ROOT / "var" / "bench-console.sqlite3"
    sqlite.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
    os.environ["SQLITE_PATH"] = str(sqlite)

REPEAT = 15


def setup() -> None:
    import django

    django.setup()
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        import psycopg

        db = settings.DATABASES["default"]
        info = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
        with psycopg.connect(info, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def grow(cohort, board, facilitator, start: int, stop: int) -> None:
    """Members number ``start`` to ``stop`` - 1, a varied mix like a real cohort's."""
    from django.utils import timezone

    from forums.services import topic_create
    from onboarding.models import Goal, GoalProgress, PolicyAcknowledgement
    from onboarding.services.path import path_mark_seen, path_skip
    from portal.people.models import Membership, User
    from tests.factories import NudgeFactory, member_of

    goals = list(Goal.objects.filter(stage__ladder__cohort__isnull=True).order_by("pk"))
    now = timezone.now()
    started = datetime.combine(
        cohort.starts_on, datetime.min.time().replace(hour=9), tzinfo=timezone.get_default_timezone()
    )
    progress = []
    for i in range(start, stop):
        person = member_of(
            cohort,
            profile__display_name=f"Bench Member {i:05d}",
            profile__timezone=("Europe/London", "America/New_York", "Asia/Tokyo")[i % 3],
        )
        # Most joined on the first day; late joiners (3 days ago) count goal deadlines from the day they joined.
        joined = now - timedelta(days=3) if i % 5 == 0 else started
        Membership.objects.filter(user=person, cohort=cohort).update(joined_at=joined)
        if i % 6 == 0:  # through onboarding (skipping what the cohort made optional)
            for step in ("welcome", "goals"):
                path_mark_seen(user=person, step=step)
            for step in ("survey", "lesson", "practice"):
                path_skip(user=person, step=step)
        if i % 3 == 0:
            topic_create(actor=person, board=board, title=f"Post by bench member {i}", body="<p>Hello.</p>")
        if i % 7 == 0:
            PolicyAcknowledgement.objects.filter(user=person).delete()
        if i % 4 == 0:
            NudgeFactory(cohort=cohort, recipient=person, sender=facilitator)
        if i % 2 == 0:
            User.objects.filter(pk=person.pk).update(last_login=now - timedelta(days=i % 20))
        progress += [
            GoalProgress(goal=g, user=person, current=1, target=1, completed_at=now if (i + j) % 3 else None)
            for j, g in enumerate(goals)
            if (i + j) % 4
        ]
    GoalProgress.objects.bulk_create(progress, ignore_conflicts=True)  # services record some themselves


def measure(client, url: str) -> dict[str, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        client.get(url)
    times, cpu = [], []
    for _ in range(REPEAT):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        if response.status_code != 200:
            sys.exit(f"the console answered {response.status_code}")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return {
        "median_ms": statistics.median(times) * 1000,
        "fastest_ms": min(times) * 1000,
        "cpu_ms": statistics.median(cpu) * 1000,
        "kb": len(response.content) / 1024,
        "queries": len(ctx.captured_queries),
    }


def main(sizes: list[int]) -> None:
    setup()
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.core import mail
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from onboarding.services.path import cohort_onboarding_update
    from portal.people.models import Cohort
    from tests.factories import BoardFactory, ScheduledPromptFactory, facilitator_of

    cohort = Cohort.objects.create(
        name="Bench cohort", slug="bench-cohort", starts_on=timezone.localdate() - timedelta(days=40)
    )
    board = BoardFactory(cohort=cohort, title="Bench lounge", slug="bench-lounge")
    facilitator = facilitator_of(cohort, profile__display_name="Bench Facilitator")
    # Facilitators must use MFA: a TOTP authenticator lets the middleware through (as tests/conftest.py does).
    Authenticator.objects.create(user=facilitator, type=Authenticator.Type.TOTP, data={"secret": "bench"})
    for _ in range(3):
        ScheduledPromptFactory(cohort=cohort, board=board)
    cohort_onboarding_update(actor=facilitator, cohort=cohort, optional_steps=["survey", "lesson", "practice"])
    client = Client()
    client.force_login(facilitator)
    url = reverse("facilitation:console", args=[cohort.slug])
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[1]
    size = settings.FACILITATION_CONSOLE_PAGE_SIZE
    print(
        f"cohort console, {engine}, DEBUG={settings.DEBUG}, {size} members a page, median of {REPEAT} after a warm-up"
    )
    results = {}
    have = 0
    for n in sorted(sizes):
        grow(cohort, board, facilitator, have, n)
        have = n
        # What growing the cohort left in this process (sent mail, the objects it made) is the bench's, not
        # a web server's: drop the mail and keep the rest out of the garbage collector's way, so that the
        # collector's passes do not grow with N here when they would not in production.
        mail.outbox = []
        if connection.vendor == "postgresql":  # planner statistics, as autovacuum keeps them on a live site
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        gc.collect()
        gc.freeze()
        results[n] = r = measure(client, url)
        print(
            f"{n:>6} members: {r['median_ms']:7.1f} ms median, {r['fastest_ms']:7.1f} ms fastest, "
            f"CPU {r['cpu_ms']:7.1f} ms, {r['kb']:6.1f} KB, {r['queries']} queries",
            flush=True,
        )
    small, large = results[min(results)], results[max(results)]
    print(
        f"ratio {max(results)} / {min(results)} members: time {large['median_ms'] / small['median_ms']:.2f} "
        f"(fastest {large['fastest_ms'] / small['fastest_ms']:.2f}, CPU {large['cpu_ms'] / small['cpu_ms']:.2f}), "
        f"size {large['kb'] / small['kb']:.2f}"
    )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [20, 200, 2000])
