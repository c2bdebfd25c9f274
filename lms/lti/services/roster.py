"""Names and Role Provisioning Services: a facilitator syncs the cohort's roster from the LMS course.

New people get Keystone invitations (through portal's invitation services); people who left the
course are marked (``RosterEntry.left_at``, the LMS membership inactive) and never deleted, nor
taken out of the cohort: leaving an LMS course does not erase anyone's contributions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from lti_tool.models import LtiMembership, LtiUser
from lti_tool.services.nrps import fetch_member_data

from portal.people.models import Membership, User
from portal.people.services.invitations import InvitationRow, invitation_rows_problems, invitations_create_many

from .. import permissions
from .. import roles as lti_roles
from ..models import CourseCohort, RosterEntry


@dataclass
class RosterSyncResult:
    seen: int = 0
    invited: list[str] = field(default_factory=list)
    already_in: int = 0
    left: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)
    without_email: int = 0


def roster_sync(*, actor: User, course: CourseCohort) -> RosterSyncResult:
    """Fetch the course roster over NRPS and bring the cohort's invitations and roster marks up to date.

    Guarantees: a facilitator of the cohort (or an admin) only; the roster is fetched before any
    write, so an LMS outage changes nothing; in one transaction: every listed person has a roster
    entry, an active learner or instructor with an e-mail who is neither in the cohort nor invited gets
    one invitation (a second sync invites nobody twice), people gone or inactive get ``left_at`` (kept
    once set), people back get it cleared; nobody and no membership is deleted.
    """
    if not permissions.can_manage_course(actor, course):
        raise PermissionDenied("Only this cohort's facilitators or an admin may sync its roster.")
    context = course.context
    members = fetch_member_data(context)  # network first: nothing written if the LMS is unreachable
    now = timezone.now()
    result = RosterSyncResult(seen=len(members))
    with transaction.atomic():
        context.update_memberships(members)
        lti_users = {
            u.sub: u
            for u in LtiUser.objects.filter(
                registration=context.deployment.registration, sub__in=[m["user_id"] for m in members]
            ).select_related("auth_user")
        }
        in_cohort = set(Membership.objects.filter(cohort=course.cohort).values_list("user_id", flat=True))
        entries = {e.lti_user_id: e for e in RosterEntry.objects.select_for_update().filter(course=course)}
        to_invite: list[tuple[InvitationRow, RosterEntry]] = []
        seen_ids = set()
        for member in members:
            lti_user = lti_users[member["user_id"]]
            seen_ids.add(lti_user.pk)
            active = member.get("status", "Active") == "Active"
            teaching = lti_roles.is_teaching(member.get("roles"))
            entry = entries.get(lti_user.pk) or RosterEntry(course=course, lti_user=lti_user, first_seen_at=now)
            entry.is_instructor = teaching
            entry.last_seen_at = now
            if not active and entry.left_at is None:
                entry.left_at = now
                result.left.append(lti_user.name or lti_user.sub)
            elif active and entry.left_at is not None:
                entry.left_at = None
                result.returned.append(lti_user.name or lti_user.sub)
            entry.save()
            if not active or lti_roles.cohort_kind(member.get("roles")) is None:
                continue
            if lti_user.auth_user_id and lti_user.auth_user_id in in_cohort:
                result.already_in += 1
                continue
            email = (member.get("email") or "").strip().lower()
            if not email:
                result.without_email += 1
                continue
            if entry.invitation_id is not None:
                result.already_in += 1
                continue
            to_invite.append(
                (InvitationRow(email=email, cohort=course.cohort, display_name=member.get("name", "")), entry)
            )
        for lti_user_id, entry in entries.items():
            if lti_user_id not in seen_ids and entry.left_at is None:
                entry.left_at = now
                entry.save(update_fields=["left_at"])
                result.left.append(entry.lti_user.name or entry.lti_user.sub)
        LtiMembership.objects.filter(context=context).exclude(user_id__in=seen_ids).update(is_active=False)
        # Rows already a member or already invited are not errors here: they are simply not invited again.
        problems = {
            p.line
            for p in invitation_rows_problems(
                actor=actor, rows=[InvitationRow(**{**row.__dict__, "line": i}) for i, (row, _) in enumerate(to_invite)]
            )
        }
        fresh = [(row, entry) for i, (row, entry) in enumerate(to_invite) if i not in problems]
        result.already_in += len(to_invite) - len(fresh)
        if fresh:
            invitations = invitations_create_many(actor=actor, rows=[row for row, _ in fresh])
            for invitation, (_, entry) in zip(invitations, fresh, strict=True):
                entry.invitation = invitation
                entry.save(update_fields=["invitation"])
                result.invited.append(invitation.email)
        CourseCohort.objects.filter(pk=course.pk).update(last_roster_sync_at=now)
    return result
