"""Every task's registered name, by app: what ``portal.jobs.enqueue_on_commit`` checks a name against.

A web process does not load Celery (issue 13: ≈ 10 MB a gunicorn worker), so it cannot ask Celery's
registry whether a name exists; it asks this list instead, before writing anything, so a typo still
never loses a job. ``tests/portal/test_outbox_send.py`` checks that this list and the Celery registry
of the worker (every installed app's ``tasks`` module) name the same tasks: add a task there, add it here.
``OUTBOX_EXTRA_TASK_NAMES`` (settings) adds names outside the apps (the ops tests' slow job).
"""

from __future__ import annotations

TASKS_BY_APP: dict[str, frozenset[str]] = {
    "portal": frozenset(
        {
            "portal.jobs.sweep",
            "portal.tasks.heartbeat",
            "portal.tasks.send_invitation_email",
            "portal.notifications.email_notification",
            "portal.notifications.send_digest",
            "portal.notifications.send_due_digests",
            "portal.notifications.send_email",
            "portal.notifications.sweep",
        }
    ),
    "forums": frozenset(
        {
            "forums.tasks.answer_accepted_notify",
            "forums.tasks.attachments_prune",
            "forums.tasks.flags_resolved_notify",
            "forums.tasks.mentions_notify",
            "forums.tasks.post_created_notify",
            "forums.tasks.reaction_notify",
            "forums.tasks.topic_created_notify",
        }
    ),
    "blogs": frozenset(
        {
            "blogs.tasks.comment_notify",
            "blogs.tasks.entry_announce",
            "blogs.tasks.entry_announce_batch",
            "blogs.tasks.publish_due_entries",
        }
    ),
    "onboarding": frozenset(
        {"onboarding.tasks.goal_reminders", "onboarding.tasks.goals_refresh", "onboarding.tasks.survey_rounds"}
    ),
    "facilitation": frozenset(
        {
            "facilitation.prompt_failed_notify",
            "facilitation.prompt_released_notify",
            "facilitation.release_due_prompts",
            "facilitation.release_quiet_boards",
            "facilitation.review_comment_notify",
            "facilitation.review_requested_notify",
            "facilitation.review_revised_notify",
        }
    ),
    "metrics": frozenset(
        {"metrics.tasks.rollup", "metrics.tasks.send_sponsor_summary", "metrics.tasks.sponsor_summaries_due"}
    ),
    "lms": frozenset({"lms.tasks.xapi_push"}),
    "lti": frozenset({"lti.tasks.scores_sync_all", "lti.tasks.scores_sync_course", "lti.tasks.scores_sync_user"}),
}

TASK_NAMES: frozenset[str] = frozenset().union(*TASKS_BY_APP.values())


def known_task(name: str) -> bool:
    from django.conf import settings

    return name in TASK_NAMES or name in getattr(settings, "OUTBOX_EXTRA_TASK_NAMES", ())
