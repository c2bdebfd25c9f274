"""A person's recent topics and replies for their profile page, as the viewer may see them."""

from __future__ import annotations

from django.utils import timezone

from portal.profile_activity import ActivityItem

from .. import permissions
from ..models import Board, Post


def _visible_posts(viewer, person):
    boards = permissions.filter_boards_queryset(viewer, Board.objects.all()).values("pk")
    return (
        Post.objects.filter(
            author=person,
            topic__board__in=boards,
            topic__is_visible=True,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
        )
        .select_related("topic__board")
        .order_by("-created_at", "-pk")
    )


def recent_topics(viewer, person, *, limit: int) -> list[ActivityItem]:
    """Topics ``person`` started on boards the viewer can read (one query)."""
    posts = _visible_posts(viewer, person).filter(number=1)[:limit]
    return [
        ActivityItem(
            title=p.topic.title,
            url=p.topic.get_absolute_url(),
            when=timezone.localtime(p.created_at).replace(microsecond=0),
            where=p.topic.board.title,
        )
        for p in posts
    ]


def recent_replies(viewer, person, *, limit: int) -> list[ActivityItem]:
    """Replies ``person`` wrote in topics the viewer can read (one query)."""
    posts = _visible_posts(viewer, person).filter(number__gt=1)[:limit]
    return [
        ActivityItem(
            title=f"Re: {p.topic.title}",
            url=p.get_absolute_url(),
            when=timezone.localtime(p.created_at).replace(microsecond=0),
            where=p.topic.board.title,
        )
        for p in posts
    ]
