"""Day-keyed rollups: DailyVerbCount and DailyActor, re-aggregated whole day by whole day."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any, cast

from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import TruncDate

from ..definitions import ACTOR_COUNTERS, MILESTONE_VERBS, NON_ENGAGEMENT
from ..models import Activity, ActorFirst, DailyActor, DailyVerbCount, WeeklyActor
from .common import Snapshot, chunks, day_start, insert_rows, site_tz, week_of
from .sql import department_sql, in_database, local_day_sql, quoted, role_sql, week_sql

MAX_SPAN_DAYS = 31


def day_runs(days: set[date], span: int = MAX_SPAN_DAYS) -> list[tuple[date, date]]:
    """Contiguous runs of days, each at most ``span`` days long, so one query covers one run."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and day == runs[-1][1] + timedelta(days=1) and (day - runs[-1][0]).days < span:
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
    # In the database nothing is held in Python memory, so a contiguous run is one statement however long.
    set_based = in_database()
    for first, last in day_runs(days, 100_000 if set_based else MAX_SPAN_DAYS):
        span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        DailyVerbCount.objects.filter(day__in=span).delete()
        DailyActor.objects.filter(day__in=span).delete()
        if set_based:
            written += _aggregate_in_database(first, last)
            continue
        per_day = (
            Activity.objects.filter(
                created_at__gte=day_start(first), created_at__lt=day_start(last + timedelta(days=1))
            )
            .annotate(local_day=TruncDate("created_at", tzinfo=site_tz()))
            .values("local_day", "actor_id", "cohort_id", "management_level", "department", "role", "verb")
            .annotate(n=Count("id"))
            .order_by()
        )
        verb_counts: dict[tuple, list] = {}
        actor_days: dict[tuple, dict[str, int]] = {}
        rows = list(per_day)
        snapshot.load_departments({row["actor_id"] for row in rows})
        for row in rows:
            actor_id, verb, n = row["actor_id"], row["verb"], row["n"]
            department, role = snapshot.department_of(row), snapshot.role_of(row)
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


