"""Quotes: the blockquote a reply starts with when someone quotes a post, linked to the revision quoted."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from portal.mentions import split_tags

from ..models import Post
from ..text import readable_text

MAX_SELECTION = 2000


def _without_nested_quotes(html: str) -> str:
    """Stored HTML minus blockquotes (a quote of a quote gets long) and images."""
    out: list[str] = []
    depth = 0
    for kind, value, tag in split_tags(html):
        if kind == "tag" and tag == "blockquote":
            depth += -1 if value.startswith("</") else 1
            depth = max(depth, 0)
            continue
        if depth or (kind == "tag" and tag == "img"):
            continue
        out.append(value)
    return "".join(out)


def quote_html(post: Post, selected: str = "") -> str:
    """HTML for the composer: "<name> wrote:" linked to the exact revision, then the quoted text.

    ``selected`` (text the reader highlighted) is used only if it really is in the post; otherwise the
    whole post is quoted. The result is sanitised again when the reply is saved.
    """
    revision = post.revisions.order_by("-number").first()
    number = revision.number if revision else 1
    body = revision.body if revision else post.body
    href = reverse("forums:post-history", args=[post.pk]) + f"#rev-{number}"
    name = post.author.display_name if post.author else "A former member"
    selected = " ".join((selected or "").split())[:MAX_SELECTION]
    if selected and selected in " ".join(readable_text(body).split()):
        content = format_html("<p>{}</p>", selected)
    else:
        content = mark_safe(_without_nested_quotes(body))
    return str(format_html('<blockquote><p><a href="{}">{} wrote:</a></p>{}</blockquote><p></p>', href, name, content))
