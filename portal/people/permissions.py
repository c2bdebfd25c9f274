"""Who may do what in people and cohorts. Views call these; templates receive booleans."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.db.models import QuerySet

from portal.people.models import Cohort, Membership, Role, User, get_role_names
from portal.prepared import prepared


def has_role(user, role: Role | str) -> bool:
    return str(role) in get_role_names(user)


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (user.is_superuser or has_role(user, Role.ADMIN))


def is_analyst(user) -> bool:
    return has_role(user, Role.ANALYST)


def is_facilitator(user) -> bool:
    return has_role(user, Role.FACILITATOR)


def _memberships_of(user_id) -> QuerySet:
    return Membership.objects.filter(user=user_id).values_list("cohort_id", "kind")


def _read_memberships(user) -> None:
    """One query for both caches below (the services that change memberships clear both); its SQL is compiled
    once per thread (portal.prepared): most pages ask."""
    rows = prepared("people:memberships", _memberships_of, user.pk)
    user._member_cohort_ids = {cohort_id for cohort_id, _ in rows}
    user._facilitated_cohort_ids = {cohort_id for cohort_id, kind in rows if kind == Membership.Kind.FACILITATOR}


def facilitated_cohort_ids(user) -> set[int]:
    """Cohorts this user facilitates (cached on the instance for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if getattr(user, "_facilitated_cohort_ids", None) is None:
        _read_memberships(user)
    return cast("set[int]", user._facilitated_cohort_ids)


def member_cohort_ids(user) -> set[int]:
    """Cohorts this user belongs to in any capacity (cached on the instance for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if getattr(user, "_member_cohort_ids", None) is None:
        _read_memberships(user)
    return cast("set[int]", user._member_cohort_ids)


def can_facilitate(user, cohort: Cohort | int) -> bool:
    """A facilitator acts only in cohorts they facilitate; admins act everywhere."""
    cohort_id = cohort if isinstance(cohort, int) else cohort.pk
    if is_admin(user):
        return True
    return is_facilitator(user) and cohort_id in facilitated_cohort_ids(user)


def can_invite(user, cohort: Cohort | int) -> bool:
    return can_facilitate(user, cohort)


def can_invite_anywhere(user) -> bool:
    return is_admin(user) or (is_facilitator(user) and bool(facilitated_cohort_ids(user)))


def invitable_cohorts(user) -> QuerySet[Cohort]:
    if is_admin(user):
        return Cohort.objects.all()
    if is_facilitator(user):
        return Cohort.objects.filter(pk__in=facilitated_cohort_ids(user))
    return Cohort.objects.none()


def can_view_people(user) -> bool:
    """Who may find colleagues (the directory, the people group of the one search): every member."""
    return bool(getattr(user, "is_authenticated", False))


def can_follow(user, other: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.pk != other.pk and other.is_active


def can_edit_profile(user, profile_user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (user.pk == profile_user.pk or is_admin(user))


def can_view_dashboards(user) -> bool:
    return is_admin(user) or is_analyst(user) or is_facilitator(user)


def must_use_mfa(user) -> bool:
    """Admins and facilitators (by default) must switch on TOTP before using the portal."""
    if not getattr(user, "is_authenticated", False):
        return False
    required = set(settings.MFA_REQUIRED_ROLES)
    roles = get_role_names(user)
    return bool(required & roles)
