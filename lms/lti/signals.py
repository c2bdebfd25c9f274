"""Framework integration: scores follow goal progress (connected by ``lms.lti.tasks``, where jobs run)."""

from __future__ import annotations

from celery.signals import task_success

GOALS_REFRESH_TASK = "onboarding.tasks.goals_refresh"


@task_success.connect(dispatch_uid="lti-scores-follow-goals")
def goals_refreshed(sender=None, result=None, **kwargs):
    """When a person's goals were recomputed, post their changed scores (if they are in an LMS course).

    Listening to the onboarding job by name keeps onboarding unaware of LTI (no import either way).
    """
    if sender is None or getattr(sender, "name", "") != GOALS_REFRESH_TASK:
        return
    request = getattr(sender, "request", None)
    args = getattr(request, "args", None) or ()
    if not args:
        return
    from portal.jobs import enqueue_on_commit

    enqueue_on_commit("lti.tasks.scores_sync_user", int(args[0]))
