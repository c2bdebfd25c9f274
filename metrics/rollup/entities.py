"""Entity-keyed rollups: recomputed whole for the topics, prompts and people a batch touched."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import cast

from django.db import connection
from django.db.models import Count, Min, Q, QuerySet

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
    TOPIC_PEOPLE_KEPT,
    Activity,
    ActorFirst,
    GoalState,
    GoalStatus,
    LessonProgress,
    PromptResponse,
    PromptRollup,
    PromptTiming,
    SurveyInfo,
    SurveyItemInfo,
    SurveyScore,
    TopicPeople,
    TopicPersonKind,
    TopicResponse,
)
from .common import (
    Snapshot,
    as_int,
    by_actors,
    by_keys,
    chunks,
    insert_rows,
    local_day,
    parse_day,
    site_tz,
    week_of,
)
from .sql import department_sql, in_database, json_int_sql, local_day_sql, quoted, role_sql, week_sql

STAGES = ("crawl", "walk", "run")
# A topic or prompt row without its target (or context) names no topic: it cannot be rolled up per topic.
HAS_TARGET = {"target_type__isnull": False, "target_id__isnull": False}
HAS_CONTEXT = {"context_type__isnull": False, "context_id__isnull": False}


def _delete_for_actors(model, actors: set[int] | None) -> None:
    if actors is None:
        model.objects.all().delete()
        return
    for batch in chunks(sorted(actors)):
        model.objects.filter(actor_id__in=batch).delete()


def _delete_for_keys(model, keys: set[tuple[int, int]] | None) -> None:
    if keys is None:
        model.objects.all().delete()
        return
    for qs in by_keys(model.objects.all(), "topic_type_id", "topic_id", keys):
        qs.delete()


# ------------------------------------------------------------------ first-time milestones
def refresh_firsts(actors: set[int] | None, seen: dict[tuple[int, str], datetime] | None = None) -> None:
    """ActorFirst: the first local day of each funnel milestone.

    ``actors`` None: recomputed from the whole log. Otherwise ``seen`` holds the earliest moment of
    each (actor, milestone) in the new rows: a first can only move earlier, so merging it with the
    stored day gives what a full recount would, without rereading every sign-in of those people.
    """
    if actors is not None:
        _merge_firsts(seen or {})
        return
    firsts: dict[tuple[int, str], datetime] = {}
    for row in (
        Activity.objects.filter(verb__in=ALL_MILESTONE_VERBS)
        .values("actor_id", "verb")
        .annotate(first=Min("created_at"))
        .order_by()
    ):
        for milestone, verbs in MILESTONE_VERBS.items():
            if row["verb"] in verbs:
                key = (row["actor_id"], milestone)
                if key not in firsts or row["first"] < firsts[key]:
                    firsts[key] = row["first"]
    ActorFirst.objects.all().delete()
    ActorFirst.objects.bulk_create(
        [ActorFirst(actor_id=a, milestone=m, day=local_day(at)) for (a, m), at in firsts.items()], batch_size=2000
    )


def _merge_firsts(seen: dict[tuple[int, str], datetime]) -> None:
    actors = {actor for actor, _ in seen}
    stored: dict[tuple[int, str], date] = {}
    for batch in chunks(sorted(actors)):
        for actor_id, milestone, day in ActorFirst.objects.filter(actor_id__in=batch).values_list(
            "actor_id", "milestone", "day"
        ):
            stored[(actor_id, milestone)] = day
    earlier = {}
    for key, at in seen.items():
        day = local_day(at)
        if key not in stored or day < stored[key]:
            earlier[key] = day
    for (actor_id, milestone), day in earlier.items():
        if (actor_id, milestone) in stored:
            ActorFirst.objects.filter(actor_id=actor_id, milestone=milestone).update(day=day)
    ActorFirst.objects.bulk_create(
        [ActorFirst(actor_id=a, milestone=m, day=d) for (a, m), d in earlier.items() if (a, m) not in stored]
    )


# ------------------------------------------------------------------ time to first response
def refresh_topics(keys: set[tuple[int, int]] | None, snapshot: Snapshot) -> None:
    """TopicResponse for the topics ``keys`` (content type id, topic id); None = every topic."""
    if in_database():
        _topics_in_database(keys)
        return
    fields = ("id", "actor_id", "cohort_id", "management_level", "department", "role", "created_at")
    created: dict[tuple[int, int], dict] = {}
    for qs in by_keys(Activity.objects.filter(verb=TOPIC_CREATED, **HAS_TARGET), "target_type_id", "target_id", keys):
        for row in qs.values("target_type_id", "target_id", *fields).order_by("created_at", "id"):
            created.setdefault((row["target_type_id"], row["target_id"]), row)
    answered: dict[tuple[int, int], dict] = {}
    for qs in by_keys(
        Activity.objects.filter(verb=TOPIC_FIRST_RESPONSE, **HAS_CONTEXT), "context_type_id", "context_id", keys
    ):
        for row in qs.values("context_type_id", "context_id", "actor_id", "created_at", "data").order_by(
            "created_at", "id"
        ):
            answered.setdefault((row["context_type_id"], row["context_id"]), row)
    _delete_for_keys(TopicResponse, keys)
    snapshot.load_departments({row["actor_id"] for row in created.values()})
    objs = []
    for (type_id, topic_id), row in created.items():
        response = answered.get((type_id, topic_id))
        seconds = None
        if response:
            seconds = as_int((response["data"] or {}).get("seconds"))
            if seconds is None or seconds < 0:
                seconds = max(0, int((response["created_at"] - row["created_at"]).total_seconds()))
        day = local_day(row["created_at"])
        objs.append(
            TopicResponse(
                topic_type_id=type_id,
                topic_id=topic_id,
                author_id=row["actor_id"],
                cohort_id=row["cohort_id"],
                management_level=row["management_level"],
                department=snapshot.department_of(row),
                role=snapshot.role_of(row),
                created_at=row["created_at"],
                created_on=day,
                week=week_of(day),
                responder_id=response["actor_id"] if response else None,
                responded_at=response["created_at"] if response else None,
                seconds=seconds,
            )
        )
    TopicResponse.objects.bulk_create(objs, batch_size=2000)


def _topics_in_database(keys: set[tuple[int, int]] | None) -> None:
    """PostgreSQL: the same rows as the Python path, as one INSERT ... SELECT (keys None: every topic).

    Per topic the earliest creation and the earliest first response (by time, then id) are picked
    with DISTINCT ON; the seconds are the recorder's own when it is a whole number >= 0, else the
    time between the two (at least 0).
    """
    table = TopicResponse._meta.db_table
    params: dict = {"tz": site_tz().key, "created": TOPIC_CREATED, "answered": TOPIC_FIRST_RESPONSE}
    only_created = only_answered = ""
    if keys is not None:
        if not keys:
            return
        types, ids = zip(*sorted(keys), strict=True)
        params |= {"types": list(types), "ids": list(ids)}
        pick = "JOIN unnest(%(types)s::bigint[], %(ids)s::bigint[]) AS k (type_id, obj_id) ON "
        only_created = pick + "k.type_id = a.target_type_id AND k.obj_id = a.target_id"
        only_answered = pick + "k.type_id = a.context_type_id AND k.obj_id = a.context_id"
    created_on = local_day_sql("c.created_at")
    own = json_int_sql("r.data", "seconds")
    waited = "GREATEST(0, trunc(EXTRACT(EPOCH FROM r.created_at - c.created_at)))::bigint"
    with connection.cursor() as cursor:
        if keys is None:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (table name from the model)
        else:
            cursor.execute(
                f"DELETE FROM {table} t USING unnest(%(types)s::bigint[], %(ids)s::bigint[]) AS k (type_id, obj_id) "  # noqa: S608
                "WHERE t.topic_type_id = k.type_id AND t.topic_id = k.obj_id",
                params,
            )
        cursor.execute(
            f"""
            INSERT INTO {table} (topic_type_id, topic_id, author_id, cohort_id, management_level, department, role,
                                 created_at, created_on, week, responder_id, responded_at, seconds)
            SELECT c.target_type_id, c.target_id, c.actor_id, c.cohort_id, c.management_level,
                   {department_sql("c")}, {role_sql("c")}, c.created_at, {created_on}, {week_sql(created_on)},
                   r.actor_id, r.created_at,
                   CASE WHEN r.id IS NULL THEN NULL WHEN {own} >= 0 THEN {own} ELSE {waited} END
            FROM (
                SELECT DISTINCT ON (a.target_type_id, a.target_id) a.target_type_id, a.target_id, a.actor_id,
                       a.cohort_id, a.management_level, a.department, a.role, a.created_at
                FROM {Activity._meta.db_table} a {only_created}
                WHERE a.verb = %(created)s AND a.target_type_id IS NOT NULL AND a.target_id IS NOT NULL
                ORDER BY a.target_type_id, a.target_id, a.created_at, a.id
            ) c LEFT JOIN (
                SELECT DISTINCT ON (a.context_type_id, a.context_id) a.id, a.context_type_id, a.context_id,
                       a.actor_id, a.created_at, a.data
                FROM {Activity._meta.db_table} a {only_answered}
                WHERE a.verb = %(answered)s AND a.context_type_id IS NOT NULL AND a.context_id IS NOT NULL
                ORDER BY a.context_type_id, a.context_id, a.created_at, a.id
            ) r ON r.context_type_id = c.target_type_id AND r.context_id = c.target_id
            """,  # noqa: S608 (table names from the models, constants quoted)
            params,
        )


# ------------------------------------------------------------------ people behind topics, bounded
# TopicResponse fields topic_people_rows() reads, in this order.
TOPIC_PEOPLE_FIELDS = (
    "week",
    "created_on",
    "author_id",
    "responder_id",
    "seconds",
    "cohort_id",
    "management_level",
    "department",
    "role",
)


def topic_people_rows(topics: Iterable[tuple], kept: int) -> list[dict]:
    """TopicPeople rows (field values) for TopicResponse rows given as ``TOPIC_PEOPLE_FIELDS`` tuples.

    Per week, and per day, of starting, row group (cohort, level, department, role) and kind: the
    authors, the responders of answered topics and the authors of unanswered ones, cut to the ``kept``
    lowest ids. Pure (no database access); migration 0009 keeps a frozen copy of it to fill the table.
    """
    found: dict[tuple, set] = defaultdict(set)
    for week, day, author, responder, seconds, *dims in topics:
        second = (TopicPersonKind.RESPONDER, responder) if seconds is not None else (TopicPersonKind.UNANSWERED, author)
        for kind, person in ((TopicPersonKind.AUTHOR, author), second):
            found[(week, None, kind, *dims)].add(person)
            found[(week, day, kind, *dims)].add(person)
    return [
        {
            "week": week,
            "day": day,
            "kind": str(kind),
            "cohort_id": cohort,
            "management_level": level,
            "department": department,
            "role": role,
            "people": sorted(people, key=_by_person)[:kept],
        }
        for (week, day, kind, cohort, level, department, role), people in found.items()
    ]


def topic_people_of(keys: set[tuple[int, int]]) -> list[tuple]:
    """The ``TOPIC_PEOPLE_FIELDS`` of the topics ``keys``, as TopicResponse holds them now."""
    rows: list[tuple] = []
    for qs in by_keys(TopicResponse.objects.order_by(), "topic_type_id", "topic_id", keys):
        rows.extend(qs.values_list(*TOPIC_PEOPLE_FIELDS))
    return rows


def _by_person(key) -> tuple:
    return (key is None, key or 0)


def _contributions(topics: Iterable[tuple]) -> Counter:
    """(week, day or None, kind, cohort, level, department, role, person) -> how many of ``topics`` give it."""
    found: Counter = Counter()
    for week, day, author, responder, seconds, *dims in topics:
        second = (TopicPersonKind.RESPONDER, responder) if seconds is not None else (TopicPersonKind.UNANSWERED, author)
        for kind, person in ((TopicPersonKind.AUTHOR, author), second):
            for grain in (None, day):
                found[(week, grain, str(kind), *dims, person)] += 1
    return found


def update_topic_people(before: list[tuple], after: list[tuple]) -> None:
    """TopicPeople after a batch changed some topics from ``before`` to ``after`` (their TopicResponse rows).

    A person a changed topic adds to a set joins it: the kept people are the lowest of the kept ones and
    the new (a person outside the kept ones of a full set is above all of them, so stays out). A person
    it takes away from a set changes nothing when the set is full and does not keep them; otherwise
    their week and row group is recomputed from its topics (they may still be in it through another
    topic). So a batch that adds posts to old topics rewrites nothing, and one that answers topics
    recomputes only the groups of the authors it took off the unanswered sets.
    """
    old, new = _contributions(before), _contributions(after)
    added: dict[tuple, set] = defaultdict(set)
    removed: dict[tuple, set] = defaultdict(set)
    for key in old.keys() | new.keys():
        if new[key] > old[key]:
            added[key[:-1]].add(key[-1])
        elif new[key] < old[key]:
            removed[key[:-1]].add(key[-1])
    groups = {(key[0], *key[3:]) for key in added.keys() | removed.keys()}
    if not groups:
        return
    stored: dict[tuple, TopicPeople] = {}
    for batch in chunks(sorted(groups, key=str), 100):
        where = Q()
        for group in batch:
            where |= _of_group(*group)
        for found in TopicPeople.objects.filter(where):
            key = (found.week, found.day, found.kind, found.cohort_id, found.management_level, found.department)
            stored[(*key, found.role)] = found
    recompute: set[tuple] = set()
    for key, people in removed.items():
        row = stored.get(key)
        # Kept person taken away (a set below the cap keeps everyone, so always so there): recompute.
        if row is None or people & set(row.people):
            recompute.add((key[0], *key[3:]))
    changed: list[TopicPeople] = []
    created: list[TopicPeople] = []
    for key, people in added.items():
        if (key[0], *key[3:]) in recompute:
            continue
        row = stored.get(key)
        kept = sorted(people | set(row.people if row else ()), key=_by_person)[:TOPIC_PEOPLE_KEPT]
        if row is None:
            week, day, kind, cohort, level, department, role = key
            created.append(
                TopicPeople(
                    week=week,
                    day=day,
                    kind=kind,
                    cohort_id=cohort,
                    management_level=level,
                    department=department,
                    role=role,
                    people=kept,
                )
            )
        elif kept != row.people:
            row.people = kept
            changed.append(row)
    TopicPeople.objects.bulk_update(changed, ["people"], batch_size=500)
    TopicPeople.objects.bulk_create(created, batch_size=2000)
    refresh_topic_people(recompute)


def _of_group(week: date, cohort: int | None, level: int | None, department: str, role: str, *, days=False) -> Q:
    # TopicResponse is indexed by (created_on, cohort), TopicPeople by (week, cohort): each branch reads its part.
    return Q(
        **({"created_on__range": (week, week + timedelta(days=6))} if days else {}),
        week=week,
        department=department,
        role=role,
        **({"cohort_id__isnull": True} if cohort is None else {"cohort_id": cohort}),
        **({"management_level__isnull": True} if level is None else {"management_level": level}),
    )


def refresh_topic_people(groups: set[tuple] | None) -> None:
    """TopicPeople of the ``groups`` (week, cohort, level, department, role; None: all), from TopicResponse now.

    A batch recomputes only the week and row groups its topics were (or now are) in, reading those
    groups' topics. PostgreSQL: one INSERT ... SELECT giving the same rows as ``topic_people_rows``.
    """
    if groups is None:
        TopicPeople.objects.all().delete()
        batches: list[Q | None] = [None]
    else:
        batches = []
        for batch in chunks(sorted(groups, key=str), 100):
            stored, read = Q(), Q()
            for group in batch:
                stored |= _of_group(*group)
                read |= _of_group(*group, days=True)
            TopicPeople.objects.filter(stored).delete()
            batches.append(read)
    for where in batches:
        topics = TopicResponse.objects.order_by() if where is None else TopicResponse.objects.filter(where).order_by()
        if in_database():
            _topic_people_in_database(topics)
            continue
        rows = topic_people_rows(topics.values_list(*TOPIC_PEOPLE_FIELDS).iterator(chunk_size=5000), TOPIC_PEOPLE_KEPT)
        TopicPeople.objects.bulk_create([TopicPeople(**row) for row in rows], batch_size=2000)


def _topic_people_in_database(topics: QuerySet) -> None:
    """PostgreSQL: TopicPeople of ``topics`` (a TopicResponse queryset) as topic_people_rows makes them.

    Each topic gives (author, its author) and (responder, its first responder) or (unanswered, its
    author); grouped per week and per day (GROUPING SETS), the distinct people ascending with NULL last
    (as the Python sort), cut to TOPIC_PEOPLE_KEPT.
    """
    inner, params = topics.values(*TOPIC_PEOPLE_FIELDS).query.sql_with_params()
    dims = "s.cohort_id, s.management_level, s.department, s.role"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {TopicPeople._meta.db_table}
                (week, day, kind, cohort_id, management_level, department, role, people)
            SELECT s.week, s.created_on, s.kind, {dims},
                   to_jsonb((array_agg(DISTINCT s.person ORDER BY s.person))[1:%s])
            FROM (
                SELECT t.week, t.created_on, t.cohort_id, t.management_level, t.department, t.role, v.kind, v.person
                FROM ({inner}) t
                CROSS JOIN LATERAL (VALUES
                    (%s, t.author_id),
                    (CASE WHEN t.seconds IS NULL THEN %s ELSE %s END,
                     CASE WHEN t.seconds IS NULL THEN t.author_id ELSE t.responder_id END)
                ) v (kind, person)
            ) s
            GROUP BY GROUPING SETS ((s.week, s.kind, {dims}), (s.week, s.created_on, s.kind, {dims}))
            """,  # noqa: S608 (table name from the model, the inner query Django's own)
            [
                TOPIC_PEOPLE_KEPT,
                *params,
                str(TopicPersonKind.AUTHOR),
                str(TopicPersonKind.UNANSWERED),
                str(TopicPersonKind.RESPONDER),
            ],
        )


