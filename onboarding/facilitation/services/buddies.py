"""Buddies: a facilitator pairs two members, who then see each other's first posts in their queue."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

import metrics
from metrics.verbs import Verb
from portal.people.models import Cohort, Membership, User

from ..models import BuddyPair
from ._common import require_facilitator


def buddies_pair(*, actor: User, cohort: Cohort, member: User, buddy: User) -> BuddyPair:
    """Pair two members of ``cohort``. Each member has at most one buddy per cohort.

    Guarantees: the cohort's facilitators and admins only; both are active members (not facilitators)
    of the cohort and not already paired there (ValidationError naming who); recorded.
    """
    require_facilitator(actor, cohort)
    if member.pk == buddy.pk:
        raise ValidationError({"buddy": "Choose two different people."})
    first, second = sorted((member, buddy), key=lambda u: u.pk)
    members = set(
        Membership.objects.filter(
            cohort=cohort, user_id__in=[first.pk, second.pk], kind=Membership.Kind.MEMBER, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    if members != {first.pk, second.pk}:
        raise ValidationError({"buddy": "Both people must be members of this cohort."})
    try:
        with transaction.atomic():
            taken = BuddyPair.objects.filter(cohort=cohort).filter(
                Q(first__in=[first, second]) | Q(second__in=[first, second])
            )
            if taken.exists():
                raise ValidationError({"buddy": _already(taken, first, second)})
            pair = BuddyPair.objects.create(cohort=cohort, first=first, second=second, created_by=actor)
            metrics.record(actor=actor, verb=Verb.BUDDIES_PAIRED, target=pair, cohort=cohort)
    except IntegrityError:
        raise ValidationError({"buddy": "One of them was paired a moment ago. Refresh and try again."}) from None
    return pair


def _already(taken, first: User, second: User) -> str:
    busy = {pid for pair in taken for pid in (pair.first_id, pair.second_id)} & {first.pk, second.pk}
    names = " and ".join(u.display_name for u in (first, second) if u.pk in busy)
    return f"{names} already {'has a buddy' if len(busy) == 1 else 'have buddies'} in this cohort."


def buddies_unpair(*, actor: User, pair: BuddyPair) -> None:
    """End a pairing; both go back to having no buddy."""
    require_facilitator(actor, pair.cohort_id)
    with transaction.atomic():
        cohort = pair.cohort
        metrics.record(actor=actor, verb=Verb.BUDDIES_UNPAIRED, target=pair, cohort=cohort)
        pair.delete()
