"""Boards: the list someone may see, with counts and unread topics computed in the same query."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS
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
from django.utils import timezone
from django.utils.translation import get_language

from portal.people.models import Cohort
from portal.prepared import prepared

from .. import permissions
from ..models import Board, ReadState, Topic, Watch
from .topics import ListRow, list_urls, new_since, time_element

_BOARD_FIELDS = tuple(f.attname for f in Board._meta.concrete_fields)
_COHORT_FIELDS = tuple(f.attname for f in Cohort._meta.concrete_fields)


def _board_by_slug(slug) -> QuerySet:
    columns = (*_BOARD_FIELDS, *(f"cohort__{name}" for name in _COHORT_FIELDS))
    return Board.objects.filter(slug=slug).values_list(*columns)[:1]


def visible_board(user, slug: str) -> Board:
    """The board with ``slug`` (and its cohort) if ``user`` may see it; Http404 otherwise (a hidden board does
    not exist). What ``select_related("cohort")`` gives, from SQL compiled once per thread (portal.prepared)."""
    rows = prepared("forums:board-by-slug", _board_by_slug, str(slug))
    if not rows:
        raise Http404("No such board.")
    values = rows[0]
    board = Board.from_db(DEFAULT_DB_ALIAS, _BOARD_FIELDS, values[: len(_BOARD_FIELDS)])
    cohort = None
    if board.cohort_id is not None:
        cohort = Cohort.from_db(DEFAULT_DB_ALIAS, _COHORT_FIELDS, values[len(_BOARD_FIELDS) :])
    board.cohort = cohort
    if not permissions.can_view_board(user, board):
        raise Http404("No such board.")
    return board


def board_watched(user, board: Board) -> bool:
    """Whether ``user`` watches ``board`` (SQL compiled once per thread)."""
    return bool(prepared("forums:board-watched", _board_watch, board.pk, user.pk))


def _board_watch(board_id, user_id) -> QuerySet:
    return Watch.objects.filter(board_id=board_id, user_id=user_id, watching=True).values_list("pk")[:1]


def _count(qs: QuerySet, field: str = "pk", func=Count) -> Coalesce:
    return Coalesce(
        Subquery(qs.order_by().values("board").annotate(c=func(field)).values("c"), output_field=IntegerField()),
        0,
    )


_BOARD_COLUMNS = (
    "pk",
    "cohort_id",
    "cohort__name",
    "title",
    "slug",
    "description",
    "topic_count",
    "reply_total",
    "unread_topics",
    "latest_topic_id",
    "latest_topic_title",
    "latest_activity",
)


def _boards_values(user_id, since, *cohort_ids, everything: bool) -> QuerySet:
    visible = Topic.objects.filter(board=OuterRef("pk"), is_visible=True)
    unread = visible.filter(
        ~Exists(
            ReadState.objects.filter(
                user=user_id, topic=OuterRef("pk"), last_read_number__gte=OuterRef("last_post_number")
            )
        )
    ).filter(Q(last_post_at__gte=since) | Exists(ReadState.objects.filter(user=user_id, topic=OuterRef("pk"))))
    latest = visible.order_by("-last_post_at", "-pk")
    return (
        permissions.boards_of_cohorts(Board.objects.all(), None if everything else list(cohort_ids))
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
        .values_list(*_BOARD_COLUMNS)
    )


def board_list(user) -> list[ListRow]:
    """Every board ``user`` may see, ordered org-wide first then by cohort and position, as ListRows.

    Each board carries its own ``pk``, ``cohort_id``, ``cohort__name``, ``title``, ``slug`` and
    ``description``, its ``url``, ``topic_count`` and ``post_count`` (visible only), ``unread_topics``
    (topics with posts the user has not read, or new to them), and its latest visible topic as
    ``latest_topic_id``/``latest_topic_title``/``latest_activity`` (with ``latest_url`` and ``latest_time``,
    the time element): one query for any number of boards, its SQL compiled once per thread and number of
    the reader's cohorts (portal.prepared).
    """
    if not getattr(user, "is_authenticated", False):
        return []
    cohort_ids = permissions.visible_cohort_ids(user)
    everything = cohort_ids is None
    ids: list[int] = cohort_ids if cohort_ids is not None else []

    def build(user_id, since, *cohorts):
        return _boards_values(user_id, since, *cohorts, everything=everything)

    key = "forums:board-list:all" if everything else f"forums:board-list:{len(ids)}"
    topic_url, _, board_url = list_urls()
    language, zone = get_language(), timezone.get_current_timezone_name()
    boards = []
    for values in prepared(key, build, user.pk, new_since(), *ids):
        board = ListRow(zip(_BOARD_COLUMNS, values, strict=True))
        board["post_count"] = board["topic_count"] + board["reply_total"]
        board["url"] = board_url(board["slug"])
        if board["latest_topic_id"] is not None:
            board["latest_url"] = topic_url(board["latest_topic_id"])
            board["latest_time"] = time_element(board["latest_activity"], language, zone)
        boards.append(board)
    return boards


def manageable_boards(user) -> QuerySet[Board]:
    """Boards whose settings ``user`` may change (and move topics into)."""
    cohort_ids = permissions.manageable_cohort_ids(user)
    qs = Board.objects.select_related("cohort").order_by("cohort__name", "position", "title")
    if cohort_ids is None:
        return qs
    return qs.filter(cohort_id__in=cohort_ids)
