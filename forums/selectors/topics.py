"""Topic lists: one board's, and the "Latest" list across every board a person may see."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .. import permissions
from ..models import Board, Post, ReadState, Topic

# Extra per-topic facts other apps add to topic lists, as annotations in the list's own query (no extra
# query per page): e.g. facilitation's ``is_starter_prompt``. name -> a callable returning an expression
# over the outer Topic (``OuterRef("pk")``). Filled from AppConfig.ready, so forums imports nobody.
TOPIC_LIST_ANNOTATIONS: dict = {}


def register_topic_list_annotation(name: str, expression) -> None:
    TOPIC_LIST_ANNOTATIONS[name] = expression


TOPIC_SORTS = {
    "latest": "Latest activity",
    "newest": "Newest",
    "unanswered": "Unanswered",
}


def new_since():
    """Topics someone never opened count as new only if they were active recently."""
    return timezone.now() - timedelta(days=settings.FORUM_NEW_DAYS)


def with_read_state(qs: QuerySet[Topic], user) -> QuerySet[Topic]:
    """Annotate each topic with the reader's position, unread reply count and "new" flag, in the same query.

    ``last_read``: highest post number read (None: never opened); ``unread_count``: visible posts after
    it; ``is_new``: never opened and active within FORUM_NEW_DAYS.
    """
    if not getattr(user, "is_authenticated", False):
        return qs.annotate(
            last_read=Value(None, output_field=IntegerField()),
            unread_count=Value(0, output_field=IntegerField()),
            is_new=Value(False),
        )
    read = ReadState.objects.filter(user=user, topic=OuterRef("pk"))
    unread_posts = (
        Post.objects.filter(
            topic=OuterRef("pk"),
            number__gt=OuterRef("last_read"),
            deleted_at__isnull=True,
            hidden_at__isnull=True,
        )
        .order_by()
        .values("topic")
        .annotate(c=Count("pk"))
        .values("c")
    )
    return qs.annotate(
        last_read=Subquery(read.values("last_read_number")[:1]),
    ).annotate(
        unread_count=Coalesce(Subquery(unread_posts, output_field=IntegerField()), 0),
        is_new=ExpressionWrapper(Q(last_post_at__gte=new_since()) & ~Exists(read), output_field=BooleanField()),
    )


def _topic_list(
    qs: QuerySet[Topic], user, *, sort: str, page: int | str, moderator: bool, pinned_first: bool = True
) -> Page:
    if not moderator:
        qs = qs.filter(is_visible=True)
    pins = ["-is_pinned"] if pinned_first else []
    if sort == "newest":
        qs = qs.order_by(*pins, "-created_at", "-pk")
    elif sort == "unanswered":
        qs = qs.filter(reply_count=0).order_by("-created_at", "-pk")
    else:
        qs = qs.order_by(*pins, "-last_post_at", "-pk")
    qs = with_read_state(qs, user).select_related("author__profile", "last_poster__profile", "board__cohort")
    if TOPIC_LIST_ANNOTATIONS:
        qs = qs.annotate(**{name: make() for name, make in TOPIC_LIST_ANNOTATIONS.items()})
    paginator = Paginator(qs, settings.FORUM_TOPICS_PER_PAGE)
    return paginator.get_page(page)


def board_topics(user, board: Board, *, sort: str = "latest", page: int | str = 1) -> Page:
    """A page of a board's topics for ``user``: pinned first (except in "unanswered"), with read state."""
    moderator = permissions.can_moderate_board(user, board)
    return _topic_list(Topic.objects.filter(board=board), user, sort=sort, page=page, moderator=moderator)


def latest_topics(user, *, sort: str = "latest", page: int | str = 1) -> Page:
    """A page of topics from every board ``user`` may see, most recently active first (pins ignored)."""
    boards = permissions.filter_boards_queryset(user, Board.objects.all()).values("pk")
    qs = Topic.objects.filter(board__in=boards)
    # Pins matter inside a board; across boards the newest activity leads.
    return _topic_list(qs, user, sort=sort, page=page, moderator=False, pinned_first=False)
