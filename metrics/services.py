"""The only writer of Activity rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from portal.people.models import Membership, Role, User

from .api import RecordedActivity, run_record_hooks
from .models import Activity, PersonRole
from .payloads import Payload, check_payload
from .verbs import Verb

if TYPE_CHECKING:
    from portal.people.models import Cohort

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


# ---------------------------------------------------------------- the actor memo (seeding)
# actor id -> facts ``record`` reads about the actor: "memberships" (cohort id, kind) rows, "groups" names.
_actor_memo: ContextVar[dict[int, dict[str, object]] | None] = ContextVar("metrics_actor_memo", default=None)
_MEMO_UID = "metrics.actor_memo"


def _forget_actor(user_id: int | None) -> None:
    memo = _actor_memo.get()
    if memo is not None:
        if user_id is None:
            memo.clear()
        else:
            memo.pop(user_id, None)


def _membership_changed(sender, instance, **kwargs) -> None:
    _forget_actor(instance.user_id)


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action.startswith("post_"):
        # user.groups.add(...) names the user; group.user_set.add(...) names the users (all of them on clear).
        if not reverse:
            _forget_actor(instance.pk)
        else:
            for user_id in pk_set or [None]:
                _forget_actor(user_id)


@contextmanager
def actor_memo() -> Iterator[None]:
    """Inside the block, ``record`` reads each actor's memberships and roles once, not once per activity.

    For seeding (``seed_demo`` writes ~4,800 activities for 60 people, each reading the actor's
    memberships and groups). Guarantees: ``record`` writes exactly the rows it writes outside the block;
    a membership saved or deleted, or a change to a person's groups, through the ORM (services, admin,
    ``get_or_create``) makes ``record`` read that person's facts again; a write the ORM does not signal
    (``QuerySet.update``, ``bulk_create``) or a rolled-back one is not seen — call ``actor_memo_clear()``
    after such writes. The memo belongs to the block (and its context): nothing outside it is affected,
    and it is gone when the block ends. Not nestable.
    """
    if _actor_memo.get() is not None:
        raise RuntimeError("actor_memo() blocks do not nest")
    token = _actor_memo.set({})
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid=_MEMO_UID)
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid=_MEMO_UID)
    m2m_changed.connect(_groups_changed, sender=User.groups.through, dispatch_uid=_MEMO_UID)
    try:
        yield
    finally:
        post_save.disconnect(sender=Membership, dispatch_uid=_MEMO_UID)
        post_delete.disconnect(sender=Membership, dispatch_uid=_MEMO_UID)
        m2m_changed.disconnect(sender=User.groups.through, dispatch_uid=_MEMO_UID)
        _actor_memo.reset(token)


def actor_memo_clear() -> None:
    """Forget everything the current ``actor_memo`` block remembers (no-op outside one)."""
    _forget_actor(None)


def _actor_fact(actor, name: str, read):
    memo = _actor_memo.get()
    if memo is None or actor.pk is None:
        return read()
    facts = memo.setdefault(actor.pk, {})
    if name not in facts:
        facts[name] = read()
    return facts[name]


def actor_cohort(actor, cohort) -> int | None:
    """The cohort an act counts for: always one of the ACTOR's cohorts, never the item's.

    Reading or commenting on an organisation-wide entry written in cohort 1 counts for the reader's
    cohort. The given cohort is kept when the actor belongs to it (a member of two cohorts acting in
    one of them); otherwise the actor's earliest cohort as a member (then as a facilitator); None
    for someone in no cohort (organisation-wide only).
    """
    rows = _actor_fact(
        actor,
        "memberships",
        lambda: list(
            Membership.objects.filter(user_id=actor.pk).order_by("joined_at", "pk").values_list("cohort_id", "kind")
        ),
    )
    if cohort is not None and any(cohort_id == cohort.pk for cohort_id, _ in rows):
        return cohort.pk
    members = [cohort_id for cohort_id, kind in rows if kind == Membership.Kind.MEMBER]
    candidates = members or [cohort_id for cohort_id, _ in rows]
    return candidates[0] if candidates else None


def actor_role(actor) -> str:
    """The actor's role as of the act (as the rollup's Snapshot would classify them today)."""
    names = _actor_fact(actor, "groups", lambda: set(actor.groups.values_list("name", flat=True)))
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
