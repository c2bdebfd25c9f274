"""Reads about people: the directory, profiles, follow lists and suggestions.

Every list is a queryset of active users with the profile joined and ``is_following`` (does the
viewer follow this person?) computed in the same query, so a page of people costs one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower

from portal.people.models import Cohort, Follow, Membership, Profile, User


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    cohort: Cohort | None = None
    department: str = ""
    level: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.q or self.cohort or self.department or self.level)


def people_for_viewer(viewer) -> QuerySet[User]:
    """Active people with a profile, ordered by name, each annotated with ``is_following``."""
    qs = User.objects.filter(is_active=True, profile__isnull=False).select_related("profile")
    if getattr(viewer, "is_authenticated", False):
        qs = qs.annotate(is_following=Exists(Follow.objects.filter(follower=viewer.pk, followee=OuterRef("pk"))))
    else:
        qs = qs.annotate(is_following=Value(False))
    return qs.order_by(Lower("profile__display_name"), "pk")


def directory_people(viewer, filters: DirectoryFilters) -> QuerySet[User]:
    """The directory: every word of ``q`` must match the name or the job title."""
    qs = people_for_viewer(viewer)
    for term in filters.q.split():
        qs = qs.filter(Q(profile__display_name__icontains=term) | Q(profile__job_title__icontains=term))
    if filters.cohort is not None:
        qs = qs.filter(Exists(Membership.objects.filter(user=OuterRef("pk"), cohort=filters.cohort)))
    if filters.department:
        qs = qs.filter(profile__department=filters.department)
    if filters.level:
        qs = qs.filter(profile__management_level=filters.level)
    return qs


def departments() -> list[str]:
    """Departments in use by active people, for the directory filter and the profile form."""
    return list(
        Profile.objects.filter(user__is_active=True)
        .exclude(department="")
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )


def follow_count(model_field: str, other_field: str) -> Coalesce:
    """Count Follow rows pointing at the outer user, counting only active people on the other side."""
    rows = (
        Follow.objects.filter(**{model_field: OuterRef("pk"), f"{other_field}__is_active": True})
        .order_by()
        .values(model_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def profile_queryset(viewer) -> QuerySet[User]:
    """People for a profile page: follower/following counts and cohorts joined in."""
    return (
        people_for_viewer(viewer)
        .annotate(
            follower_count=follow_count("followee", "follower"),
            following_count=follow_count("follower", "followee"),
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("cohort").order_by("cohort__name"),
                to_attr="cohort_memberships",
            )
        )
    )


def followers_of(viewer, person: User) -> QuerySet[User]:
    """Active people who follow ``person``, most recent first."""
    return (
        people_for_viewer(viewer)
        .filter(following_set__followee=person)
        .annotate(followed_at=F("following_set__created_at"))
        .order_by("-followed_at", "pk")
    )


def followed_by(viewer, person: User) -> QuerySet[User]:
    """Active people ``person`` follows, most recent first."""
    return (
        people_for_viewer(viewer)
        .filter(follower_set__follower=person)
        .annotate(followed_at=F("follower_set__created_at"))
        .order_by("-followed_at", "pk")
    )


def people_you_may_know(user: User, cohort_ids: set[int] | QuerySet, limit: int = 6) -> list[User]:
    """Colleagues in ``user``'s cohorts they do not follow yet; those who already follow them first.

    ``cohort_ids``: a set, or a subquery of cohort ids (then the cohorts cost no query of their own).
    """
    if not isinstance(cohort_ids, QuerySet) and not cohort_ids:
        return []
    return list(people_you_may_know_queryset(user, cohort_ids, limit=limit))


def people_you_may_know_queryset(user: User, cohort_ids: set[int] | QuerySet, *, limit: int = 6) -> QuerySet:
    """The query behind ``people_you_may_know`` (the home page runs it compiled: ``portal.prepared_models``)."""
    # people_for_viewer annotates is_following, which QuerySet[User] does not carry.
    candidates = cast("QuerySet[Any]", people_for_viewer(user))
    return (
        candidates.filter(Exists(Membership.objects.filter(user=OuterRef("pk"), cohort_id__in=cohort_ids)))
        .exclude(pk=user.pk)
        .filter(is_following=False)
        .annotate(follows_you=Exists(Follow.objects.filter(follower=OuterRef("pk"), followee=user.pk)))
        .order_by("-follows_you", Lower("profile__display_name"), "pk")[:limit]
    )
