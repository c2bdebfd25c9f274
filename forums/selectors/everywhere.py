"""The boards' group in the portal's one search (registered from ``ForumsConfig.ready``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from portal.search import Hit

from .search import search_posts


def search_boards(user, query: str, terms: list[str], *, limit: int) -> list[Hit]:
    """Posts the viewer may read that match, ranked as on the boards' own search page (two queries)."""
    page, _ = search_posts(user, query)
    if page is None:
        return []
    hits = []
    for result in list(page.object_list)[:limit]:
        post = result.post
        author = post.author.display_name if post.author else "A former member"
        title = post.topic.title if post.number == 1 else f"{post.topic.title} (reply #{post.number})"
        when = timezone.localtime(post.created_at).replace(microsecond=0)
        hits.append(
            Hit(
                title=title,
                url=post.get_absolute_url(),
                excerpt=result.excerpt,
                meta=f"{author} · {post.topic.board.title}",
                when=when,
            )
        )
    return hits


def boards_search_url(query: str) -> str:
    return reverse("forums:search") + "?" + urlencode({"q": query})