# ------------------------------------------------------------------ starter prompts
def refresh_prompts(keys: set[tuple[int, int]] | None, snapshot: Snapshot) -> None:
    """PromptRollup and PromptResponse for the prompt topics among ``keys``; None = every prompt."""
    releases: dict[tuple[int, int], dict] = {}
    for qs in by_keys(Activity.objects.filter(verb=PROMPT_RELEASED, **HAS_TARGET), "target_type_id", "target_id", keys):
        for row in qs.values("target_type_id", "target_id", "cohort_id", "created_at", "data").order_by(
            "created_at", "id"
        ):
            releases.setdefault((row["target_type_id"], row["target_id"]), row)
    _delete_for_keys(PromptRollup, keys)
    prompts = {}
    for (type_id, topic_id), row in releases.items():
        data = row["data"] or {}
        timing = data.get("timing")
        prompts[(type_id, topic_id)] = PromptRollup(
            topic_type_id=type_id,
            topic_id=topic_id,
            prompt_id=as_int(data.get("prompt")),
            cohort_id=row["cohort_id"],
            title=str(data.get("title") or f"Prompt {data.get('prompt') or topic_id}")[:300],
            session=as_int(data.get("session")),
            timing=timing if timing in PromptTiming.values else PromptTiming.UNSCHEDULED,
            released_at=row["created_at"],
            released_on=local_day(row["created_at"]),
        )
    PromptRollup.objects.bulk_create(list(prompts.values()), batch_size=2000)
    if not prompts:
        return
    grouped: dict[tuple, list] = {}
    replies = Activity.objects.filter(verb=POST_CREATED)
    rows = []
    for qs in by_keys(replies, "context_type_id", "context_id", set(prompts)):
        rows.extend(
            qs.values("context_type_id", "context_id", "actor_id", "management_level", "department", "role")
            .annotate(n=Count("id"))
            .order_by()
        )
    snapshot.load_departments({row["actor_id"] for row in rows})
    for row in rows:
        actor_id = row["actor_id"]
        key = (
            prompts[(row["context_type_id"], row["context_id"])],
            row["management_level"],
            snapshot.department_of(row),
            snapshot.role_of(row),
        )
        entry = grouped.setdefault(key, [0, set()])
        entry[0] += row["n"]
        entry[1].add(actor_id)
    PromptResponse.objects.bulk_create(
        [
            PromptResponse(
                prompt=prompt, management_level=level, department=dept, role=role, responses=n, responders=len(actors)
            )
            for (prompt, level, dept, role), (n, actors) in grouped.items()
        ],
        batch_size=2000,
    )


