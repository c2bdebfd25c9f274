"""Topic lists: one board's, and the "Latest" list across every board a person may see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from portal.links import url_maker
from portal.prepared import prepared
from portal.templatetags.isodates import time_html

from .. import permissions
from ..models import Board, Post, ReadState, Topic
from .personal import Mutes, user_mutes
from .posts import _avatar_url, _initials

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


class ListRow(dict):
    """One row of a list as plain values: templates read its keys (one dictionary look-up each, issue 13),
    code reads them as attributes (``row.pk``, ``row.unread_count``)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


# A topic row's columns, loaded as plain values (issue 13: 30 topics with their authors, last posters and
# boards were ~120 model instances a page), then the reader's position and unread count, then what other
# apps add (TOPIC_LIST_ANNOTATIONS).
_TOPIC_COLUMNS = (
    "pk",
    "title",
    "kind",
    "is_pinned",
    "is_locked",
    "is_visible",
    "accepted_post_id",
    "reply_count",
    "created_at",
    "last_post_at",
    "author_id",
    "author__email",
    "author__profile__user_id",
    "author__profile__display_name",
    "author__profile__avatar_thumb",
    "last_poster_id",
    "last_poster__email",
    "last_poster__profile__display_name",
    "board__title",
    "board__slug",
    "last_read",
    "unread_count",
)


def _topics_values(qs: QuerySet[Topic], user_id, *, sort: str, moderator: bool, pinned_first: bool) -> QuerySet:
    """The list's topics as values, sorted, with the reader's ``last_read`` (highest post number read, None:
    never opened) and ``unread_count`` (visible posts after it), in the same query."""
    if not moderator:
        qs = qs.filter(is_visible=True)
    pins = ["-is_pinned"] if pinned_first else []
    if sort == "newest":
        qs = qs.order_by(*pins, "-created_at", "-pk")
    elif sort == "unanswered":
        qs = qs.filter(reply_count=0).order_by("-created_at", "-pk")
    else:
        qs = qs.order_by(*pins, "-last_post_at", "-pk")
    read = ReadState.objects.filter(user=user_id, topic=OuterRef("pk"))
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
    qs = qs.annotate(last_read=Subquery(read.values("last_read_number")[:1])).annotate(
        unread_count=Coalesce(Subquery(unread_posts, output_field=IntegerField()), 0)
    )
    if TOPIC_LIST_ANNOTATIONS:
        qs = qs.annotate(**{name: make() for name, make in TOPIC_LIST_ANNOTATIONS.items()})
    return qs.values_list(*_TOPIC_COLUMNS, *TOPIC_LIST_ANNOTATIONS)


def _count_values(qs: QuerySet[Topic], *, sort: str, moderator: bool) -> QuerySet:
    if not moderator:
        qs = qs.filter(is_visible=True)
    if sort == "unanswered":
        qs = qs.filter(reply_count=0)
    return qs.order_by().values_list(Func(template="COUNT(*)", output_field=IntegerField()))


def list_urls() -> tuple:
    """Makers of a topic's, its first unread post's and a board's link: ``make(pk)`` or ``make(slug)``."""
    return _list_urls(get_script_prefix(), get_urlconf())


@lru_cache(maxsize=8)
def _list_urls(script_prefix: str, urlconf: str | None) -> tuple:
    """The row links' makers (topic, its first unread post, its board), reversed once per process."""
    return (
        url_maker("forums:topic-detail"),
        url_maker("forums:topic-unread"),
        url_maker("forums:board-detail"),
    )


def time_element(moment: datetime, language: str | None, zone: str) -> SafeString:
    """``forums/partials/time.html`` for ``moment``, in the active time zone and language (cached)."""
    return time_html(moment, "j M Y, H:i", language, zone)


