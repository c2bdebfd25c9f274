"""Text of stored post HTML as a reader sees it: ``portal.richtext.html_to_text(markup, lines=True)``.

Kept as a name for the forum modules written against it; the function itself lives in portal.richtext.
"""

from __future__ import annotations

from portal.richtext import html_to_text


def readable_text(markup: str) -> str:
    """Visible, unescaped text with one line per block and whitespace collapsed inside each line."""
    return html_to_text(markup, lines=True)
