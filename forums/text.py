"""Text of stored post HTML as a reader sees it: one line per block (paragraph, item, heading, quote).

``portal.richtext.plain_text`` joins blocks without a space ("end.Next"), which would glue words together
in search and excerpts; posts use this instead.
"""

from __future__ import annotations

import html
import re

from django.utils.html import strip_tags

_BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|blockquote|pre)>|<hr\s*/?>", re.IGNORECASE)


def readable_text(markup: str) -> str:
    """Visible, unescaped text with one line per block and whitespace collapsed inside each line."""
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n", markup or "")))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
