"""Writes about people: accounts, profiles, roles and follows."""

from __future__ import annotations

import functools
import zoneinfo
from typing import cast

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import metrics
from metrics.verbs import Verb
from portal.images import ProcessedImage
from portal.people import hooks, permissions
from portal.people.models import Cohort, Follow, Membership, Profile, Role, User


def primary_cohort(user: User) -> Cohort | None:
    """The cohort an activity of this person is attributed to when no other applies."""
    membership = Membership.objects.filter(user=user).select_related("cohort").order_by("kind", "joined_at").first()
    return membership.cohort if membership else None


def user_create(
    *,
    email: str,
    password: str | None = None,
    display_name: str = "",
    roles: tuple[str, ...] = (),
    **profile_fields,
) -> User:
    """Create a person with a profile and the leader role (plus any extra roles)."""
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password)
        profile_ensure(user=user, display_name=display_name, **profile_fields)
        role_assign(user=user, roles=(Role.LEADER, *roles))
    return user


def profile_ensure(*, user: User, **fields) -> Profile:
    """Give a user a profile if they have none (e.g. signed up through allauth). Idempotent."""
    profile, created = Profile.objects.get_or_create(user=user, defaults=fields)
    if created:
        user.profile = profile
    return profile


def role_assign(*, user: User, roles) -> None:
    groups = [Group.objects.get_or_create(name=str(role))[0] for role in roles]
    user.groups.add(*groups)
    if hasattr(user, "_role_names"):
        del user._role_names


PROFILE_REQUIRED_FIELDS = ("display_name", "job_title", "department", "management_level")
PROFILE_EDITABLE_FIELDS = frozenset({*PROFILE_REQUIRED_FIELDS, "bio", "timezone"})


@functools.cache
def valid_timezones() -> frozenset[str]:
    """IANA zone names this Python knows (scanning tzdata is slow, so it is done once)."""
    return frozenset(zoneinfo.available_timezones())


def profile_missing_fields(profile: Profile) -> list[str]:
    """The required fields still empty; the profile is complete when this is empty."""
    return [f for f in PROFILE_REQUIRED_FIELDS if getattr(profile, f) in (None, "")]


def profile_update(
    *,
    actor: User,
    user: User,
    avatar: ProcessedImage | None = None,
    remove_avatar: bool = False,
    **fields,
) -> Profile:
    """Update a profile; the first time every required field is filled, record completion.

    Guarantees: the avatar files are replaced only when the new image was already verified and
    re-encoded; nothing is written unless the whole update is valid. Files of a replaced or
    removed avatar are deleted only after the commit; files written for an update that rolled
    back are deleted again, so the storage never points at or keeps half an update.
    """
    if not permissions.can_edit_profile(actor, user):
        raise PermissionDenied("You may edit only your own profile.")
    unknown = set(fields) - PROFILE_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"profile_update() cannot set {', '.join(sorted(unknown))}")
    level = fields.get("management_level")
    if level not in (None, ""):
        try:
            level_ok = int(level) in (1, 2, 3)
        except (TypeError, ValueError):
            level_ok = False
        if not level_ok:
            raise ValidationError({"management_level": "Choose a management level from 1 to 3."})
    if "timezone" in fields and fields["timezone"] not in valid_timezones():
        raise ValidationError({"timezone": "Choose a time zone from the list."})
    written: list[str] = []
    try:
        with transaction.atomic():
            profile = Profile.objects.select_for_update().get(user=user)
            old_files = [cast(str, f.name) for f in (profile.avatar, profile.avatar_thumb) if f]
            for name, value in fields.items():
                setattr(profile, name, value)
            if avatar is not None:
                profile.avatar.save(avatar.name, avatar.full, save=False)
                written.append(cast(str, profile.avatar.name))
                profile.avatar_thumb.save(avatar.thumb_name, avatar.thumb, save=False)
                written.append(cast(str, profile.avatar_thumb.name))
            elif remove_avatar:
                profile.avatar = ""
                profile.avatar_thumb = ""
            profile.full_clean()
            newly_complete = profile.completed_at is None and not profile_missing_fields(profile)
            if newly_complete:
                profile.completed_at = timezone.now()
            profile.save()
            metrics.record(
                actor=actor,
                verb=Verb.PROFILE_COMPLETED if newly_complete else Verb.PROFILE_UPDATED,
                target=profile,
                cohort=primary_cohort(user),
            )
            if avatar is not None or remove_avatar:
                storage = profile.avatar.storage
                transaction.on_commit(lambda: _delete_files(storage, old_files))
    except Exception:
        if written:
            _delete_files(Profile._meta.get_field("avatar").storage, written)
        raise
    user.profile = profile
    return profile


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def follow_create(*, actor: User, followee: User) -> Follow:
    """Follow a person. Following someone already followed is a no-op returning the existing row.

    Guarantees: a new follow records FOLLOWED and notifies the followee (grouped while unread),
    all in one transaction; following yourself or an inactive person raises ValidationError.
    """
    if actor.pk == followee.pk:
        raise ValidationError("You cannot follow yourself.")
    if not permissions.can_follow(actor, followee):
        raise ValidationError("You cannot follow this person.")
    try:
        with transaction.atomic():
            follow = Follow.objects.create(follower=actor, followee=followee)
            metrics.record(actor=actor, verb=Verb.FOLLOWED, target=followee, cohort=primary_cohort(actor))
            hooks.follow_created(follow)  # notifications: the followee is told (grouped while unread)
    except IntegrityError:
        return Follow.objects.get(follower=actor, followee=followee)
    return follow


def follow_delete(*, actor: User, followee: User) -> bool:
    """Stop following a person. Returns whether a follow existed."""
    with transaction.atomic():
        deleted, _ = Follow.objects.filter(follower=actor, followee=followee).delete()
        if deleted:
            metrics.record(actor=actor, verb=Verb.UNFOLLOWED, target=followee, cohort=primary_cohort(actor))
    return bool(deleted)


def membership_add(*, user: User, cohort: Cohort, kind: str = Membership.Kind.MEMBER) -> Membership:
    """Put a person in a cohort (idempotent). Facilitators also get the facilitator role."""
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, cohort=cohort, defaults={"kind": kind})
        if not created and kind == Membership.Kind.FACILITATOR and membership.kind != kind:
            membership.kind = kind
            membership.save(update_fields=["kind"])
        if kind == Membership.Kind.FACILITATOR:
            role_assign(user=user, roles=(Role.FACILITATOR,))
    for attr in ("_member_cohort_ids", "_facilitated_cohort_ids"):
        if hasattr(user, attr):
            delattr(user, attr)
    return membership