# ------------------------------------------------------------------ goals and lessons
def _rows_for(verbs: list[str], actors: set[int] | None) -> list[dict]:
    rows: list[dict] = []
    base = Activity.objects.filter(verb__in=verbs)
    fields = (
        "id",
        "actor_id",
        "verb",
        "created_at",
        "data",
        "target_id",
        "cohort_id",
        "management_level",
        "department",
        "role",
    )
    for qs in by_actors(base, actors):
        rows.extend(qs.values(*fields).order_by("created_at", "id"))
    rows.sort(key=lambda r: (r["created_at"], r["id"]))
    return rows


def _deadline_sql(value: str) -> str:
    """``parse_day`` in SQL: the first ten characters of a string when they are an ISO date, else NULL."""
    text = f"left({value} #>> '{{}}', 10)"
    iso = r"'^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'"
    month_end = (
        f"EXTRACT(DAY FROM make_date(substr({text}, 1, 4)::int, substr({text}, 6, 2)::int, 1) "
        "+ interval '1 month - 1 day')"
    )
    return (
        f"(CASE WHEN jsonb_typeof({value}) = 'string' AND {text} ~ {iso} AND substr({text}, 1, 4) <> '0000' "
        f"THEN CASE WHEN substr({text}, 9, 2)::int <= {month_end} THEN ({text})::date END END)"
    )


