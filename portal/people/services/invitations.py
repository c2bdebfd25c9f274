"""Invitations: create one or many (CSV), resend, withdraw, and accept them.

An invitation is a single-use, expiring link e-mailed to one address. Accepting it puts the
person into the cohort and pre-fills their profile from what the inviter typed.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

import metrics
from metrics.verbs import Verb
from portal.jobs import enqueue_on_commit
from portal.people import hooks, permissions
from portal.people.models import Cohort, Invitation, ManagementLevel, User
from portal.people.selectors.invitations import member_emails, pending_invitation_emails, usable_invitation
from portal.people.services.people import membership_add


@dataclass(frozen=True)
class InvitationRow:
    """One person to invite. ``line`` is the CSV line number (None for the single-invite form)."""

    email: str
    cohort: Cohort
    display_name: str = ""
    job_title: str = ""
    department: str = ""
    management_level: int | None = None
    line: int | None = None


@dataclass(frozen=True)
class RowProblem:
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}" if self.line is not None else self.message


class InvitationRowsError(ValidationError):
    """Some rows cannot be invited; nothing was written. ``problems`` says which and why."""

    def __init__(self, problems: Sequence[RowProblem]):
        self.problems = sorted(problems, key=lambda p: p.line or 0)
        super().__init__([str(p) for p in self.problems])


class InvitationUnusable(ValidationError):
    """An invitation that cannot be accepted; ``code`` is unknown, used, expired or wrong_email."""


def normalise_email(email: str) -> str:
    # Accounts store e-mail addresses in lower case (UserManager), so invitations do too.
    return email.strip().lower()


def invitation_rows_problems(*, actor: User, rows: Sequence[InvitationRow]) -> list[RowProblem]:
    """Every reason a row cannot be invited: permission, repeated address, already a member or invited.

    Read-only; used by the upload form to report all problems at once, and by the services inside
    their transaction so a race between two uploads cannot slip a duplicate through.
    """
    problems: list[RowProblem] = []
    max_rows = settings.INVITATION_CSV_MAX_ROWS
    if len(rows) > max_rows:
        return [RowProblem(None, f"A file may hold at most {max_rows} people; this one has {len(rows)}.")]
    emails = {row.email for row in rows}
    cohort_ids = {row.cohort.pk for row in rows}
    members = member_emails(cohort_ids, emails)
    pending = pending_invitation_emails(cohort_ids, emails)
    first_seen: dict[tuple[int, str], int | None] = {}
    for row in rows:
        key = (row.cohort.pk, row.email)
        if not permissions.can_invite(actor, row.cohort):
            problems.append(RowProblem(row.line, f"You cannot invite people to “{row.cohort.name}”."))
            continue
        if row.management_level is not None and row.management_level not in ManagementLevel.values:
            problems.append(RowProblem(row.line, "Management level must be 1, 2 or 3."))
        if key in first_seen:
            earlier = first_seen[key]
            where = f" (also on line {earlier})" if earlier is not None else ""
            problems.append(RowProblem(row.line, f"{row.email} appears more than once{where}."))
            continue
        first_seen[key] = row.line
        if key in members:
            problems.append(RowProblem(row.line, f"{row.email} is already a member of {row.cohort.name}."))
        elif key in pending:
            problems.append(
                RowProblem(
                    row.line,
                    f"{row.email} already has an invitation to {row.cohort.name} waiting; "
                    "resend it from the invitation list instead.",
                )
            )
    return problems


def _expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS)


def _enqueue_email(invitation_id: int) -> None:
    enqueue_on_commit("portal.tasks.send_invitation_email", invitation_id)


def invitations_create_many(*, actor: User, rows: Sequence[InvitationRow]) -> list[Invitation]:
    """Invite every row, or nobody.

    Guarantees: all rows are checked first (see ``invitation_rows_problems``); if any row has a
    problem, ``InvitationRowsError`` lists them all and nothing is written. Otherwise, in one
    transaction, each person gets an invitation with a fresh unguessable token, an ``invited``
    activity, and (if they already have an account) an in-app notification; the e-mails are queued
    only once the transaction has committed.
    """
    if not permissions.can_invite_anywhere(actor):
        raise PermissionDenied("Only facilitators and admins can invite people.")
    if not rows:
        raise InvitationRowsError([RowProblem(None, "There is nobody to invite.")])
    rows = [
        InvitationRow(
            email=normalise_email(row.email),
            cohort=row.cohort,
            display_name=row.display_name.strip(),
            job_title=row.job_title.strip(),
            department=row.department.strip(),
            management_level=row.management_level,
            line=row.line,
        )
        for row in rows
    ]
    created: list[Invitation] = []
    with transaction.atomic():
        # Lock the cohorts' rows so two uploads for the same cohort cannot both pass the duplicate check.
        list(Cohort.objects.select_for_update().filter(pk__in={row.cohort.pk for row in rows}).order_by("pk"))
        problems = invitation_rows_problems(actor=actor, rows=rows)
        if problems:
            raise InvitationRowsError(problems)
        existing = {u.email: u for u in User.objects.filter(email__in={row.email for row in rows}, is_active=True)}
        expires_at = _expiry()
        for row in rows:
            invitation = Invitation.objects.create(
                email=row.email,
                display_name=row.display_name,
                job_title=row.job_title,
                department=row.department,
                management_level=row.management_level,
                cohort=row.cohort,
                invited_by=actor,
                token=secrets.token_urlsafe(32),
                expires_at=expires_at,
            )
            metrics.record(actor=actor, verb=Verb.INVITED, target=invitation, cohort=row.cohort)
            if row.email in existing:
                hooks.invited_existing_person(invitation, existing[row.email])  # notifications: they are told
            _enqueue_email(invitation.pk)
            created.append(invitation)
    return created


def invitation_create(
    *,
    actor: User,
    email: str,
    cohort: Cohort,
    display_name: str = "",
    job_title: str = "",
    department: str = "",
    management_level: int | None = None,
) -> Invitation:
    """Invite one person (same rules and guarantees as ``invitations_create_many``)."""
    row = InvitationRow(
        email=email,
        cohort=cohort,
        display_name=display_name,
        job_title=job_title,
        department=department,
        management_level=management_level,
    )
    return invitations_create_many(actor=actor, rows=[row])[0]


def _check_manageable(actor: User, invitation: Invitation) -> None:
    if not permissions.can_invite(actor, invitation.cohort_id):
        raise PermissionDenied("You cannot manage invitations for this cohort.")
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been accepted.")


def invitation_resend(*, actor: User, invitation: Invitation) -> Invitation:
    """Send the same link again and give it a fresh expiry.

    Guarantees: only for invitations not yet accepted, by someone who may invite to the cohort;
    the link (token) stays the same, so an earlier e-mail works too; the e-mail is queued after commit.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("cohort").get(pk=invitation.pk)
        _check_manageable(actor, invitation)
        invitation.expires_at = _expiry()
        invitation.save(update_fields=["expires_at"])
        metrics.record(actor=actor, verb=Verb.INVITATION_RESENT, target=invitation, cohort=invitation.cohort)
        _enqueue_email(invitation.pk)
    return invitation


