"""Invitations: create one or many (CSV), and accept them. Filled in by the invitations work."""

from django.db import transaction
from django.utils import timezone

import metrics
from metrics.verbs import Verb

from ..models import Invitation, User
from ..selectors.invitations import usable_invitation
from .people import membership_add


def invitation_accept_pending(*, token: str, user: User) -> Invitation | None:
    """Accept the invitation behind ``token`` for ``user``: join the cohort, pre-fill the profile.

    Guarantees: single use (the row is locked and re-checked), never after expiry; the profile keeps
    anything the person already filled in.
    """
    with transaction.atomic():
        invitation = usable_invitation(token)
        if invitation is None:
            return None
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None or invitation.is_expired:
            return None
        membership_add(user=user, cohort=invitation.cohort)
        profile = user.profile
        for field in ("display_name", "job_title", "department", "management_level"):
            if getattr(profile, field) in (None, "") and getattr(invitation, field) not in (None, ""):
                setattr(profile, field, getattr(invitation, field))
        profile.save()
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        metrics.record(actor=user, verb=Verb.INVITATION_ACCEPTED, target=invitation, cohort=invitation.cohort)
    return invitation
