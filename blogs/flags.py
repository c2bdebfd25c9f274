"""Blog comments in the boards' review queue: the hooks ``forums.services.flags`` asks every flaggable type for.

Flagging, the queue, resolutions and the audit log are the forums' (one review queue for facilitators);
this module only says how to see, route, hide and show a blog comment. Registered in ``BlogsConfig.ready``.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from . import permissions
from .models import Comment


def _cohort(comment: Comment):
    from .services._common import entry_cohort

    return entry_cohort(comment.entry)


def _can_view(user, comment: Comment) -> bool:
    return permissions.can_view_entry(user, comment.entry) and comment.deleted_at is None


def _hide(*, actor, obj: Comment, reason: str, action: str) -> None:
    from .services.comments import comment_hide

    comment_hide(actor=actor, comment=obj, reason=reason, action=action)


def _unhide(*, actor, obj: Comment, reason: str) -> None:
    from .services.comments import comment_unhide

    comment_unhide(actor=actor, comment=obj, reason=reason)


def _review(ids: list[int]) -> dict:
    """The flagged comments with the comment they answer or the one before them: three queries."""
    from forums.services.flags import ReviewItem

    before = Comment.objects.filter(entry=OuterRef("entry"), created_at__lt=OuterRef("created_at")).order_by(
        "-created_at", "-pk"
    )
    comments = list(
        Comment.objects.filter(pk__in=ids)
        .select_related("entry__blog", "author__profile")
        .annotate(before_id=Subquery(before.values("pk")[:1]))
    )
    if not comments:
        return {}
    around_ids = {c.parent_id or c.before_id for c in comments} - {None}
    around = {c.pk: c for c in Comment.objects.filter(pk__in=around_ids).select_related("author__profile")}
    items = {}
    for comment in comments:
        context = []
        neighbour = around.get(comment.parent_id or comment.before_id)
        if neighbour is not None:
            context.append(
                {
                    "label": "Replying to" if comment.parent_id else "Before",
                    "author": neighbour.author,
                    "body_html": neighbour.body if neighbour.is_visible else "",
                    "removed": not neighbour.is_visible,
                    "created_at": neighbour.created_at,
                    "url": f"{comment.entry.get_absolute_url()}#comment-{neighbour.pk}",
                }
            )
        items[comment.pk] = ReviewItem(
            obj=comment,
            title=f"Comment on “{comment.entry.title}”",
            url=comment.get_absolute_url(),
            author=comment.author,
            body_html=comment.body,
            created_at=comment.created_at,
            hidden=comment.hidden_at is not None,
            where=comment.entry.blog.title,
            context=context,
        )
    return items


def comment_hooks():
    from forums.services.flags import FlagHooks

    return FlagHooks(
        label="blog comment",
        cohort=_cohort,
        can_view=_can_view,
        can_moderate=lambda user, comment: permissions.can_moderate_entry(user, comment.entry),
        author_id=lambda comment: comment.author_id,
        url=lambda comment: comment.get_absolute_url(),
        describe=lambda comment: f"Comment on “{comment.entry.title}”",
        is_hidden=lambda comment: comment.hidden_at is not None,
        is_auto_hidden=lambda comment: comment.hidden_at is not None and comment.hidden_by_id is None,
        hide=_hide,
        unhide=_unhide,
        review=_review,
    )


def register() -> None:
    from forums.services.flags import register_flaggable

    register_flaggable("comment", Comment, comment_hooks())
