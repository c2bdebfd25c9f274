"""The all-blogs page: latest entries, most read this month, and whom to follow."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.people import permissions as portal_permissions
from portal.selectors.influence import who_to_follow as influence_who_to_follow

from .. import permissions
from ..models import Blog, Entry, EntryRead, Tag
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
        # Who to follow by influence among people who blog, every level heard (issue 17).
        "who_to_follow": influence_who_to_follow(user, limit=4, among=_blog_authors(user)),
        "popular_tags": list(popular_tags(user)),
        "cohort_blogs": list(cohort_blogs(user)),
        "has_any": bool(latest),
    }


def _blog_authors(user):
    return (
        Entry.objects.filter(permissions.visible_entries_q(user), blog__kind=Blog.Kind.PERSONAL)
        .values("author_id")
        .distinct()
    )


def visible_entry_filter(user) -> Q:
    return permissions.visible_entries_q(user)
