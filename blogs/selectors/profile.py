"""A person's recent published blog entries for their profile page, as the viewer may read them."""

from __future__ import annotations

from django.utils import timezone

from portal.profile_activity import ActivityItem

from .. import permissions
from ..models import Entry


def recent_entries(viewer, person, *, limit: int) -> list[ActivityItem]:
    """Published entries by ``person`` the viewer may read, newest first (one query)."""
    qs = (
        permissions.filter_visible_entries(viewer, Entry.objects.filter(author=person))
        .select_related("blog")
        .order_by("-published_at", "-pk")[:limit]
    )
    return [
        ActivityItem(
            title=e.title,
            url=e.get_absolute_url(),
            when=timezone.localtime(e.published_at).replace(microsecond=0) if e.published_at else None,
            where=e.blog.title,
        )
        for e in qs
    ]
