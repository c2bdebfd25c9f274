"""Writes about cohorts: the cohort itself, its formal sessions and who belongs to it.

Admins create and edit cohorts and decide who belongs to them; facilitators may edit the
description and the sessions of the cohorts they facilitate.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import metrics
from metrics.verbs import Verb
from portal.people import permissions
from portal.people.models import Cohort, CohortSession, Membership, User
from portal.people.services import people

# What a facilitator (not an admin) may change about a cohort they facilitate.
FACILITATOR_COHORT_FIELDS = frozenset({"description"})
ADMIN_COHORT_FIELDS = frozenset({"name", "slug", "description", "sponsor", "starts_on"})


def _require_admin(actor: User) -> None:
    if not permissions.is_admin(actor):
        raise PermissionDenied("Only an admin may do this.")


def _require_facilitation(actor: User, cohort: Cohort) -> None:
    if not permissions.can_facilitate(actor, cohort):
        raise PermissionDenied("Only this cohort's facilitators or an admin may do this.")


def _save(obj, clash: dict[str, str]) -> None:
    """Validate and save. Uniqueness was checked by the caller with a friendly message; a clash
    that slips in between (two admins at once) still becomes a ValidationError, not a 500."""
    obj.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError(clash) from exc


COHORT_CLASH = {"slug": "Another cohort already has this name or web address."}


def _check_cohort_unique(cohort: Cohort) -> None:
    others = Cohort.objects.exclude(pk=cohort.pk)
    errors = {}
    if others.filter(name__iexact=cohort.name).exists():
        errors["name"] = "Another cohort already has this name."
    if others.filter(slug=cohort.slug).exists():
        errors["slug"] = "Another cohort already uses this web address."
    if errors:
        raise ValidationError(errors)


def cohort_create(
    *,
    actor: User,
    name: str,
    slug: str,
    starts_on: date,
    description: str = "",
    sponsor: User | None = None,
) -> Cohort:
    """Create a cohort (admins only).

    Guarantees: name and slug are unique (a clash raises ValidationError, nothing written);
    COHORT_CREATED is recorded in the same transaction.
    """
    _require_admin(actor)
    with transaction.atomic():
        cohort = Cohort(
            name=name.strip(), slug=slug, description=description.strip(), sponsor=sponsor, starts_on=starts_on
        )
        _check_cohort_unique(cohort)
        _save(cohort, COHORT_CLASH)
        metrics.record(actor=actor, verb=Verb.COHORT_CREATED, target=cohort, cohort=cohort)
    return cohort


def cohort_update(*, actor: User, cohort: Cohort, **fields) -> Cohort:
    """Change a cohort. Admins may change every field; its facilitators only the description.

    Guarantees: a field the actor may not change raises PermissionDenied before anything is
    written; an invalid or clashing value raises ValidationError and leaves the row unchanged;
    COHORT_UPDATED is recorded only when something actually changed.
    """
    unknown = set(fields) - ADMIN_COHORT_FIELDS
    if unknown:
        raise TypeError(f"cohort_update() cannot set {', '.join(sorted(unknown))}")
    if permissions.is_admin(actor):
        pass
    elif permissions.can_facilitate(actor, cohort):
        if set(fields) - FACILITATOR_COHORT_FIELDS:
            raise PermissionDenied("Facilitators may change only the description of their cohort.")
    else:
        raise PermissionDenied("Only this cohort's facilitators or an admin may edit it.")
    with transaction.atomic():
        locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
        changed = []
        for name, value in fields.items():
            if isinstance(value, str):
                value = value.strip()
            if getattr(locked, name) != value:
                setattr(locked, name, value)
                changed.append(name)
        if changed:
            _check_cohort_unique(locked)
            _save(locked, COHORT_CLASH)
            metrics.record(
                actor=actor, verb=Verb.COHORT_UPDATED, target=locked, cohort=locked, data={"fields": sorted(changed)}
            )
    return locked


def session_save(
    *,
    actor: User,
    cohort: Cohort,
    number: int,
    title: str,
    starts_at: datetime,
    session: CohortSession | None = None,
) -> CohortSession:
    """Add a formal session to a cohort, or change one (``session``), by its facilitators or an admin.

    Guarantees: session numbers are unique within the cohort (a clash raises ValidationError,
    nothing written); the start is timezone-aware; SESSION_SCHEDULED is recorded.
    """
    _require_facilitation(actor, cohort)
    if session is not None and session.cohort_id != cohort.pk:
        raise PermissionDenied("This session belongs to another cohort.")
    if timezone.is_naive(starts_at):
        raise ValueError("starts_at must be timezone-aware")
    with transaction.atomic():
        obj = CohortSession.objects.select_for_update().get(pk=session.pk) if session else CohortSession(cohort=cohort)
        obj.number = number
        obj.title = title.strip()
        obj.starts_at = starts_at
        clash = {"number": f"This cohort already has a session number {number}."}
        if CohortSession.objects.filter(cohort=cohort, number=number).exclude(pk=obj.pk).exists():
            raise ValidationError(clash)
        _save(obj, clash)
        metrics.record(
            actor=actor,
            verb=Verb.SESSION_SCHEDULED,
            target=obj,
            cohort=cohort,
            data={"number": number, "new": session is None},
        )
    return obj


def session_delete(*, actor: User, session: CohortSession) -> None:
    """Delete a formal session (its cohort's facilitators or an admin). Records SESSION_CANCELLED."""
    cohort = session.cohort
    _require_facilitation(actor, cohort)
    with transaction.atomic():
        metrics.record(
            actor=actor, verb=Verb.SESSION_CANCELLED, target=session, cohort=cohort, data={"number": session.number}
        )
        CohortSession.objects.filter(pk=session.pk).delete()


def membership_add(
    *, actor: User, cohort: Cohort, user: User, kind: str = Membership.Kind.MEMBER
) -> tuple[Membership, bool]:
    """Put a person in a cohort as a member or facilitator, or change their kind (admins only).

    Returns (membership, changed). Guarantees: at most one membership per person and cohort;
    a new facilitator also gets the facilitator role; MEMBER_ADDED is recorded only when
    something changed (adding someone who is already there the same way is a no-op).
    """
    _require_admin(actor)
    kind = Membership.Kind(kind)
    if not user.is_active:
        raise ValidationError({"user": "This person's account is not active."})
    with transaction.atomic():
        existing = Membership.objects.select_for_update().filter(user=user, cohort=cohort).first()
        if existing is not None and existing.kind == kind:
            return existing, False
        if existing is not None and kind == Membership.Kind.MEMBER:
            existing.kind = kind
            existing.save(update_fields=["kind"])
            membership = existing
        else:
            membership = people.membership_add(user=user, cohort=cohort, kind=kind)
        metrics.record(actor=actor, verb=Verb.MEMBER_ADDED, target=user, cohort=cohort, data={"kind": str(kind)})
    _forget_cached_cohorts(user)
    return membership, True


def membership_remove(*, actor: User, cohort: Cohort, user: User) -> bool:
    """Take a person out of a cohort (admins only). Returns whether they were in it.

    The person keeps their roles: an admin changes roles separately. Records MEMBER_REMOVED.
    """
    _require_admin(actor)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(user=user, cohort=cohort).first()
        if membership is None:
            return False
        kind = membership.kind
        membership.delete()
        metrics.record(actor=actor, verb=Verb.MEMBER_REMOVED, target=user, cohort=cohort, data={"kind": kind})
    _forget_cached_cohorts(user)
    return True


def _forget_cached_cohorts(user: User) -> None:
    for attr in ("_member_cohort_ids", "_facilitated_cohort_ids"):
        if hasattr(user, attr):
            delattr(user, attr)
