"""The blogs' group in the portal's one search: published entries the viewer may read.

PostgreSQL: full-text search on ``to_tsvector('english', search_text)`` (title, summary, tags and the
body's text; GIN-indexed by migration, the same approach as the boards), ranked, excerpt from
ts_headline. SQLite: every word must appear, newest first, excerpt highlighted in Python. Excerpts are
escaped before <mark> is added, as on the boards.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F
from django.utils import timezone

from portal.search import Hit
from portal.search.excerpts import START, STOP, headline_html, highlight

from .. import permissions
from ..models import Entry

SEARCH_CONFIG = "english"  # must match the index in migrations (blogs_entry_search_gin)


def search_vector() -> SearchVector:
    return SearchVector("search_text", config=SEARCH_CONFIG)


def search_entries(user, query: str, terms: list[str], *, limit: int) -> list[Hit]:
    """Matching published entries ``user`` may read, best first (one query)."""
    qs = permissions.filter_visible_entries(user, Entry.objects.all()).select_related("blog", "author__profile")
    if connection.vendor == "postgresql":
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
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=40,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-rank", "-published_at")
        )
    else:
        for term in terms:
            qs = qs.filter(search_text__icontains=term)
        qs = qs.order_by("-published_at", "-pk")
    hits = []
    for entry in qs[:limit]:
        excerpt = headline_html(entry.headline) if hasattr(entry, "headline") else highlight(entry.search_text, terms)
        author = entry.author.display_name
        hits.append(
            Hit(
                title=entry.title,
                url=entry.get_absolute_url(),
                excerpt=excerpt,
                meta=f"{author} · {entry.blog.title}",
                when=timezone.localtime(entry.published_at).replace(microsecond=0) if entry.published_at else None,
            )
        )
    return hits
