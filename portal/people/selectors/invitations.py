"""Reads about invitations: finding one by its token, and the per-cohort list with statuses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone

from portal.people.models import Cohort, Invitation, Membership, User


class Status:
    """An invitation's status as the list page shows it (not stored: derived from the dates)."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    ALL = (PENDING, ACCEPTED, EXPIRED)


def invitation_status(invitation: Invitation) -> str:
    if invitation.accepted_at is not None:
        return Status.ACCEPTED
    if invitation.is_expired:
        return Status.EXPIRED
    return Status.PENDING


def usable_invitation(token: str | None) -> Invitation | None:
    """The invitation behind a token if it is unused and unexpired, else None."""
    if not token:
        return None
    return (
        Invitation.objects.select_related("cohort")
        .filter(token=token, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def invitation_by_token(token: str) -> Invitation | None:
    """Any invitation behind a token (used or expired too), with what the accept page shows."""
    if not token or len(token) > cast(int, Invitation._meta.get_field("token").max_length):
        return None
    return Invitation.objects.select_related("cohort", "invited_by__profile", "accepted_by").filter(token=token).first()


def _status_filter(status: str) -> Q:
    now = timezone.now()
    if status == Status.ACCEPTED:
        return Q(accepted_at__isnull=False)
    if status == Status.EXPIRED:
        return Q(accepted_at__isnull=True, expires_at__lte=now)
    return Q(accepted_at__isnull=True, expires_at__gt=now)


def cohort_invitations(cohort: Cohort, *, status: str | None = None) -> QuerySet[Invitation]:
    """A cohort's invitations, newest first, with who sent and who accepted each already joined."""
    now = timezone.now()
    qs = (
        Invitation.objects.filter(cohort=cohort)
        .select_related("cohort", "invited_by__profile", "accepted_by__profile")
        .annotate(
            status=Case(
                When(accepted_at__isnull=False, then=Value(Status.ACCEPTED)),
                When(expires_at__lte=now, then=Value(Status.EXPIRED)),
                default=Value(Status.PENDING),
                output_field=CharField(),
            )
        )
    )
    if status in Status.ALL:
        qs = qs.filter(_status_filter(status))
    return qs.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class StatusCounts:
    pending: int
    accepted: int
    expired: int

    @property
    def total(self) -> int:
        return self.pending + self.accepted + self.expired


def cohort_invitation_counts(cohort: Cohort) -> StatusCounts:
    """How many of a cohort's invitations are pending, accepted and expired (one query)."""
    row = Invitation.objects.filter(cohort=cohort).aggregate(
        pending=Count("pk", filter=_status_filter(Status.PENDING)),
        accepted=Count("pk", filter=_status_filter(Status.ACCEPTED)),
        expired=Count("pk", filter=_status_filter(Status.EXPIRED)),
    )
    return StatusCounts(**row)


def invitable_cohorts_with_counts(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """The cohorts an inviter may use, each annotated with its member and pending-invitation counts."""
    now = timezone.now()
    return cohorts.annotate(
        member_count=Count("memberships", filter=Q(memberships__kind=Membership.Kind.MEMBER), distinct=True),
        pending_count=Count(
            "invitations",
            filter=Q(invitations__accepted_at__isnull=True, invitations__expires_at__gt=now),
            distinct=True,
        ),
    ).order_by("name")


def member_emails(cohort_ids: set[int], emails: set[str]) -> set[tuple[int, str]]:
    """Which of ``emails`` already belong to which of the cohorts, as (cohort id, lower-case e-mail)."""
    if not cohort_ids or not emails:
        return set()
    rows = Membership.objects.filter(cohort_id__in=cohort_ids, user__email__in=emails).values_list(
        "cohort_id", "user__email"
    )
    return {(cohort_id, email.lower()) for cohort_id, email in rows}


def pending_invitation_emails(cohort_ids: set[int], emails: set[str]) -> set[tuple[int, str]]:
    """Which of ``emails`` already hold a usable invitation to which of the cohorts."""
    if not cohort_ids or not emails:
        return set()
    rows = Invitation.objects.filter(
        cohort_id__in=cohort_ids, email__in=emails, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).values_list("cohort_id", "email")
    return {(cohort_id, email.lower()) for cohort_id, email in rows}


def account_exists(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()
