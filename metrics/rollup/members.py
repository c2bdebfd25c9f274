"""MemberStatus: the adoption funnel's population, refreshed whole on every run (one row per member)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.people.models import Invitation, Membership

from ..models import ActorFirst, MemberStatus
from .common import chunks, local_day

MILESTONE_FIELDS = {
    "signed_in": "signed_in_on",
    "profile_completed": "profile_completed_on",
    "policy_acknowledged": "policy_acknowledged_on",
    "first_post": "first_post_on",
    "first_entry": "first_entry_on",
    "first_contribution": "first_contribution_on",
}


def refresh_members() -> int:
    """Rebuild MemberStatus from memberships, profiles, invitations and ActorFirst.

    People tables change without any activity (a new member, a new department), so this small
    table is recomputed whole each run; its size is the number of members, not of activities.
    """
    members = list(
        Membership.objects.filter(kind=Membership.Kind.MEMBER).values(
            "cohort_id",
            "user_id",
            "joined_at",
            "user__profile__management_level",
            "user__profile__department",
            "user__profile__completed_at",
        )
    )
    invited_on: dict[tuple[int, int], datetime] = {}
    for accepted in (
        Invitation.objects.filter(accepted_by__isnull=False)
        .values("cohort_id", "accepted_by_id", "created_at")
        .order_by("created_at", "pk")
    ):
        invited_on.setdefault((accepted["cohort_id"], accepted["accepted_by_id"]), accepted["created_at"])
    firsts: dict[int, dict[str, object]] = {}
    for batch in chunks(sorted({m["user_id"] for m in members}), 2000):
        for actor_id, milestone, day in ActorFirst.objects.filter(actor_id__in=batch).values_list(
            "actor_id", "milestone", "day"
        ):
            firsts.setdefault(actor_id, {})[milestone] = day
    objs = []
    member_emails: set[tuple[int, str]] = set()
    for m in members:
        user_firsts = firsts.get(m["user_id"], {})
        joined = local_day(m["joined_at"])
        invited = invited_on.get((m["cohort_id"], m["user_id"]))
        fields = {field: user_firsts.get(milestone) for milestone, field in MILESTONE_FIELDS.items()}
        # A profile completed before the activity log existed still counts, from its own timestamp.
        if fields["profile_completed_on"] is None and m["user__profile__completed_at"]:
            fields["profile_completed_on"] = local_day(m["user__profile__completed_at"])
        objs.append(
            MemberStatus(
                cohort_id=m["cohort_id"],
                person_key=f"u{m['user_id']}",
                actor_id=m["user_id"],
                management_level=m["user__profile__management_level"],
                department=m["user__profile__department"] or "",
                invited_on=min(local_day(invited), joined) if invited else joined,
                joined_on=joined,
                **fields,
            )
        )
    for cohort_id, email in Membership.objects.filter(kind=Membership.Kind.MEMBER).values_list(
        "cohort_id", "user__email"
    ):
        member_emails.add((cohort_id, email.lower()))
    pending: dict[tuple[int, str], Any] = {}
    for row in (
        Invitation.objects.filter(accepted_at__isnull=True)
        .values("pk", "cohort_id", "email", "created_at", "management_level", "department")
        .order_by("created_at", "pk")
    ):
        key = (row["cohort_id"], row["email"].lower())
        if key not in member_emails:
            pending.setdefault(key, row)
    for row in pending.values():
        objs.append(
            MemberStatus(
                cohort_id=row["cohort_id"],
                person_key=f"i{row['pk']}",
                actor=None,
                management_level=row["management_level"],
                department=row["department"] or "",
                invited_on=local_day(row["created_at"]),
            )
        )
    MemberStatus.objects.all().delete()
    MemberStatus.objects.bulk_create(objs, batch_size=2000)
    return len(objs)
