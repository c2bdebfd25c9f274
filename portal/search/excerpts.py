"""Search excerpts with matches in <mark>: the text is escaped first, so no user text is marked safe raw.

The one set of rules for every search (boards, blogs, the portal-wide search); here so that any app's
provider can use them without importing another feature app.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Markers ts_headline puts around matches; replaced by <mark> after the excerpt is escaped.
START, STOP = "\u2045", "\u2046"
EXCERPT_CHARS = 240


def headline_html(headline: str) -> SafeString:
    escaped = str(escape(headline or ""))
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))


def highlight(text: str, terms: list[str], *, width: int = EXCERPT_CHARS) -> SafeString:
    """An excerpt of ``text`` around the first match with every term wrapped in <mark>."""
    text = " ".join((text or "").split())
    if not terms:
        return escape(text[:width])
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    excerpt = text[start : start + width]
    pieces: list[str] = ["… " if start else ""]
    cursor = 0
    for match in pattern.finditer(excerpt):
        pieces.append(str(escape(excerpt[cursor : match.start()])))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        cursor = match.end()
    pieces.append(str(escape(excerpt[cursor:])))
    if start + width < len(text):
        pieces.append(" …")
    return mark_safe("".join(pieces))
