"""Activity history and rollup rows for the metrics tests (and the benchmarks)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import factory
from django.contrib.contenttypes.models import ContentType
from factory.django import DjangoModelFactory

from metrics.models import Activity, DailyActor, DailyVerbCount, MemberStatus
from metrics.verbs import Verb


class ActivityFactory(DjangoModelFactory):
    """Only for tests that need raw history; production code writes Activity through metrics.record()."""

    class Meta:
        model = Activity

    actor = factory.SubFactory("tests.factories.portal.UserFactory")
    verb = Verb.POST_CREATED
    management_level = factory.LazyAttribute(lambda o: o.actor.profile.management_level)


# Verbs a generated history draws from, with weights (reading and posting dominate, as in life).
HISTORY_VERBS = [
    ("signed_in", 12),
    ("entry_read", 10),
    ("reacted", 8),
    ("post_created", 10),
    ("topic_created", 4),
    ("topic_first_response", 3),
    ("commented", 4),
    ("entry_published", 2),
    ("followed", 3),
    ("profile_completed", 1),
    ("policy_acknowledged", 1),
    ("lesson_started", 2),
    ("lesson_completed", 2),
    ("goal_completed", 1),
    ("goal_overdue", 1),
    ("survey_answered", 1),
    ("prompt_released", 1),
    ("invited", 1),
]


def history_rows(
    *,
    rng: random.Random,
    n: int,
    actors: list[tuple[int, int | None, int | None]],
    start: datetime,
    days: int,
    topic_type: ContentType,
    survey_items: int = 4,
) -> list[Activity]:
    """``n`` unsaved Activity rows spread over ``days`` from ``start``, by ``actors`` [(id, cohort, level)].

    Topics, replies, prompts, goals, lessons and surveys refer to a small pool of ids so the
    entity rollups see first responses, replies to prompts, late goals and paired survey answers.
    """
    verbs, weights = zip(*HISTORY_VERBS, strict=True)
    topics = max(5, n // 40)
    rows = []
    for _ in range(n):
        actor_id, cohort_id, level = rng.choice(actors)
        verb = rng.choices(verbs, weights)[0]
        at = start + timedelta(seconds=rng.randrange(days * 86400))
        row = Activity(actor_id=actor_id, verb=verb, cohort_id=cohort_id, management_level=level, created_at=at)
        topic = rng.randrange(1, topics)
        if verb in ("topic_created", "prompt_released"):
            row.target_type, row.target_id = topic_type, topic
            if verb == "prompt_released":
                row.data = {
                    "prompt": topic,
                    "title": f"Prompt {topic}",
                    "session": rng.choice([1, 2, None]),
                    "timing": rng.choice(["before_session", "after_session", "unscheduled"]),
                }
        elif verb in ("post_created", "topic_first_response"):
            row.target_type, row.target_id = topic_type, 100_000 + rng.randrange(n)
            row.context_type, row.context_id = topic_type, topic
            if verb == "topic_first_response":
                row.data = {"seconds": rng.randrange(60, 5 * 86400)}
        elif verb in ("goal_completed", "goal_overdue"):
            goal = rng.randrange(1, 6)
            deadline = (start + timedelta(days=rng.randrange(days))).date().isoformat()
            row.data = {"goal": goal, "title": f"Goal {goal}", "stage": ["crawl", "walk", "run"][goal % 3]}
            row.data["deadline"] = deadline
            if verb == "goal_completed":
                row.data["late"] = rng.random() < 0.3
        elif verb in ("lesson_started", "lesson_completed"):
            lesson = rng.randrange(1, 6)
            row.data = {"lesson": lesson, "title": f"Lesson {lesson}"}
        elif verb == "survey_answered":
            row.data = {
                "survey": 1,
                "round": rng.choice(["before", "after"]),
                "audience": "leaders",
                "title": "Readiness",
                "scores": {str(i): rng.randint(1, 5) for i in range(1, survey_items + 1)},
                "items": {str(i): f"Statement {i}" for i in range(1, survey_items + 1)},
                "themes": {str(i): f"Theme {i % 2}" for i in range(1, survey_items + 1)},
            }
        rows.append(row)
    return rows


def rollup_rows(*, n: int, cohort_id: int, actor_ids: list[int], first_day: date) -> None:
    """``n`` DailyActor and ``n`` DailyVerbCount rows (for query-count tests at small and large N)."""
    actors, counts, members = [], [], []
    for i in range(n):
        day = first_day + timedelta(days=i % 120)
        actor_id = actor_ids[i % len(actor_ids)]
        level = 1 + i % 3
        week = day - timedelta(days=day.weekday())
        actors.append(
            DailyActor(
                day=day,
                week=week,
                actor_id=actor_id,
                cohort_id=cohort_id,
                management_level=level,
                actions=3,
                contributions=i % 2,
                replies=i % 2,
            )
        )
        counts.append(
            DailyVerbCount(
                day=day, week=week, cohort_id=cohort_id, management_level=level, verb="post_created", count=2, actors=1
            )
        )
    for actor_id in actor_ids:
        members.append(
            MemberStatus(
                cohort_id=cohort_id,
                person_key=f"u{actor_id}",
                actor_id=actor_id,
                invited_on=first_day,
                management_level=2,
            )
        )
    DailyActor.objects.bulk_create(actors, batch_size=2000)
    DailyVerbCount.objects.bulk_create(counts, batch_size=2000)
    MemberStatus.objects.bulk_create(members, ignore_conflicts=True)
