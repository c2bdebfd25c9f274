"""What happens when a person signs up or signs in (called from allauth's signals)."""

from django.db import transaction

import metrics
from metrics.verbs import Verb
from portal.people.models import User
from portal.people.services.people import primary_cohort, profile_ensure, role_assign


def account_signed_up(*, user: User, invitation_token: str | None) -> None:
    """Give a new account its profile and leader role, accept its invitation, record the sign-up."""
    from portal.people.services.invitations import invitation_accept_pending

    with transaction.atomic():
        profile_ensure(user=user)
        role_assign(user=user, roles=("leader",))
        if invitation_token:
            invitation_accept_pending(token=invitation_token, user=user)
        metrics.record(actor=user, verb=Verb.SIGNED_UP, cohort=primary_cohort(user))


def account_signed_in(*, user: User) -> None:
    with transaction.atomic():
        profile_ensure(user=user)
        metrics.record(actor=user, verb=Verb.SIGNED_IN, cohort=primary_cohort(user))
