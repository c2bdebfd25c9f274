"""The all-blogs page: latest entries, most read this month, and whom to follow."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal import permissions as portal_permissions
from portal.models import Follow, User

from .. import permissions
from ..models import Blog, Comment, Entry, EntryRead, Tag
from .entries import visible_entries


def month_start():
    now = timezone.localtime()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def most_read_this_month(user, limit: int = 5) -> list[Entry]:
    """Visible entries with the most distinct readers since the 1st of this month (site time)."""
    reads = (
        EntryRead.objects.filter(entry=OuterRef("pk"), read_at__gte=month_start())
        .order_by()
        .values("entry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        visible_entries(user)
        .annotate(month_reads=Coalesce(Subquery(reads, output_field=IntegerField()), Value(0)))
        .filter(month_reads__gt=0)
        .order_by("-month_reads", "-published_at")[:limit]
    )


@dataclass
class Suggestion:
    person: User
    followers: int
    comments: int
    blog: Blog | None


def who_to_follow(user, limit: int = 5) -> list[Suggestion]:
    """Authors with published entries the reader may see, ranked by how many people in the reader's
    cohorts follow them and comment on their entries; people already followed are left out.
    Readers in no cohort (programme staff) get the organisation-wide ranking."""
    cohort_ids = portal_permissions.member_cohort_ids(user)
    follows = Follow.objects.filter(followee=OuterRef("pk"))
    comments = Comment.objects.filter(
        entry__author=OuterRef("pk"),
        entry__status=Entry.Status.PUBLISHED,
        deleted_at__isnull=True,
        hidden_at__isnull=True,
    ).exclude(author=OuterRef("pk"))
    if cohort_ids:
        follows = follows.filter(follower__memberships__cohort_id__in=cohort_ids)
        comments = comments.filter(author__memberships__cohort_id__in=cohort_ids)

    def count(qs, group):
        return Coalesce(
            Subquery(
                qs.order_by().values(group).annotate(n=Count("pk", distinct=True)).values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        )

    authors = (
        Entry.objects.filter(permissions.visible_entries_q(user), blog__kind=Blog.Kind.PERSONAL)
        .values("author_id")
        .distinct()
    )
    people = (
        User.objects.filter(pk__in=authors, is_active=True)
        .exclude(pk=user.pk)
        .exclude(pk__in=Follow.objects.filter(follower=user).values("followee_id"))
        .select_related("profile")
        .annotate(n_followers=count(follows, "followee"), n_comments=count(comments, "entry__author"))
        .annotate(score=F("n_followers") + F("n_comments"))
        .order_by("-score", "-n_followers", "profile__display_name", "pk")[:limit]
    )
    people = list(people)
    blogs = {b.owner_id: b for b in Blog.objects.filter(kind=Blog.Kind.PERSONAL, owner__in=people)}
    return [Suggestion(p, p.n_followers, p.n_comments, blogs.get(p.pk)) for p in people]


def popular_tags(user, limit: int = 12) -> QuerySet[Tag]:
    return (
        Tag.objects.annotate(n=Count("entries", filter=permissions.visible_entries_q(user, prefix="entries__")))
        .filter(n__gt=0)
        .order_by("-n", "name")[:limit]
    )


def cohort_blogs(user) -> QuerySet[Blog]:
    qs = Blog.objects.filter(kind=Blog.Kind.COHORT).select_related("cohort")
    if permissions.reads_everything(user):
        return qs
    return qs.filter(cohort_id__in=portal_permissions.member_cohort_ids(user))


def all_blogs_context(user) -> dict:
    latest = list(visible_entries(user)[:10])
    return {
        "latest": latest,
        "most_read": most_read_this_month(user),
        "suggestions": who_to_follow(user),
        "popular_tags": list(popular_tags(user)),
        "cohort_blogs": list(cohort_blogs(user)),
        "has_any": bool(latest),
    }


def visible_entry_filter(user) -> Q:
    return permissions.visible_entries_q(user)
