"""Framework integration only: recompute goals when activity lands, and react to sign-in."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from metrics.models import Activity
from metrics.verbs import Verb

from .criteria import PROGRESS_VERBS

SESSION_REACK = "onboarding_policy_reack"


def _schedule_refresh(user_id: int) -> None:
    """Enqueue one goals_refresh per person per transaction, after it commits (a rollback enqueues nothing).

    Duplicates are found among the callbacks Django already holds for this transaction, so a rolled-back
    transaction leaves nothing behind that could suppress a later refresh.
    """
    connection = transaction.get_connection()
    for entry in getattr(connection, "run_on_commit", []):
        if getattr(entry[1], "onboarding_user_id", None) == user_id:
            return

    def enqueue():
        from .tasks import goals_refresh

        goals_refresh.delay(user_id)

    enqueue.onboarding_user_id = user_id
    # robust: a broker hiccup is logged and never undoes or fails the write that triggered it.
    transaction.on_commit(enqueue, robust=True)


@receiver(post_save, sender=Activity, dispatch_uid="onboarding-goals-on-activity")
def activity_recorded(sender, instance: Activity, created: bool, **kwargs):
    if created and instance.verb in PROGRESS_VERBS:
        _schedule_refresh(instance.actor_id)
    # Someone replying to you or commenting on your entry moves *your* "replies from colleagues" goal.
    if created and instance.verb in (Verb.POST_CREATED, Verb.COMMENTED) and instance.context_id:
        owner = _context_owner(instance)
        if owner and owner != instance.actor_id:
            _schedule_refresh(owner)


def _context_owner(activity: Activity) -> int | None:
    """Who started the topic / published the entry this activity belongs to, from the activity log."""
    first = (
        Activity.objects.filter(
            verb__in=(Verb.TOPIC_CREATED, Verb.ENTRY_PUBLISHED),
            target_type_id=activity.context_type_id,
            target_id=activity.context_id,
        )
        .order_by("created_at")
        .values_list("actor_id", flat=True)
        .first()
    )
    return first


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