def _goals_in_database(actors: set[int] | None) -> None:
    """PostgreSQL: GoalStatus as one INSERT ... SELECT, the same rows as the Python path.

    Descriptive facts come from the latest row that carries them; the completion and the overdue
    notice are the earliest of each; the dimensions are the completion's, else the notice's.
    """
    if actors is not None and not actors:
        return
    params: dict = {"tz": site_tz().key, "completed": GOAL_COMPLETED, "overdue": GOAL_OVERDUE}
    rows = _actor_rows_sql([GOAL_COMPLETED, GOAL_OVERDUE], actors, params, "goal")
    _delete_for_actors_sql(GoalStatus, actors)

    def latest(key: str) -> str:
        value = f"r.data -> '{key}'"
        return f"(array_agg({value} ORDER BY r.created_at DESC, r.id DESC) FILTER (WHERE {_truthy_sql(value)}))[1]"

    def first(verb: str) -> str:
        return (
            f"(SELECT DISTINCT ON (actor_id, thing) * FROM r WHERE verb = %({verb})s AND thing IS NOT NULL "  # noqa: S608
            "ORDER BY actor_id, thing, created_at, id)"
        )

    deadline = _deadline_sql("g.deadline")
    completed_on = local_day_sql("c.created_at")
    said_late, said_on_time = _truthy_sql("c.data -> 'late'"), _truthy_sql("c.data -> 'on_time'")
    late = (
        f"(CASE WHEN c.data ? 'late' THEN {said_late} WHEN c.data ? 'on_time' THEN NOT {said_on_time} "
        f"ELSE COALESCE({completed_on} > {deadline}, false) END)"
    )
    stage = "lower(g.stage #>> '{}')"

    def source(column: str) -> str:
        return f"CASE WHEN c.id IS NOT NULL THEN {column.format(t='c')} ELSE {column.format(t='o')} END"

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH r AS MATERIALIZED ({rows}), g AS (
                SELECT r.actor_id, r.thing, {latest("title")} AS title, {latest("stage")} AS stage,
                       {latest("deadline")} AS deadline
                FROM r WHERE r.thing IS NOT NULL GROUP BY r.actor_id, r.thing
            )
            INSERT INTO {GoalStatus._meta.db_table} (actor_id, goal_id, title, stage, deadline, completed_on,
                overdue_on, status, cohort_id, management_level, department, role)
            SELECT g.actor_id, g.thing, LEFT(COALESCE(g.title #>> '{{}}', 'Goal ' || g.thing), 200),
                   CASE WHEN {stage} IN ({quoted(STAGES)}) THEN {stage} ELSE 'other' END,
                   {deadline}, {completed_on}, {local_day_sql("o.created_at")},
                   CASE WHEN c.id IS NULL THEN %(overdue_state)s
                        WHEN o.id IS NOT NULL OR {late} THEN %(late_state)s ELSE %(on_time_state)s END,
                   {source("{t}.cohort_id")}, {source("{t}.management_level")},
                   {source(department_sql("{t}"))}, {source(role_sql("{t}"))}
            FROM g LEFT JOIN {first("completed")} c ON c.actor_id = g.actor_id AND c.thing = g.thing
            LEFT JOIN {first("overdue")} o ON o.actor_id = g.actor_id AND o.thing = g.thing
            """,  # noqa: S608 (table names from the models, constants quoted)
            params
            | {"overdue_state": GoalState.OVERDUE, "late_state": GoalState.LATE, "on_time_state": GoalState.ON_TIME},
        )


def refresh_goals(actors: set[int] | None, snapshot: Snapshot) -> None:
    """GoalStatus for every goal of ``actors``: done on time, done late, or overdue (None = everyone)."""
    if in_database():
        _goals_in_database(actors)
        return
    per_goal: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in _rows_for([GOAL_COMPLETED, GOAL_OVERDUE], actors):
        goal_id = as_int((row["data"] or {}).get("goal")) or row["target_id"]
        if goal_id is not None:
            per_goal[(row["actor_id"], goal_id)].append(row)
    _delete_for_actors(GoalStatus, actors)
    snapshot.load_departments({actor for actor, _ in per_goal})
    objs = []
    for (actor_id, goal_id), rows in per_goal.items():
        facts: dict = {}
        for row in rows:  # later rows win for descriptive facts
            data = row["data"] or {}
            for key in ("title", "stage", "deadline"):
                if data.get(key):
                    facts[key] = data[key]
        deadline = parse_day(facts.get("deadline"))
        completed = next((r for r in rows if r["verb"] == GOAL_COMPLETED), None)
        overdue = next((r for r in rows if r["verb"] == GOAL_OVERDUE), None)
        source = cast(dict, completed or overdue)  # a goal row set holds a completion or an overdue
        completed_on = local_day(completed["created_at"]) if completed else None
        if completed:
            status = (
                GoalState.LATE
                if overdue or _late(completed["data"] or {}, completed_on, deadline)
                else GoalState.ON_TIME
            )
        else:
            status = GoalState.OVERDUE
        stage = str(facts.get("stage", "")).lower()
        objs.append(
            GoalStatus(
                actor_id=actor_id,
                goal_id=goal_id,
                title=str(facts.get("title") or f"Goal {goal_id}")[:200],
                stage=stage if stage in STAGES else "other",
                deadline=deadline,
                completed_on=completed_on,
                overdue_on=local_day(overdue["created_at"]) if overdue else None,
                status=status,
                cohort_id=source["cohort_id"],
                management_level=source["management_level"],
                department=snapshot.department_of(source),
                role=snapshot.role_of(source),
            )
        )
    GoalStatus.objects.bulk_create(objs, batch_size=2000)


def _late(data: dict, completed_on, deadline) -> bool:
    """The recorder's own verdict ("late", or "on_time"), else the completion day against the deadline."""
    if "late" in data:
        return bool(data["late"])
    if "on_time" in data:
        return not data["on_time"]
    return bool(deadline and completed_on > deadline)


def _actor_rows_sql(verbs: list[str], actors: set[int] | None, params: dict, key: str) -> str:
    """The log rows of ``verbs`` (of ``actors``; None = everyone), with the thing they name as ``thing``.

    The thing is ``as_int(data[key]) or target_id``, as the Python path reads it.
    """
    params |= {"verbs": list(verbs), "actors": sorted(actors) if actors is not None else None}
    only = "AND a.actor_id = ANY(%(actors)s)" if actors is not None else ""
    return f"""
        SELECT a.id, a.actor_id, a.verb, a.created_at, a.data, a.cohort_id, a.management_level, a.department,
               a.role, COALESCE(NULLIF({json_int_sql("a.data", key)}, 0), a.target_id) AS thing
        FROM {Activity._meta.db_table} a WHERE a.verb = ANY(%(verbs)s) {only}
    """  # noqa: S608 (table name from the model)


def _delete_for_actors_sql(model, actors: set[int] | None) -> None:
    with connection.cursor() as cursor:
        if actors is None:
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
        else:
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE actor_id = ANY(%s)", [sorted(actors)])  # noqa: S608


def _truthy_sql(value: str) -> str:
    """Python's truth of a JSON value (``bool(data.get(key))``)."""
    return (
        f"(CASE jsonb_typeof({value}) WHEN 'boolean' THEN ({value})::boolean "
        f"WHEN 'number' THEN ({value})::numeric <> 0 WHEN 'string' THEN ({value} #>> '{{}}') <> '' "
        f"WHEN 'array' THEN jsonb_array_length({value}) > 0 WHEN 'object' THEN {value} <> '{{}}'::jsonb "
        "ELSE false END)"
    )


def _lessons_in_database(actors: set[int] | None) -> None:
    """PostgreSQL: LessonProgress as one INSERT ... SELECT, the same rows as the Python path."""
    if actors is not None and not actors:
        return
    params: dict = {"tz": site_tz().key, "completed": LESSON_COMPLETED}
    rows = _actor_rows_sql([LESSON_STARTED, LESSON_COMPLETED], actors, params, "lesson")
    _delete_for_actors_sql(LessonProgress, actors)
    title = "r.data -> 'title'"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH r AS MATERIALIZED ({rows})
            INSERT INTO {LessonProgress._meta.db_table} (actor_id, lesson_id, title, started_on, completed_on,
                                                         cohort_id, management_level, department, role)
            SELECT f.actor_id, f.thing, LEFT(COALESCE(t.title, 'Lesson ' || f.thing), 200),
                   {local_day_sql("f.created_at")}, {local_day_sql("c.done")},
                   f.cohort_id, f.management_level, {department_sql("f")}, {role_sql("f")}
            FROM (SELECT DISTINCT ON (actor_id, thing) * FROM r WHERE thing IS NOT NULL
                  ORDER BY actor_id, thing, created_at, id) f
            LEFT JOIN (SELECT actor_id, thing, MIN(created_at) AS done FROM r WHERE verb = %(completed)s
                       GROUP BY actor_id, thing) c ON c.actor_id = f.actor_id AND c.thing = f.thing
            LEFT JOIN (SELECT DISTINCT ON (actor_id, thing) actor_id, thing, r.data ->> 'title' AS title
                       FROM r WHERE {_truthy_sql(title)}
                       ORDER BY actor_id, thing, created_at DESC, id DESC) t
                ON t.actor_id = f.actor_id AND t.thing = f.thing
            """,  # noqa: S608 (table names from the models, constants quoted)
            params,
        )


def refresh_lessons(actors: set[int] | None, snapshot: Snapshot) -> None:
    """LessonProgress for every lesson ``actors`` started or completed (None = everyone)."""
    if in_database():
        _lessons_in_database(actors)
        return
    per_lesson: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in _rows_for([LESSON_STARTED, LESSON_COMPLETED], actors):
        lesson_id = as_int((row["data"] or {}).get("lesson")) or row["target_id"]
        if lesson_id is not None:
            per_lesson[(row["actor_id"], lesson_id)].append(row)
    _delete_for_actors(LessonProgress, actors)
    snapshot.load_departments({actor for actor, _ in per_lesson})
    objs = []
    for (actor_id, lesson_id), rows in per_lesson.items():
        title = next((r["data"]["title"] for r in reversed(rows) if (r["data"] or {}).get("title")), "")
        completed = next((r for r in rows if r["verb"] == LESSON_COMPLETED), None)
        objs.append(
            LessonProgress(
                actor_id=actor_id,
                lesson_id=lesson_id,
                title=str(title or f"Lesson {lesson_id}")[:200],
                started_on=local_day(rows[0]["created_at"]),
                completed_on=local_day(completed["created_at"]) if completed else None,
                cohort_id=rows[0]["cohort_id"],
                management_level=rows[0]["management_level"],
                department=snapshot.department_of(rows[0]),
                role=snapshot.role_of(rows[0]),
            )
        )
    LessonProgress.objects.bulk_create(objs, batch_size=2000)


# ------------------------------------------------------------------ surveys
def refresh_surveys(actors: set[int] | None, snapshot: Snapshot) -> None:
    """SurveyScore (each person's before/after per item) and the survey labels, for ``actors``."""
    rows = _rows_for([SURVEY_ANSWERED], actors)
    latest: dict[tuple[int, int, str], dict] = {}
    for row in rows:
        data = row["data"] or {}
        survey_id, round_ = as_int(data.get("survey")), data.get("round")
        if survey_id is None or round_ not in ("before", "after") or not isinstance(data.get("scores"), dict):
            continue
        latest[(row["actor_id"], survey_id, round_)] = row  # rows are in time order: the last answer wins
    scores: dict[tuple[int, int, str], dict] = {}
    for (actor_id, survey_id, round_), row in sorted(latest.items(), key=lambda kv: (kv[1]["created_at"], kv[1]["id"])):
        for item_key, value in row["data"]["scores"].items():
            score = as_int(value)
            if score is None or not 1 <= score <= 5:
                continue
            entry = scores.setdefault(
                (actor_id, survey_id, str(item_key)[:40]), {"before": None, "after": None, "source": row}
            )
            entry[round_] = score
            entry[f"{round_}_on"] = local_day(row["created_at"])
            entry["source"] = row
    _delete_for_actors(SurveyScore, actors)
    snapshot.load_departments({actor for actor, _, _ in scores})
    # Plain tuples (COPY on PostgreSQL): a model instance per score cost more than the rest of this step.
    insert_rows(
        SurveyScore,
        [
            "survey_id",
            "item_key",
            "actor",
            "before",
            "after",
            "before_on",
            "after_on",
            "cohort",
            "management_level",
            "department",
            "role",
        ],
        [
            (
                survey_id,
                item_key,
                actor_id,
                entry["before"],
                entry["after"],
                entry.get("before_on"),
                entry.get("after_on"),
                entry["source"]["cohort_id"],
                entry["source"]["management_level"],
                snapshot.department_of(entry["source"]),
                str(snapshot.role_of(entry["source"])),
            )
            for (actor_id, survey_id, item_key), entry in scores.items()
        ],
    )
    _refresh_survey_labels(rows)


def _refresh_survey_labels(rows: list[dict]) -> None:
    """Keep, per survey and per item, the labels from the answer with the highest id that carried them.

    Highest id (not latest time) so the incremental path and a rebuild agree whatever order rows arrive in.
    """
    surveys: dict[int, dict] = {}
    items: dict[tuple[int, str], dict] = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        data = row["data"] or {}
        survey_id = as_int(data.get("survey"))
        if survey_id is None:
            continue
        if data.get("title") or data.get("audience"):
            surveys[survey_id] = {
                "title": str(data.get("title") or f"Survey {survey_id}")[:200],
                "audience": "programme" if data.get("audience") == "programme" else "leaders",
                "source_activity_id": row["id"],
            }
        else:
            # Known, but with nothing to say about itself: any answer that names it wins (source 0).
            surveys.setdefault(
                survey_id, {"title": f"Survey {survey_id}", "audience": "leaders", "source_activity_id": 0}
            )
        labels, themes = data.get("items"), data.get("themes")
        themes = themes if isinstance(themes, dict) else {}
        if isinstance(labels, dict):
            for key, label in labels.items():
                # Either {"<id>": "text"} with themes beside it, or {"<id>": {"label": "text", "theme": "..."}}.
                if isinstance(label, dict):
                    text, theme = label.get("label") or label.get("text") or "", label.get("theme") or ""
                else:
                    text, theme = label, themes.get(key, "")
                items[(survey_id, str(key)[:40])] = {
                    "label": str(text or f"Item {key}")[:300],
                    "theme": str(theme or "")[:80],
                    "source_activity_id": row["id"],
                }
    if surveys:
        existing = dict(SurveyInfo.objects.filter(pk__in=surveys).values_list("pk", "source_activity_id"))
        for survey_id, values in surveys.items():
            if survey_id not in existing or values["source_activity_id"] > existing[survey_id]:
                SurveyInfo.objects.update_or_create(survey_id=survey_id, defaults=values)
    if items:
        existing_items = {
            (s, k): src
            for s, k, src in SurveyItemInfo.objects.filter(survey_id__in={s for s, _ in items}).values_list(
                "survey_id", "item_key", "source_activity_id"
            )
        }
        for (survey_id, key), values in items.items():
            if values["source_activity_id"] > existing_items.get((survey_id, key), -1):
                SurveyItemInfo.objects.update_or_create(survey_id=survey_id, item_key=key, defaults=values)
