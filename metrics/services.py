"""The only writer of Activity rows."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from portal.people.models import Membership, Role

from .api import RecordedActivity, run_record_hooks
from .models import Activity, PersonRole
from .payloads import Payload, check_payload
from .verbs import Verb

if TYPE_CHECKING:
    from portal.people.models import Cohort, User

# Verbs that administer a cohort (or release something into it) rather than take part in it: the
# cohort acted upon is the point, so the given cohort is kept. Every other verb counts for the actor's.
ITEM_COHORT_VERBS = frozenset(
    {
        "invited",
        "invitation_accepted",
        "invitation_resent",
        "invitation_revoked",
        "cohort_created",
        "cohort_updated",
        "session_scheduled",
        "session_cancelled",
        "member_added",
        "member_removed",
        "moderated",
        "nudged",
        "prompt_released",
        "prompt_scheduled",
        "prompt_edited",
        "prompt_cancelled",
        "buddies_paired",
        "buddies_unpaired",
        "facilitation_settings_changed",
    }
)


def actor_cohort(actor, cohort) -> int | None:
    """The cohort an act counts for: always one of the ACTOR's cohorts, never the item's.

    Reading or commenting on an organisation-wide entry written in cohort 1 counts for the reader's
    cohort. The given cohort is kept when the actor belongs to it (a member of two cohorts acting in
    one of them); otherwise the actor's earliest cohort as a member (then as a facilitator); None
    for someone in no cohort (organisation-wide only).
    """
    rows = list(
        Membership.objects.filter(user_id=actor.pk).order_by("joined_at", "pk").values_list("cohort_id", "kind")
    )
    if cohort is not None and any(cohort_id == cohort.pk for cohort_id, _ in rows):
        return cohort.pk
    members = [cohort_id for cohort_id, kind in rows if kind == Membership.Kind.MEMBER]
    candidates = members or [cohort_id for cohort_id, _ in rows]
    return candidates[0] if candidates else None


def actor_role(actor) -> str:
    """The actor's role as of the act (as the rollup's Snapshot would classify them today)."""
    names = set(actor.groups.values_list("name", flat=True))
    if names & {str(Role.FACILITATOR), str(Role.ANALYST)}:
        return PersonRole.TEAM
    if actor.is_superuser or str(Role.ADMIN) in names:
        return PersonRole.ADMIN
    return PersonRole.LEADER


def record(
    *,
    actor: User,
    verb: Verb | str,
    target: models.Model | None = None,
    cohort: Cohort | None = None,
    context: models.Model | None = None,
    data: Payload | None = None,
    at: datetime | None = None,
) -> Activity:
    """Append one activity inside the caller's transaction.

    Guarantees: the row commits or rolls back together with the caller's write (callers run
    inside ``transaction.atomic``); the actor's management level, department and role are captured
    as of now, and the act counts for the actor's own cohort (``actor_cohort``), except for verbs that
    administer a cohort (``ITEM_COHORT_VERBS``); an unknown verb, or a ``data`` key the verb's payload
    type (``metrics.payloads``) does not declare, raises ``ValueError`` rather than writing a row nobody
    can interpret; the hooks registered with ``metrics.api.register_record_hook`` run after the row is
    written, in the same transaction.
    """
    verb = Verb(verb)
    check_payload(verb, dict(data) if data else None)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("metrics.record() must be called inside the writer's transaction.atomic().")
    profile = getattr(actor, "profile", None)
    activity = Activity(
        actor=actor,
        verb=verb.value,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        context_type=ContentType.objects.get_for_model(context) if context is not None else None,
        context_id=context.pk if context is not None else None,
        data=dict(data) if data else {},
        cohort_id=cohort.pk if verb.value in ITEM_COHORT_VERBS and cohort is not None else actor_cohort(actor, cohort),
        management_level=profile.management_level if profile is not None else None,
        department=(profile.department or "") if profile is not None else "",
        role=actor_role(actor),
    )
    if at is not None:
        activity.created_at = at
    activity.save(force_insert=True)
    run_record_hooks(
        RecordedActivity(
            id=activity.pk,
            actor_id=activity.actor_id,
            verb=activity.verb,
            target_type_id=activity.target_type_id,
            target_id=activity.target_id,
            context_type_id=activity.context_type_id,
            context_id=activity.context_id,
            cohort_id=activity.cohort_id,
            created_at=activity.created_at,
        )
    )
    return activity
