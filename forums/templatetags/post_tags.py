"""A topic page's posts, each rendered once and cached under a digest of everything it shows (issue 13).

post.html renders only what forums.selectors.posts.post_rows puts in its row (the post, its author, its
reactions, the reader's permissions and choices, the links), so the row is the cache key: any change to the
post, a reaction, the reader's rights or the templates gives another key, and a stale post cannot be served.
Readers with the same rights share entries; the reader's own reactions, saves and mutes are in the row too.
"""

import hashlib
from functools import cache

from django import template
from django.core.cache import cache as django_cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe

register = template.Library()

POST_TEMPLATES = ("forums/partials/post.html", "forums/partials/reactions.html", "forums/partials/post_save.html")
CACHE_SECONDS = 24 * 3600


@cache
def _templates_digest() -> str:
    sources = "".join(get_template(name).template.source for name in POST_TEMPLATES)
    return hashlib.blake2b(sources.encode(), digest_size=8).hexdigest()


def post_key(row: dict) -> str:
    digest = hashlib.blake2b(repr(row).encode(), digest_size=16).hexdigest()
    return f"forums:post-html:{_templates_digest()}:{digest}"


def attach_cached_html(rows: list[dict]) -> None:
    """Look every post of the page up in the cache at once (one round trip); hits get ``row["html"]``."""
    keys = {post_key(row): row for row in rows}
    for key, row in keys.items():
        row["cache_key"] = key
    for key, html in django_cache.get_many(list(keys)).items():
        keys[key]["html"] = html


@register.simple_tag
def post_html(row: dict):
    """The post, from the cache when attach_cached_html found it there, else rendered and stored."""
    html = row.get("html")
    if html is None:
        html = render_to_string("forums/partials/post.html", {"p": row})
        if "cache_key" in row:
            django_cache.set(row["cache_key"], html, CACHE_SECONDS)
    return mark_safe(html)
