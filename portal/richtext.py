"""Server-side sanitising of rich text with an allow-list (nh3). Services call this; never trust the widget."""

from __future__ import annotations

import html as html_module
import re

import nh3
from django.utils.html import strip_tags

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "a", "ul", "ol", "li", "blockquote",
    "code", "pre", "h2", "h3", "h4", "h5", "h6", "hr", "img", "span", "sub", "sup", "kbd",
    # Tables leaders paste from documents and spreadsheets (reliability/security work, issue 16).
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    # mention links carry the person's id; quotes carry the revision they came from
    "span": {"data-mention"},
    "blockquote": {"data-quote-revision", "cite"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
# The page's own title is its one h1: a pasted h1 becomes the top heading of the content (h2).
_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)
_SPAN = re.compile(r"^[1-9]\d?$")
_SCOPES = {"row", "col", "rowgroup", "colgroup"}
URL_SCHEMES = {"http", "https", "mailto"}
# Images only from the portal's own media folder (attachments it stored).
_LOCAL_IMAGE = re.compile(r"^/media/[\w\-/.]+$")


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        return value if _LOCAL_IMAGE.match(value) and ".." not in value else None
    if tag == "blockquote" and attr == "cite":
        return value if value.startswith("/") and not value.startswith("//") else None
    if attr in ("colspan", "rowspan"):
        return value if _SPAN.match(value.strip()) else None
    if attr == "scope":
        return value.lower() if value.lower() in _SCOPES else None
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
    cleaned = _cleaner.clean(_H1.sub(r"<\1h2", html or "")).strip()
    return "" if not plain_text(cleaned) and "<img" not in cleaned else cleaned


_BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|blockquote|pre)>|<hr\s*/?>", re.IGNORECASE)


def html_to_text(markup: str, *, lines: bool = False) -> str:
    """The one HTML-to-text function: the visible, unescaped text of some HTML as a reader sees it.

    ``lines=True`` keeps one line per block (paragraph, item, heading, quote) with whitespace collapsed
    inside each line (forum search, excerpts, revision diffs); otherwise everything is on one line, blocks
    separated by a space, so "end.</p><p>Next" never glues into one word (empty checks, word counts).
    """
    text = html_module.unescape(strip_tags(_BLOCK_END.sub("\n", markup or "")))
    kept = (" ".join(line.split()) for line in text.splitlines())
    joined = "\n".join(line for line in kept if line)
    return joined if lines else " ".join(joined.split())


def plain_text(html: str) -> str:
    """``html_to_text(html)`` under the name the apps have always called (kept so their imports stay stable)."""
    return html_to_text(html)
