"""Onboarding jobs: recompute a person's goals after activity; send deadline reminders; open after rounds."""

from __future__ import annotations

from celery import shared_task

from portal.people.models import User


@shared_task(name="onboarding.tasks.goals_refresh")
def goals_refresh(user_id: int) -> int:
    """Recompute goal progress and practice tasks for one person from their activity. Idempotent."""
    from .services.goals import goal_progress_update
    from .services.lessons import lesson_practice_refresh

    user = User.objects.filter(pk=user_id, is_active=True).select_related("profile").first()
    if user is None:
        return 0
    rows = goal_progress_update(user=user)
    lesson_practice_refresh(user=user)
    return len(rows)


@shared_task(name="onboarding.tasks.goal_reminders")
def goal_reminders() -> int:
    """Beat, hourly (the goal job): remind people of stage deadlines coming up (each person and stage once)
    and record goals whose deadline passed unmet (each person and goal once)."""
    from portal.services.jobs import heartbeat_touch

    from .services.goals import goal_overdue_record, goal_reminders_send

    sent = goal_reminders_send()
    goal_overdue_record()
    heartbeat_touch(name="onboarding.goal_reminders")
    return sent


@shared_task(name="onboarding.tasks.survey_rounds")
def survey_rounds() -> int:
    """Beat: invite people to after rounds that have opened (each round once)."""
    from portal.services.jobs import heartbeat_touch

    from .services.surveys import survey_rounds_open

    invited = survey_rounds_open()
    heartbeat_touch(name="onboarding.survey_rounds")
    return invited
