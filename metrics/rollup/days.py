"""Day-keyed rollups: DailyVerbCount and DailyActor, re-aggregated whole day by whole day."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate

from ..definitions import ACTOR_COUNTERS, NON_ENGAGEMENT
from ..models import Activity, DailyActor, DailyVerbCount
from .common import Snapshot, day_start, insert_rows, site_tz, week_of

MAX_SPAN_DAYS = 31


def day_runs(days: set[date]) -> list[tuple[date, date]]:
    """Contiguous runs of days, each at most MAX_SPAN_DAYS long, so one query covers one run."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and day == runs[-1][1] + timedelta(days=1) and (day - runs[-1][0]).days < MAX_SPAN_DAYS:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def reaggregate_days(days: set[date], snapshot: Snapshot) -> int:
    """Replace every DailyVerbCount and DailyActor row of ``days`` with a fresh count from Activity.

    Whole days are recomputed (never incremented), which is what makes a re-run or a run after a
    crash give identical rows. Returns the number of rows written.
    """
    written = 0
    for first, last in day_runs(days):
        span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        DailyVerbCount.objects.filter(day__in=span).delete()
        DailyActor.objects.filter(day__in=span).delete()
        rows = (
            Activity.objects.filter(
                created_at__gte=day_start(first), created_at__lt=day_start(last + timedelta(days=1))
            )
            .annotate(local_day=TruncDate("created_at", tzinfo=site_tz()))
            .values("local_day", "actor_id", "cohort_id", "management_level", "verb")
            .annotate(n=Count("id"))
            .order_by()
        )
        verb_counts: dict[tuple, list] = {}
        actor_days: dict[tuple, dict[str, int]] = {}
        rows = list(rows)
        snapshot.load_departments({row["actor_id"] for row in rows})
        for row in rows:
            actor_id, verb, n = row["actor_id"], row["verb"], row["n"]
            department, role = snapshot.department(actor_id), snapshot.role(actor_id)
            dims = (row["local_day"], row["cohort_id"], row["management_level"], department, role)
            entry = verb_counts.setdefault((*dims, verb), [0, set()])
            entry[0] += n
            entry[1].add(actor_id)
            counters = actor_days.setdefault((*dims, actor_id), defaultdict(int))
            if verb not in NON_ENGAGEMENT:
                counters["actions"] += n
            for column, verbs in ACTOR_COUNTERS.items():
                if verb in verbs:
                    counters[column] += n
        insert_rows(
            DailyVerbCount,
            ["day", "week", "cohort", "management_level", "department", "role", "verb", "count", "actors"],
            [
                (day, week_of(day), cohort_id, level, department, role, verb, count, len(actors))
                for (day, cohort_id, level, department, role, verb), (count, actors) in verb_counts.items()
            ],
        )
        columns = ["actions", *ACTOR_COUNTERS]
        insert_rows(
            DailyActor,
            ["day", "week", "actor", "cohort", "management_level", "department", "role", *columns],
            [
                (day, week_of(day), actor_id, cohort_id, level, department, role, *(counters[c] for c in columns))
                for (day, cohort_id, level, department, role, actor_id), counters in actor_days.items()
            ],
        )
        written += len(verb_counts) + len(actor_days)
    return written
