"""Framework integration only: recompute goals when activity lands (a metrics record hook), and react to sign-in."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from metrics.api import RecordedActivity, first_actor_of
from metrics.verbs import Verb
from portal.jobs import enqueue_on_commit

from .selectors.criteria import PROGRESS_VERBS

SESSION_REACK = "onboarding_policy_reack"


def _schedule_refresh(user_id: int) -> None:
    """Enqueue one goals_refresh per person per transaction, after it commits (a rollback enqueues nothing).

    Through the job outbox: a broker outage never fails the write that triggered it, and the refresh
    runs when the broker is back.
    """
    # By name: importing the tasks module would load Celery into every web process (issue 13).
    enqueue_on_commit("onboarding.tasks.goals_refresh", user_id, once_per_transaction=True)


def activity_recorded(activity: RecordedActivity) -> None:
    """Registered with ``metrics.api.register_record_hook`` in ``OnboardingConfig.ready``."""
    if activity.verb in PROGRESS_VERBS:
        _schedule_refresh(activity.actor_id)
    # Someone replying to you or commenting on your entry moves *your* "replies from colleagues" goal.
    if activity.verb in (Verb.POST_CREATED, Verb.COMMENTED) and activity.context_id:
        owner = first_actor_of(
            verbs=(Verb.TOPIC_CREATED, Verb.ENTRY_PUBLISHED),
            target_type_id=activity.context_type_id,
            target_id=activity.context_id,
        )
        if owner and owner != activity.actor_id:
            _schedule_refresh(owner)


@receiver(user_logged_in, dispatch_uid="onboarding-sign-in")
def signed_in(sender, request, user, **kwargs):
    """At sign-in: ask again for a new major policy version (the middleware redirects); refresh goals.

    An unfinished path is not forced on anyone: the home page shows its next step until it is done.
    """
    from .selectors.policy import needs_reacknowledgement

    if request is None or not hasattr(request, "session"):
        return
    if needs_reacknowledgement(user):
        request.session[SESSION_REACK] = True
    _schedule_refresh(user.pk)
