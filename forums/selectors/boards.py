"""Boards: the list someone may see, with counts and unread topics computed in the same query."""

from __future__ import annotations

from typing import Any

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
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from .. import permissions
from ..models import Board, ReadState, Topic
from .topics import new_since


def visible_board(user, slug: str) -> Board:
    """The board with ``slug`` if ``user`` may see it; Http404 otherwise (a hidden board does not exist)."""
    board = Board.objects.select_related("cohort").filter(slug=slug).first()
    if board is None or not permissions.can_view_board(user, board):
        raise Http404("No such board.")
    return board


def _count(qs: QuerySet, field: str = "pk", func=Count) -> Coalesce:
    return Coalesce(
        Subquery(qs.order_by().values("board").annotate(c=func(field)).values("c"), output_field=IntegerField()),
        0,
    )


def board_list(user) -> list[Board]:
    """Every board ``user`` may see, ordered org-wide first then by cohort and position.

    Each board carries ``topic_count`` and ``post_count`` (visible only), ``unread_topics`` (topics
    with posts the user has not read, or new to them), and its latest visible topic as
    ``latest_topic_id``/``latest_topic_title``/``latest_activity``: one query for any number of boards.
    """
    visible = Topic.objects.filter(board=OuterRef("pk"), is_visible=True)
    unread = visible.filter(
        ~Exists(
            ReadState.objects.filter(
                user=user, topic=OuterRef("pk"), last_read_number__gte=OuterRef("last_post_number")
            )
        )
    ).filter(Q(last_post_at__gte=new_since()) | Exists(ReadState.objects.filter(user=user, topic=OuterRef("pk"))))
    latest = visible.order_by("-last_post_at", "-pk")
    qs = (
        permissions.filter_boards_queryset(user, Board.objects.all())
        .select_related("cohort")
        .annotate(
            topic_count=_count(visible),
            reply_total=_count(visible, "reply_count", Sum),
            unread_topics=_count(unread),
            latest_topic_id=Subquery(latest.values("pk")[:1]),
            latest_topic_title=Subquery(latest.values("title")[:1]),
            latest_activity=Subquery(latest.values("last_post_at")[:1]),
            org_wide=ExpressionWrapper(Q(cohort__isnull=True), output_field=BooleanField()),
        )
        .order_by("-org_wide", "cohort__name", "position", "title")
    )
    boards: list[Any] = list(qs)  # post_count is set here, not declared on Board
    for board in boards:
        board.post_count = board.topic_count + board.reply_total
    return boards


def manageable_boards(user) -> QuerySet[Board]:
    """Boards whose settings ``user`` may change (and move topics into)."""
    cohort_ids = permissions.manageable_cohort_ids(user)
    qs = Board.objects.select_related("cohort").order_by("cohort__name", "position", "title")
    if cohort_ids is None:
        return qs
    return qs.filter(cohort_id__in=cohort_ids)