def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    """Withdraw an invitation that has not been accepted: the row goes and its link stops working."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("cohort").get(pk=invitation.pk)
        _check_manageable(actor, invitation)
        cohort = invitation.cohort
        invitation_id = invitation.pk
        invitation.delete()
        metrics.record(actor=actor, verb=Verb.INVITATION_REVOKED, cohort=cohort, data={"invitation_id": invitation_id})


def invitation_accept(*, token: str, user: User) -> Invitation:
    """Accept the invitation behind ``token`` for ``user``: join the cohort, pre-fill the profile.

    Guarantees: single use (the row is locked and re-checked), never after expiry, only for the
    address it was sent to (``InvitationUnusable`` with code unknown, used, expired or wrong_email);
    the profile keeps anything the person already filled in and is not marked complete: the person
    confirms it themselves.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().filter(token=token).first()
            if token and len(token) <= cast(int, Invitation._meta.get_field("token").max_length)
            else None
        )
        if invitation is None:
            raise InvitationUnusable("This invitation link is not valid.", code="unknown")
        if invitation.accepted_at is not None:
            raise InvitationUnusable("This invitation has already been used.", code="used")
        if invitation.is_expired:
            raise InvitationUnusable("This invitation has expired.", code="expired")
        if normalise_email(user.email) != normalise_email(invitation.email):
            raise InvitationUnusable(
                f"This invitation was sent to {invitation.email}, not to {user.email}.", code="wrong_email"
            )
        cohort = invitation.cohort
        membership_add(user=user, cohort=cohort)
        profile = user.profile
        for field in ("display_name", "job_title", "department", "management_level"):
            if getattr(profile, field) in (None, "") and getattr(invitation, field) not in (None, ""):
                setattr(profile, field, getattr(invitation, field))
        profile.save()
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        metrics.record(actor=user, verb=Verb.INVITATION_ACCEPTED, target=invitation, cohort=cohort)
    return invitation


def invitation_accept_pending(*, token: str, user: User) -> Invitation | None:
    """Accept the invitation a new account signed up with; None if it is no longer usable.

    Used on sign-up, where a stale or mismatched invitation must not undo the account itself.
    """
    if usable_invitation(token) is None:
        return None
    try:
        return invitation_accept(token=token, user=user)
    except InvitationUnusable:
        return None


# ---------------------------------------------------------------- the e-mail


def invitation_email_message(invitation: Invitation) -> EmailMultiAlternatives:
    """The invitation e-mail (plain text and HTML) with an absolute link built from SITE_URL."""
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "cohort": invitation.cohort,
        "inviter_name": inviter.display_name if inviter else f"The {settings.SITE_NAME} team",
        "greeting_name": invitation.display_name or "",
        "accept_url": settings.SITE_URL + invitation.get_absolute_url(),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "expires_at": invitation.expires_at,
    }
    subject = " ".join(render_to_string("portal/email/invitation_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("portal/email/invitation_message.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
    )
    message.attach_alternative(render_to_string("portal/email/invitation_message.html", context), "text/html")
    return message