def _aggregate_in_database(
    first: date | None, last: date | None, *, firsts: bool = False, top: int | None = None
) -> int:
    """PostgreSQL: both day tables from one set-based read of the log at their grain (INSERT ... SELECT).

    One statement: the GROUP BY at the grain (day x person x cohort x level x department x role x verb)
    is a materialised CTE that the inserts aggregate further; since each grain row is one person,
    a plain count gives the distinct people per verb. The log is grouped by the columns as recorded
    first and today's department and role filled in after, on the grouped rows (the lookups then run
    once per person-day rather than per activity), then grouped again as rows recorded without them
    may land on the same dimensions. ``first``/``last`` None: the whole log, and
    with ``firsts`` ActorFirst is filled from the same grain (a person's first local day of a
    milestone is the least day of its verbs), so a rebuild reads the log once for all three; ``top``
    (the whole log only) leaves out activities above that id, so the day tables count exactly the
    activities up to it.

    Exactly the rows the Python path writes: dimensions as recorded on the activity (today's
    department and role only for rows recorded before those were kept), counters per ACTOR_COUNTERS.
    """
    # Each verb's weight in every counter (0 or 1), joined to the grain rows once: a product per counter
    # instead of a verb-list test per counter and row. Verbs not listed are engagement in no counter. A
    # rebuild's weights also say which milestones a verb reaches, so the firsts come from the person-days.
    known = sorted(set(NON_ENGAGEMENT).union(*ACTOR_COUNTERS.values(), *(MILESTONE_VERBS.values() if firsts else ())))
    marks = list(MILESTONE_VERBS.values()) if firsts else []
    weights = ", ".join(
        f"({quoted([verb])}, {int(verb not in NON_ENGAGEMENT)}, "
        + ", ".join(str(int(verb in verbs)) for verbs in [*ACTOR_COUNTERS.values(), *marks])
        + ")"
        for verb in known
    )
    slots = [f"c{i}" for i in range(len(ACTOR_COUNTERS))]
    flags = [f"m{i}" for i in range(len(marks))]
    counters = ", ".join(
        f"SUM(g.n * COALESCE(w.{slot}, 0))::int AS {column}" for slot, column in zip(slots, ACTOR_COUNTERS, strict=True)
    )
    columns = ", ".join(["actions", *ACTOR_COUNTERS])
    where, params = "", cast(dict[str, Any], {"tz": site_tz().key})
    if first is not None and last is not None:
        where = "WHERE a.created_at >= %(lo)s AND a.created_at < %(hi)s"
        params |= {"lo": day_start(first), "hi": day_start(last + timedelta(days=1))}
    elif top is not None:
        where, params = "WHERE a.id <= %(top)s", params | {"top": top}
    keys = "g.day, g.actor_id, g.cohort_id, g.management_level, g.department, g.role"
    person_days = f"""
        SELECT {keys}, SUM(g.n * COALESCE(w.engaged, 1))::int AS actions, {counters}
               {"".join(f", bool_or(w.{flag} = 1) AS {flag}" for flag in flags)}
        FROM grain g LEFT JOIN (VALUES {weights}) AS w (verb, engaged, {", ".join(slots + flags)}) ON w.verb = g.verb
        GROUP BY {keys}
    """  # noqa: S608 (constants quoted)
    into_daily_actor = f"""
        INSERT INTO {DailyActor._meta.db_table} (day, week, actor_id, cohort_id, management_level, department, role,
                                                 {columns})
    """
    if firsts:
        # A person's first day of a milestone is the least of their person-days whose verbs reach it: the
        # person-days (a tenth of the grain rows) are aggregated once more per person, not the grain per verb.
        least = ", ".join(f"MIN(p.day) FILTER (WHERE p.{flag}) AS {flag}" for flag in flags)
        per_milestone = ", ".join(
            f"({quoted([milestone])}, x.{flag})" for milestone, flag in zip(MILESTONE_VERBS, flags, strict=True)
        )
        tail = f""", p AS MATERIALIZED ({person_days}), f AS (
            INSERT INTO {ActorFirst._meta.db_table} (actor_id, milestone, day)
            SELECT x.actor_id, m.milestone, m.day FROM (SELECT p.actor_id, {least} FROM p GROUP BY p.actor_id) x
            CROSS JOIN LATERAL (VALUES {per_milestone}) AS m (milestone, day)
            WHERE m.day IS NOT NULL
        )
        {into_daily_actor}
        SELECT p.day, {week_sql("p.day")}, p.actor_id, p.cohort_id, p.management_level, p.department, p.role,
               {columns} FROM p
        """  # noqa: S608 (table names from the models, constants quoted)
    else:
        tail = f"""
        {into_daily_actor}
        SELECT g.day, {week_sql("g.day")}, g.actor_id, g.cohort_id, g.management_level, g.department, g.role,
               actions, {", ".join(ACTOR_COUNTERS)} FROM ({person_days}) g
        """  # noqa: S608
    recorded = f"""
        SELECT {local_day_sql("a.created_at")} AS day, a.actor_id, a.cohort_id, a.management_level,
               a.department, a.role, a.verb, count(*)::int AS n
        FROM {Activity._meta.db_table} a {where}
        GROUP BY 1, 2, 3, 4, 5, 6, 7
    """  # noqa: S608 (table name from the model)
    if _has_rows_without_dimensions(where, params):
        grain = f"""recorded AS MATERIALIZED ({recorded}), grain AS MATERIALIZED (
            SELECT day, actor_id, cohort_id, management_level, {department_sql("r")} AS department,
                   {role_sql("r")} AS role, verb, SUM(n)::int AS n
            FROM recorded r GROUP BY 1, 2, 3, 4, 5, 6, 7
        )"""  # noqa: S608
    else:
        grain = f"grain AS MATERIALIZED ({recorded})"
    with connection.cursor() as cursor:
        # Room to aggregate in memory (the default 4 MB spills a million rows to disk); this transaction only.
        cursor.execute("SET LOCAL work_mem = '128MB'")
        # The subplans that look up today's department and role (run only for old rows) inflate the
        # estimated cost enough to switch on JIT compilation, which costs more than the statement.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f"""
            WITH {grain}
            , v AS (
                INSERT INTO {DailyVerbCount._meta.db_table}
                    (day, week, cohort_id, management_level, department, role, verb, count, actors)
                SELECT day, {week_sql("day")}, cohort_id, management_level, department, role, verb, SUM(n), count(*)
                FROM grain GROUP BY day, cohort_id, management_level, department, role, verb
                RETURNING 1
            ){tail}
            """,  # noqa: S608 (table names from the models, constants quoted)
            params,
        )
        return cursor.rowcount


def _has_rows_without_dimensions(where: str, params: dict) -> bool:
    """Whether the log (within ``where``) holds rows recorded before department and role were kept.

    A partial index holds exactly those rows, so asking costs nothing however long the log is.
    """
    legacy = "(a.department IS NULL OR a.role = '')"
    condition = f"{where} AND {legacy}" if where else f"WHERE {legacy}"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {Activity._meta.db_table} a {condition})", params)  # noqa: S608
        return bool(cursor.fetchone()[0])


def rebuild_days_in_database(*, top: int) -> int:
    """PostgreSQL rebuild: DailyVerbCount, DailyActor and ActorFirst from one read of the log up to id ``top``.

    The tables must be empty. Returns the number of DailyActor rows written. Guarantees: the day
    tables' counts add up to the number of activities with ids up to ``top`` (each counted once).
    """
    return _aggregate_in_database(None, None, firsts=True, top=top)


def refresh_weeks(weeks: set[date] | None) -> None:
    """Replace the WeeklyActor rows of ``weeks`` (None: all) with DailyActor summed per person-week.

    One INSERT ... SELECT per batch of weeks (the SELECT is the ORM's, so SQLite and PostgreSQL
    run the same statement); an incremental batch touches a week or two, whatever the history.
    """
    columns = ["actions", *ACTOR_COUNTERS]
    keys = ["week", "actor_id", "cohort_id", "management_level", "department", "role"]
    quote = connection.ops.quote_name
    masks = ["active_mask", "contribution_mask"]
    target = f"{quote(WeeklyActor._meta.db_table)} ({', '.join(quote(c) for c in [*keys, *columns, *masks])})"
    batches: list[list[date] | None] = [None] if weeks is None else list(chunks(sorted(weeks)))
    for batch in batches:
        stale, source = WeeklyActor.objects.all(), DailyActor.objects.all()
        if batch is not None:
            stale, source = stale.filter(week__in=batch), source.filter(week__in=batch)
        stale.delete()
        # One DailyActor row per person, day and dimensions, so summing each row's weekday bit is OR-ing them.
        summed = (
            source.values(*keys)
            .annotate(
                **{f"total_{c}": Sum(c) for c in columns},
                days_active=Sum(_day_bit(Q(actions__gt=0))),
                days_contributed=Sum(_day_bit(Q(contributions__gt=0))),
            )
            .order_by()
        )
        sql, params = summed.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {target} {sql}", params)


def _day_bit(condition: Q) -> Case:
    """A DailyActor row's weekday as one bit (Monday 1, Tuesday 2 ... Sunday 64) when ``condition`` holds, else 0."""
    return Case(
        *(When(condition, day__iso_week_day=d + 1, then=Value(1 << d)) for d in range(7)),
        default=Value(0),
        output_field=IntegerField(),
    )
