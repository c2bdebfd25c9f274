"""Server-side sanitising of rich text with an allow-list (nh3). Services call this; never trust the widget."""

from __future__ import annotations

import re

import nh3
from django.utils.html import strip_tags

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "a", "ul", "ol", "li", "blockquote",
    "code", "pre", "h2", "h3", "h4", "hr", "img", "span", "sub", "sup",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    # mention links carry the person's id; quotes carry the revision they came from
    "span": {"data-mention"},
    "blockquote": {"data-quote-revision", "cite"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Images only from the portal's own media folder (attachments it stored).
_LOCAL_IMAGE = re.compile(r"^/media/[\w\-/.]+$")


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        return value if _LOCAL_IMAGE.match(value) and ".." not in value else None
    if tag == "blockquote" and attr == "cite":
        return value if value.startswith("/") and not value.startswith("//") else None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="nofollow ugc noopener",
    attribute_filter=_attribute_filter,
    strip_comments=True,
)


def sanitize(html: str) -> str:
    """Return HTML that contains only allow-listed tags and attributes and no executable content."""
    cleaned = _cleaner.clean(html or "").strip()
    return "" if not plain_text(cleaned) and "<img" not in cleaned else cleaned


def plain_text(html: str) -> str:
    """The visible text of some HTML, whitespace collapsed (for empty checks, excerpts, search)."""
    return " ".join(strip_tags(html or "").replace("&nbsp;", " ").split())
