"""Benchmark the dashboards: response time with a large activity history divided by a small one.

    python bench/dashboard.py [SMALL LARGE]     default: 10k 1M

Builds each history on PostgreSQL (see bench/rollup.py: same generator, same dedicated database),
rolls it up, then times the analyst's pages through Django's test client (median of 7 after a
warm-up). Dashboards read rollup tables only, so the ratio should stay near 1 even though the
activity log grows a hundredfold.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rollup import history, parse_n, setup  # bench/ sibling module; it sets up Django's environment

REPEAT = 7


def pages(cohort_id: int) -> dict[str, tuple[str, dict]]:
    return {
        "dashboard, all cohorts": ("/dashboards/", {}),
        "dashboard, one cohort and level": ("/dashboards/", {"cohort": cohort_id, "level": 2}),
        "before and after": ("/dashboards/compare/", {}),
        "CSV of active people": ("/dashboards/export/active.csv", {}),
    }


def measure(n: int) -> dict[str, float]:
    from django.contrib.auth.models import Group
    from django.test import Client

    from metrics.models import Activity
    from metrics.rollup import rollup_run
    from portal.models import Cohort, Profile, Role, User

    history(n)
    rollup_run(rebuild=True)
    analyst, _ = User.objects.get_or_create(email="bench-analyst@bench.example")
    Profile.objects.get_or_create(user=analyst, defaults={"display_name": "Bench analyst"})
    analyst.groups.add(Group.objects.get_or_create(name=str(Role.ANALYST))[0])
    client = Client()
    client.force_login(analyst)
    cohort = Cohort.objects.filter(slug__startswith="bench-").order_by("pk").first()
    results = {}
    for name, (url, query) in pages(cohort.pk).items():
        response = client.get(url, query)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
        times = []
        for _ in range(REPEAT):
            began = time.perf_counter()
            client.get(url, query)
            times.append(time.perf_counter() - began)
        results[name] = statistics.median(times)
    results["activities"] = Activity.objects.count()
    return results


def main(argv: list[str]) -> None:
    small, large = [parse_n(a) for a in argv] if len(argv) == 2 else (10_000, 1_000_000)
    setup()
    a = measure(small)
    b = measure(large)
    print(f"{'page':<34} {small:>10,} {large:>10,}   ratio")
    for name in pages(0):
        print(f"{name:<34} {a[name] * 1000:>8.1f}ms {b[name] * 1000:>8.1f}ms {b[name] / a[name]:>7.2f}")
    total_a = sum(a[name] for name in pages(0))
    total_b = sum(b[name] for name in pages(0))
    print(f"{'all four pages':<34} {total_a * 1000:>8.1f}ms {total_b * 1000:>8.1f}ms {total_b / total_a:>7.2f}")
    print(f"(medians of {REPEAT} requests after a warm-up; {b['activities']:,} vs {a['activities']:,} activities)")


if __name__ == "__main__":
    main(sys.argv[1:])
