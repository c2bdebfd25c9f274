"""The rollup engine: incremental by Activity id watermark, idempotent, one transaction per batch."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.db import Error, OperationalError, connection, transaction
from django.db.models import Max, Min, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..definitions import (
    ALL_MILESTONE_VERBS,
    GOAL_COMPLETED,
    GOAL_OVERDUE,
    LESSON_COMPLETED,
    LESSON_STARTED,
    MILESTONE_VERBS,
    POST_CREATED,
    PROMPT_RELEASED,
    SURVEY_ANSWERED,
    TOPIC_CREATED,
    TOPIC_FIRST_RESPONSE,
)
from ..models import (
    Activity,
    ActorFirst,
    DailyActor,
    DailyVerbCount,
    GoalStatus,
    LessonProgress,
    MemberStatus,
    PromptResponse,
    PromptRollup,
    RollupGap,
    RollupState,
    SurveyInfo,
    SurveyItemInfo,
    SurveyScore,
    TopicPeople,
    TopicResponse,
    WeeklyActor,
)
from .common import Snapshot, chunks, local_day, site_tz, week_of
from .days import reaggregate_days, rebuild_days_in_database, refresh_weeks
from .entities import (
    refresh_firsts,
    refresh_goals,
    refresh_lessons,
    refresh_prompts,
    refresh_surveys,
    refresh_topic_people,
    refresh_topics,
    topic_people_of,
    update_topic_people,
)
from .members import refresh_members
from .sql import in_database
from .swap import Built, built_aside, drop_aside, fresh_tables

log = logging.getLogger(__name__)
STATE = "activity"
# A rebuild records at most this many missing ids as gaps: only recent ids can be in flight.
MAX_GAPS = 10_000


@dataclass
class RollupResult:
    processed: int = 0
    days: int = 0
    batches: int = 0
    watermark: int = 0
    gaps: int = 0
    rebuilt: bool = False
    skipped: bool = False  # another run held the lock


def _lock_state(*, wait: bool) -> RollupState | None:
    RollupState.objects.get_or_create(name=STATE)
    qs = RollupState.objects.select_for_update(skip_locked=not wait)
    return qs.filter(name=STATE).first()


@dataclass
class Touched:
    """What one batch of new activity touches: only these are recomputed."""

    days: set
    firsts: dict  # (actor, milestone) -> earliest moment among the new rows
    topics: set
    prompts: set
    goals: set
    lessons: set
    surveys: set

    @classmethod
    def from_rows(cls, rows) -> Touched:
        t = cls(set(), {}, set(), set(), set(), set(), set())
        for _id, created_at, verb, actor_id, target_type, target_id, context_type, context_id in rows:
            t.days.add(local_day(created_at))
            if verb in ALL_MILESTONE_VERBS:
                for milestone, verbs in MILESTONE_VERBS.items():
                    key = (actor_id, milestone)
                    if verb in verbs and (key not in t.firsts or created_at < t.firsts[key]):
                        t.firsts[key] = created_at
            if verb == TOPIC_CREATED and target_type and target_id is not None:
                t.topics.add((target_type, target_id))
            elif verb == TOPIC_FIRST_RESPONSE and context_type and context_id is not None:
                t.topics.add((context_type, context_id))
            if verb == PROMPT_RELEASED and target_type and target_id is not None:
                t.prompts.add((target_type, target_id))
            elif verb == POST_CREATED and context_type and context_id is not None:
                t.prompts.add((context_type, context_id))
            if verb in (GOAL_COMPLETED, GOAL_OVERDUE):
                t.goals.add(actor_id)
            elif verb in (LESSON_STARTED, LESSON_COMPLETED):
                t.lessons.add(actor_id)
            elif verb == SURVEY_ANSWERED:
                t.surveys.add(actor_id)
        return t


def _apply(touched: Touched | None, snapshot: Snapshot, days: set, top: int = 0, *, aside: bool = False) -> None:
    """Recompute everything ``touched`` names (None: everything, the days up to activity ``top``) from Activity.

    ``aside``: leave out the entity tables (another connection builds them, ``_build_aside``).
    """
    if touched is None and in_database():
        # One read of the whole log fills the day tables and the firsts together.
        rebuild_days_in_database(top=top)
    else:
        reaggregate_days(days, snapshot)
        if touched is None:
            refresh_firsts(None)
        else:
            refresh_firsts({actor for actor, _ in touched.firsts}, touched.firsts)
    refresh_weeks(None if touched is None else {week_of(day) for day in days})
    if not aside:
        _apply_entities(touched, snapshot)
    refresh_members()


def _apply_entities(touched: Touched | None, snapshot: Snapshot) -> None:
    """The topic, prompt, goal, lesson and survey tables: they read the log (and each other), never the day tables."""
    if touched is None:
        refresh_topics(None, snapshot)
        refresh_topic_people(None)
    else:
        before = topic_people_of(touched.topics)
        refresh_topics(touched.topics, snapshot)
        update_topic_people(before, topic_people_of(touched.topics))
    refresh_prompts(touched.prompts if touched else None, snapshot)
    refresh_goals(touched.goals if touched else None, snapshot)
    refresh_lessons(touched.lessons if touched else None, snapshot)
    refresh_surveys(touched.surveys if touched else None, snapshot)


def _record_gaps(missing: list[int], now) -> int:
    RollupGap.objects.bulk_create(
        [RollupGap(activity_id=i, noticed_at=now) for i in missing[-MAX_GAPS:]], ignore_conflicts=True
    )
    return len(missing[-MAX_GAPS:])


def _incremental_batch(batch_size: int, wait: bool, days_seen: set) -> RollupResult:
    columns = ("id", "created_at", "verb", "actor_id", "target_type_id", "target_id", "context_type_id", "context_id")
    with transaction.atomic():
        state = _lock_state(wait=wait)
        if state is None:
            return RollupResult(skipped=True)
        now = timezone.now()
        mark = state.last_activity_id
        rows = list(Activity.objects.filter(id__gt=mark).order_by("id").values_list(*columns)[:batch_size])
        gap_ids = list(RollupGap.objects.values_list("activity_id", flat=True))
        late: list[tuple[Any, ...]] = []
        for batch in chunks(gap_ids, 500):
            late.extend(Activity.objects.filter(id__in=batch).values_list(*columns))
        new_mark = rows[-1][0] if rows else mark
        seen = {row[0] for row in rows}
        # On the very first run, ids below the first one were never handed out here (or were deleted).
        floor = mark if mark or not rows else rows[0][0] - 1
        missing = [i for i in range(floor + 1, new_mark + 1) if i not in seen]
        if late:
            RollupGap.objects.filter(activity_id__in=[row[0] for row in late]).delete()
        RollupGap.objects.filter(noticed_at__lt=now - timedelta(seconds=settings.METRICS_ROLLUP_GAP_SECONDS)).delete()
        gaps = _record_gaps(missing, now)
        touched = Touched.from_rows(rows + late)
        days_seen |= touched.days
        if rows or late:
            _apply(touched, Snapshot(), touched.days)
        else:
            refresh_members()  # people tables change without activity (a new member, a new department)
        state.last_activity_id = new_mark
        state.last_run_at = now
        state.save(update_fields=["last_activity_id", "last_run_at"])
    return RollupResult(
        processed=len(rows) + len(late), days=len(touched.days), batches=1, watermark=new_mark, gaps=gaps
    )


def rollup_run(*, rebuild: bool = False, batch_size: int | None = None, wait: bool = False) -> RollupResult:
    """Bring every rollup table up to date with Activity.

    Incremental (default): processes activities above the watermark (plus late ids below it) in
    batches of ``batch_size``, each in one transaction that recomputes the whole days, topics,
    prompts and people it touched and moves the watermark; a crash rolls the batch back, and
    running again gives identical rows. If another run holds the lock, returns ``skipped``
    unless ``wait``.

    ``rebuild=True`` recomputes every table from scratch in one transaction; it gives the same
    rows as the incremental path.
    """
    if rebuild:
        return _rebuild()
    batch_size = batch_size or settings.METRICS_ROLLUP_BATCH
    total = RollupResult()
    days_seen: set = set()
    while True:
        result = _incremental_batch(batch_size, wait, days_seen)
        if result.skipped:
            total.skipped = total.batches == 0
            break
        total.processed += result.processed
        total.days = len(days_seen)
        total.batches += 1
        total.gaps += result.gaps
        total.watermark = result.watermark
        if result.processed < batch_size:
            break
    return total


ROLLUP_MODELS = (
    DailyVerbCount,
    DailyActor,
    WeeklyActor,
    ActorFirst,
    TopicResponse,
    TopicPeople,
    PromptRollup,
    GoalStatus,
    LessonProgress,
    SurveyScore,
    SurveyInfo,
    SurveyItemInfo,
)


# What a rebuild on PostgreSQL builds afresh and swaps in (PromptResponse rows belong to their prompts).
REBUILT_TABLES = tuple(m._meta.db_table for m in (*ROLLUP_MODELS, PromptResponse))
# The sample ANALYZE reads per table after a rebuild is 300 x this many rows (PostgreSQL's default is 100): the
# rollup tables' filter columns (days, weeks, cohorts, levels, departments, roles) have few distinct values,
# and autovacuum's next ANALYZE goes back to the default sample.
STATISTICS_TARGET = 25


# A rebuild that deadlocks with another transaction is the one PostgreSQL cancels, having waited first: it
# starts again. (Readers no longer meet it: it locks the tables they read only to swap them, and a deadlock
# there repeats the swap alone, metrics.rollup.swap.)
REBUILD_ATTEMPTS = 3
DEADLOCK = "40P01"
# A rebuild reads one snapshot (repeatable read): if another run updated the rollup state after that snapshot
# was taken (it held the lock the rebuild waited for), PostgreSQL refuses the lock and the rebuild starts again.
SERIALIZATION_FAILURE = "40001"
RETRIED = (DEADLOCK, SERIALIZATION_FAILURE)


def _rebuild() -> RollupResult:
    # A second connection builds the entity tables while this one builds the day tables (PostgreSQL), unless
    # the caller's transaction holds rows a second connection could not see (then one connection does both).
    parallel = in_database() and not connection.in_atomic_block
    for attempt in range(1, REBUILD_ATTEMPTS + 1):
        try:
            return _rebuild_once(parallel=parallel)
        except OperationalError as error:
            if attempt == REBUILD_ATTEMPTS or getattr(error.__cause__, "sqlstate", None) not in RETRIED:
                raise
            log.warning("rollup rebuild met a concurrent transaction (attempt %d); starting again", attempt)
    raise AssertionError("unreachable")


def _rebuild_once(*, parallel: bool) -> RollupResult:
    side = _Aside() if parallel else None
    try:
        with transaction.atomic():
            if parallel:
                # One snapshot for the whole rebuild: the watermark, the log the day tables count and the ids
                # found missing are read as of one moment, so an activity that commits meanwhile is a gap the
                # next run counts, never an id the watermark passes with no day table counting it.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            state = cast(RollupState, _lock_state(wait=True))  # waiting for the lock, so never None
            if side is not None:
                # Holding the lock, no other rebuild runs: schemas of this prefix are a failed rebuild's.
                drop_aside(ASIDE_PREFIX)
                side.start()
            if in_database():
                # Fresh tables filled beside the old ones, which readers keep reading until the swap at the end.
                own = [t for t in REBUILT_TABLES if side is None or t not in ASIDE_TABLES]
                with fresh_tables(own, aside=side.result if side else tuple):
                    result = _rebuild_rows(state, aside=side is not None)
            else:
                for model in ROLLUP_MODELS:
                    model.objects.all().delete()
                result = _rebuild_rows(state)
        return result
    finally:
        if side is not None and side.ident is not None:
            side.join()
            try:
                drop_aside(side.schema)  # committed aside, never swapped in (this rebuild failed)
            except Error:
                log.exception("rollup rebuild could not drop its schema %s (the next rebuild will)", side.schema)


# The entity tables a second connection builds during a rebuild on PostgreSQL, in a schema of this prefix.
ASIDE_MODELS = (
    TopicResponse,
    TopicPeople,
    PromptRollup,
    PromptResponse,
    GoalStatus,
    LessonProgress,
    SurveyScore,
    SurveyInfo,
    SurveyItemInfo,
)
ASIDE_TABLES = tuple(m._meta.db_table for m in ASIDE_MODELS)
ASIDE_PREFIX = "metrics_rollup_aside_"


class _Aside(threading.Thread):
    """The second connection of a rebuild: builds the entity tables and commits them in a schema of its own."""

    def __init__(self) -> None:
        super().__init__(name="rollup-rebuild-aside")
        self.schema = f"{ASIDE_PREFIX}{uuid.uuid4().hex[:12]}"
        self.built: Built | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.built = _build_aside(self.schema)
        except BaseException as error:  # raised in the rebuild's thread by result()
            self.error = error
        finally:
            connection.close()  # this thread's own connection

    def result(self) -> tuple[Built, ...]:
        self.join()
        if self.error is not None:
            raise self.error
        return (cast(Built, self.built),)


def _build_aside(schema: str) -> Built:
    """The entity tables from the log, finished (keys, indexes, statistics) and committed in ``schema``."""
    with transaction.atomic(), built_aside(ASIDE_TABLES, schema) as built:
        with connection.cursor() as cursor:
            # The settings the rebuild's own connection runs with (metrics.rollup.days): the first responses'
            # sorts fit in memory, and no JIT compilation of statements that run once.
            cursor.execute("SET LOCAL work_mem = '128MB'")
            cursor.execute("SET LOCAL jit = off")
        _apply_entities(None, Snapshot())
        _analyze(ASIDE_TABLES)
    return built


def _rebuild_rows(state: RollupState, *, aside: bool = False) -> RollupResult:
    """Every rollup row from the log, into empty tables; the watermark and gaps to match; fresh statistics."""
    now = timezone.now()
    previous = state.last_activity_id
    top = Activity.objects.aggregate(top=Max("id"))["top"] or 0
    days: set = set()
    if in_database():
        _apply(None, Snapshot(), days, top, aside=aside)
        # What the day tables counted: every activity rolled up (no second pass over the log to count it).
        with connection.cursor() as cursor:
            table = DailyVerbCount._meta.db_table
            cursor.execute(f"SELECT count(DISTINCT day), COALESCE(SUM(count), 0) FROM {table}")  # noqa: S608
            day_count, processed = cursor.fetchone()
    else:
        days = set(
            Activity.objects.filter(id__lte=top)
            .annotate(local_day=TruncDate("created_at", tzinfo=site_tz()))
            .values_list("local_day", flat=True)
            .distinct()
            .order_by()
        )
        _apply(None, Snapshot(), days, top)
        day_count = len(days)
        processed = DailyVerbCount.objects.aggregate(n=Sum("count", default=0))["n"]
    # Ids above the old watermark that are not visible yet may still commit: remember them.
    lowest = Activity.objects.aggregate(low=Min("id"))["low"] or 1
    start = min(previous, top) if previous else lowest - 1
    if in_database() and not previous:
        # A first rebuild looks at every id up to top: the day statement has just counted them (up to top).
        visible = processed
    else:
        visible = Activity.objects.filter(id__gt=start, id__lte=top).count()
    missing: list[int] = []
    if visible != top - start:
        ids = set(Activity.objects.filter(id__gt=start, id__lte=top).values_list("id", flat=True))
        missing = [i for i in range(start + 1, top + 1) if i not in ids]
    present: list[int] = []
    for batch in chunks(list(RollupGap.objects.values_list("activity_id", flat=True)), 500):
        present.extend(Activity.objects.filter(id__in=batch).values_list("id", flat=True))
    RollupGap.objects.filter(activity_id__in=present).delete()
    gaps = _record_gaps(missing, now)
    state.last_activity_id = top
    state.last_run_at = now
    state.last_rebuild_at = now
    state.save()
    # Inside the transaction (PostgreSQL: on the fresh tables): the new rows and their statistics become
    # visible together.
    _analyze((MemberStatus._meta.db_table, *(t for t in REBUILT_TABLES if not aside or t not in ASIDE_TABLES)))
    return RollupResult(processed=processed, days=day_count, batches=1, watermark=top, gaps=gaps, rebuilt=True)


def _analyze(tables: Iterable[str]) -> None:
    """Refresh the planner's statistics of tables a rebuild replaced whole (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL default_statistics_target = {STATISTICS_TARGET}")
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
