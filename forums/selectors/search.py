"""Search across the posts someone may see.

PostgreSQL: full-text search on ``to_tsvector('english', search_text)`` (GIN-indexed by migration
0002), ranked with SearchRank, excerpts from SearchHeadline. SQLite (the embedded profile): every word
must appear (case-insensitive), newest first, excerpts highlighted in Python. In both, the excerpt is
built from plain text and escaped before the <mark> tags are added, so no user text is marked safe raw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, QuerySet
from django.utils.safestring import SafeString

from portal.search.excerpts import START, STOP, headline_html, highlight

from .. import permissions
from ..models import Board, Post

SEARCH_CONFIG = "english"  # must match the index in migrations/0002_post_search_index.py
MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20
# Markers ts_headline puts around matches; replaced by <mark> after the excerpt is escaped.
# Excerpts (escaped text, matches in <mark>) follow one set of rules for every search: portal.search.excerpts.
_START, _STOP = START, STOP


@dataclass
class SearchResult:
    post: Post
    excerpt: SafeString


def _terms(query: str) -> list[str]:
    return [t for t in re.findall(r"\w+", query.lower()) if len(t) > 1][:8]


def search_vector() -> SearchVector:
    return SearchVector("search_text", config=SEARCH_CONFIG)


def _visible_posts(user) -> QuerySet[Post]:
    boards = permissions.filter_boards_queryset(user, Board.objects.all()).values("pk")
    return Post.objects.filter(
        topic__board__in=boards,
        topic__is_visible=True,
        deleted_at__isnull=True,
        hidden_at__isnull=True,
    ).select_related("topic__board", "author__profile")


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def search_posts(user, query: str, *, page: int | str = 1) -> tuple[Page | None, str]:
    """Posts matching ``query`` that ``user`` may see: (page of SearchResult, the query as used)."""
    query = " ".join((query or "").split())[:MAX_QUERY_LENGTH]
    terms = _terms(query)
    if not terms:
        return None, query
    qs = _visible_posts(user)
    if uses_postgres():
        ts_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        qs = (
            qs.annotate(document=search_vector())
            .filter(document=ts_query)
            .annotate(
                rank=SearchRank(F("document"), ts_query),
                headline=SearchHeadline(
                    "search_text",
                    ts_query,
                    config=SEARCH_CONFIG,
                    start_sel=_START,
                    stop_sel=_STOP,
                    max_words=40,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-rank", "-created_at")
        )
    else:
        for term in terms:
            qs = qs.filter(search_text__icontains=term)
        qs = qs.order_by("-created_at")
    page_obj: Page[Any] = Paginator(qs, PAGE_SIZE).get_page(page)
    page_obj.object_list = [
        SearchResult(
            post=post,
            excerpt=headline_html(post.headline) if hasattr(post, "headline") else highlight(post.search_text, terms),
        )
        for post in page_obj.object_list
    ]
    return page_obj, query
