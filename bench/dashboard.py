"""Benchmark the dashboards: response time with a large activity history divided by a small one.

    python bench/dashboard.py [SMALL LARGE]     default: 10k 1M

Builds each history on PostgreSQL (see bench/rollup.py: same generator, same dedicated database),
rolls it up, then times the analyst's pages through Django's test client after a warm-up: CPU per
request of this process and of its PostgreSQL backend (from /proc, so the server must be local), the
measure other work on a shared machine disturbs least, with the wall-time ratios of the fastest and
the median of 15 requests beside it, and the queries of one request at each size. Dashboards read
rollup tables only, so the ratio should stay near 1 even though the activity log grows a hundredfold.

Lessons, goals and survey rounds happen once per person and thing, so their rollup rows are bounded by
people x things, not by activity: the large history has every one of them (from about 200k activities
up), while a small one drawn the usual way has few or none (10k: no goal at all), which made the goal
and lesson panels' whole cost look like growth. Both histories timed for the ratio therefore carry
every lesson, goal and survey round of every person (``every_once``), on top of the same repeatable
activity as before; the large history is unchanged by this. The small history drawn the earlier way is
timed too, and the ratio against it printed beside the new one, so figures from before can be compared.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rollup import history, parse_n, setup  # bench/ sibling module; it sets up Django's environment

REPEAT = 15


def pages(cohort_id: int) -> dict[str, tuple[str, dict]]:
    return {
        "dashboard, all cohorts": ("/dashboards/", {}),
        "dashboard, one cohort and level": ("/dashboards/", {"cohort": cohort_id, "level": 2}),
        "before and after": ("/dashboards/compare/", {}),
        "CSV of active people": ("/dashboards/export/active.csv", {}),
    }


def backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) the PostgreSQL backend serving this process has used (local server)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(n: int, *, every_once: bool = True) -> dict[str, float]:
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from metrics.models import Activity
    from metrics.rollup import rollup_run
    from portal.people.models import Cohort, Profile, Role, User

    history(n, every_once=every_once)
    rollup_run(rebuild=True)
    analyst, _ = User.objects.get_or_create(email="bench-analyst@bench.example")
    Profile.objects.get_or_create(user=analyst, defaults={"display_name": "Bench analyst"})
    analyst.groups.add(Group.objects.get_or_create(name=str(Role.ANALYST))[0])
    client = Client()
    client.force_login(analyst)
    cohort = Cohort.objects.filter(slug__startswith="bench-").order_by("pk").first()
    results = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    for name, (url, query) in pages(cohort.pk).items():
        response = client.get(url, query)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            client.get(url, query)
        results[f"{name} (queries)"] = len(queries)
        times = []
        cpu_began = time.process_time(), backend_cpu(backend)
        for _ in range(REPEAT):
            began = time.perf_counter()
            client.get(url, query)
            times.append(time.perf_counter() - began)
        results[name] = min(times)
        results[f"{name} (median)"] = statistics.median(times)
        spent = time.process_time() - cpu_began[0] + backend_cpu(backend) - cpu_began[1]
        results[f"{name} (cpu)"] = spent / REPEAT
    results["activities"] = Activity.objects.count()
    return results


def main(argv: list[str]) -> None:
    small, large = [parse_n(a) for a in argv] if len(argv) == 2 else (10_000, 1_000_000)
    setup()
    earlier = measure(small, every_once=False)
    a = measure(small)
    b = measure(large)
    print(
        f"{'page':<34} {small:>10,} {large:>10,}   ratio   fastest of {REPEAT}   median   queries"
        f"   | {small:,} drawn as before   ratio"
    )
    for name in pages(0):
        cpu_a, cpu_b = a[f"{name} (cpu)"], b[f"{name} (cpu)"]
        wall = b[name] / a[name]
        median = b[f"{name} (median)"] / a[f"{name} (median)"]
        queries = f"{a[f'{name} (queries)']} / {b[f'{name} (queries)']}"
        cpu_e = earlier[f"{name} (cpu)"]
        print(
            f"{name:<34} {cpu_a * 1000:>8.1f}ms {cpu_b * 1000:>8.1f}ms {cpu_b / cpu_a:>7.2f}"
            f" {wall:>15.2f} {median:>8.2f} {queries:>9}   | {cpu_e * 1000:>18.1f}ms {cpu_b / cpu_e:>7.2f}"
        )
    total_a = sum(a[f"{name} (cpu)"] for name in pages(0))
    total_b = sum(b[f"{name} (cpu)"] for name in pages(0))
    total_e = sum(earlier[f"{name} (cpu)"] for name in pages(0))
    print(
        f"{'all four pages':<34} {total_a * 1000:>8.1f}ms {total_b * 1000:>8.1f}ms {total_b / total_a:>7.2f}"
        f" {'':>35}   | {total_e * 1000:>18.1f}ms {total_b / total_e:>7.2f}"
    )
    print(
        f"Times are CPU per request (this process and its PostgreSQL backend, mean of {REPEAT}), which other"
        " work on a shared machine disturbs least; the next two columns are the wall-time ratios of the"
        f" fastest and the median request. {b['activities']:,} vs {a['activities']:,} activities: both"
        " histories carry every lesson, goal and survey round of every person (rows bounded by people x"
        f" things, not by activity), on top of the repeatable activity. Right: the {small:,} history drawn as"
        f" before ({earlier['activities']:,} activities, few lessons and no goals) and the ratio against it."
    )


if __name__ == "__main__":
    main(sys.argv[1:])
