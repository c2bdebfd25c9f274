"""Entity-keyed rollups: recomputed whole for the topics, prompts and people a batch touched."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Count, Min

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
    GoalState,
    GoalStatus,
    LessonProgress,
    PromptResponse,
    PromptRollup,
    PromptTiming,
    SurveyInfo,
    SurveyItemInfo,
    SurveyScore,
    TopicResponse,
)
from .common import Snapshot, as_int, by_actors, by_keys, chunks, local_day, parse_day, week_of

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
    stored: dict[tuple[int, str], object] = {}
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
    fields = ("id", "actor_id", "cohort_id", "management_level", "created_at")
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
                department=snapshot.department(row["actor_id"]),
                role=snapshot.role(row["actor_id"]),
                created_at=row["created_at"],
                created_on=day,
                week=week_of(day),
                responder_id=response["actor_id"] if response else None,
                responded_at=response["created_at"] if response else None,
                seconds=seconds,
            )
        )
    TopicResponse.objects.bulk_create(objs, batch_size=2000)


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
            qs.values("context_type_id", "context_id", "actor_id", "management_level")
            .annotate(n=Count("id"))
            .order_by()
        )
    snapshot.load_departments({row["actor_id"] for row in rows})
    for row in rows:
        actor_id = row["actor_id"]
        key = (
            prompts[(row["context_type_id"], row["context_id"])],
            row["management_level"],
            snapshot.department(actor_id),
            snapshot.role(actor_id),
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
    fields = ("id", "actor_id", "verb", "created_at", "data", "target_id", "cohort_id", "management_level")
    for qs in by_actors(base, actors):
        rows.extend(qs.values(*fields).order_by("created_at", "id"))
    rows.sort(key=lambda r: (r["created_at"], r["id"]))
    return rows


def refresh_goals(actors: set[int] | None, snapshot: Snapshot) -> None:
    """GoalStatus for every goal of ``actors``: done on time, done late, or overdue (None = everyone)."""
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
        source = completed or overdue
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
                department=snapshot.department(actor_id),
                role=snapshot.role(actor_id),
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


def refresh_lessons(actors: set[int] | None, snapshot: Snapshot) -> None:
    """LessonProgress for every lesson ``actors`` started or completed (None = everyone)."""
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
                department=snapshot.department(actor_id),
                role=snapshot.role(actor_id),
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
    SurveyScore.objects.bulk_create(
        [
            SurveyScore(
                survey_id=survey_id,
                item_key=item_key,
                actor_id=actor_id,
                before=entry["before"],
                after=entry["after"],
                before_on=entry.get("before_on"),
                after_on=entry.get("after_on"),
                cohort_id=entry["source"]["cohort_id"],
                management_level=entry["source"]["management_level"],
                department=snapshot.department(actor_id),
                role=snapshot.role(actor_id),
            )
            for (actor_id, survey_id, item_key), entry in scores.items()
        ],
        batch_size=2000,
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