def topic_rows(rows: list[tuple], *, show_board: bool, mutes: Mutes) -> list[ListRow]:
    """One ListRow per topic with every string and flag topic_list.html shows, computed here once.

    Each row keeps the topic's own values under their names (``pk``, ``is_new``, ``last_read``,
    ``unread_count`` …) and adds ``url``, ``unread_url``, ``classes``, the author's ``name``, ``initials``
    and ``avatar``, the last poster's name, ``started`` and ``activity`` (time elements) and ``muted``.
    """
    topic_url, unread_url, board_url = list_urls()
    language, zone = get_language(), timezone.get_current_timezone_name()
    since = new_since()
    names = (*_TOPIC_COLUMNS, *TOPIC_LIST_ANNOTATIONS)
    result = []
    for values in rows:
        t = ListRow(zip(names, values, strict=True))
        pk = t["pk"]
        author = t["author_id"] is not None
        name = t["author__profile__display_name"] or t["author__email"] or ""
        t["is_new"] = t["last_read"] is None and t["last_post_at"] >= since
        t["is_question"] = t["kind"] == Topic.Kind.QUESTION
        t["muted"] = pk in mutes.topics or t["author_id"] in mutes.people
        t["pinned"] = t["is_pinned"] and not show_board
        t["classes"] = "topic-row" + "".join(
            c
            for c, on in (
                (" topic-row--pinned", t["pinned"]),
                (" topic-row--unread", t["unread_count"] or t["is_new"]),
                (" topic-row--removed", not t["is_visible"]),
                (" topic-row--muted", t["muted"]),
            )
            if on
        )
        t["url"] = topic_url(pk)
        t["unread_url"] = unread_url(pk)
        t["author"] = name if author else ""
        has_profile = author and t["author__profile__user_id"] is not None
        t["initials"] = _initials(name) if has_profile else ""
        t["avatar"] = _avatar_url(t["author__profile__avatar_thumb"]) if has_profile else ""
        t["last_poster"] = (
            (t["last_poster__profile__display_name"] or t["last_poster__email"] or "")
            if t["last_poster_id"] is not None and t["reply_count"]
            else ""
        )
        t["board_url"] = board_url(t["board__slug"]) if show_board else ""
        t["started"] = time_element(t["created_at"], language, zone)
        t["activity"] = time_element(t["last_post_at"], language, zone)
        result.append(t)
    return result


def _topic_page(
    user,
    base: Callable[[Any], QuerySet[Topic]],
    *,
    key: str,
    board_id: Any,
    sort: str,
    page: int | str,
    moderator: bool,
    pinned_first: bool,
) -> Page:
    """A Page of ListRows: the count, then the page's topics, one query each. With a ``key``, their SQL is
    compiled once per thread (portal.prepared) and run with this board's and this reader's ids; ``base``
    must then take the board's id and bake nothing else of the request into the query. ``pinned_first``:
    a board's list (pins lead and are marked); else a list across boards (the newest activity leads)."""
    per_page = settings.FORUM_TOPICS_PER_PAGE

    def count(board):
        return _count_values(base(board), sort=sort, moderator=moderator)

    counted = prepared(f"{key}:count:{sort}:{moderator}", count, board_id) if key else list(count(board_id))
    paginator = Paginator(range(counted[0][0] if counted else 0), per_page)
    number = paginator.get_page(page).number
    first = (number - 1) * per_page

    def rows(board, reader_id):
        values = _topics_values(base(board), reader_id, sort=sort, moderator=moderator, pinned_first=pinned_first)
        return values[first : first + per_page]

    if key and number <= 3:  # LIMIT and OFFSET are part of the SQL text: keep plans for the pages people read
        found = prepared(f"{key}:rows:{sort}:{moderator}:{per_page}:{number}", rows, board_id, user.pk)
    else:
        found = list(rows(board_id, user.pk))
    return Page(topic_rows(found, show_board=not pinned_first, mutes=user_mutes(user)), number, paginator)


def _board_base(board_id) -> QuerySet[Topic]:
    return Topic.objects.filter(board_id=board_id)


def board_topics(user, board: Board, *, sort: str = "latest", page: int | str = 1) -> Page:
    """A page of a board's topics for ``user`` as ListRows (topic_rows): pinned first (except in
    "unanswered"), with the reader's read state, new and muted marks."""
    moderator = permissions.can_moderate_board(user, board)
    return _topic_page(
        user,
        _board_base,
        key="forums:board-topics",
        board_id=board.pk,
        sort=sort,
        page=page,
        moderator=moderator,
        pinned_first=True,
    )


def latest_topics(user, *, sort: str = "latest", page: int | str = 1) -> Page:
    """A page of topics from every board ``user`` may see, most recently active first (pins ignored)."""
    boards = permissions.filter_boards_queryset(user, Board.objects.all()).values("pk")

    def base(_board) -> QuerySet[Topic]:  # the reader's cohorts are part of the SQL: compiled per request
        return Topic.objects.filter(board__in=boards)

    return _topic_page(user, base, key="", board_id=None, sort=sort, page=page, moderator=False, pinned_first=False)
