"""LTI jobs: post changed goal-stage scores to LMS gradebooks (retried with back-off, idempotent)."""

from __future__ import annotations

import requests
from celery import shared_task
from pylti1p3.exception import LtiException, LtiServiceException

from . import signals  # noqa: F401  (scores follow goal progress: a receiver of Celery's task_success)

RETRYABLE = (requests.RequestException, LtiServiceException, LtiException)


@shared_task(
    name="lti.tasks.scores_sync_course",
    autoretry_for=RETRYABLE,
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=10,
)
def scores_sync_course(course_id: int, user_ids: list[int] | None = None) -> int:
    """Post the course's changed scores (of ``user_ids`` only, if given). Safe to run any number of times."""
    from .models import CourseCohort
    from .services.grades import scores_post

    course = (
        CourseCohort.objects.select_related("cohort", "context__deployment__registration").filter(pk=course_id).first()
    )
    if course is None:
        return 0
    return scores_post(course=course, user_ids=user_ids)


@shared_task(name="lti.tasks.scores_sync_user")
def scores_sync_user(user_id: int) -> int:
    """After a person's goal progress was recomputed: one job per course of theirs with published goals."""
    from .services.grades import courses_of

    courses = courses_of(user_id)
    for course_id in courses:
        scores_sync_course.delay(course_id, [user_id])
    return len(courses)


@shared_task(name="lti.tasks.scores_sync_all")
def scores_sync_all() -> int:
    """The periodic sweep: every course with published goals (catches deadlines passing, missed jobs)."""
    from .models import CourseCohort

    ids = list(CourseCohort.objects.filter(stage_line_items__isnull=False).distinct().values_list("pk", flat=True))
    for course_id in ids:
        scores_sync_course.delay(course_id)
    return len(ids)
