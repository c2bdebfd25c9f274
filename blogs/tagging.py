"""Parsing and validating the tags a writer types ("leadership, first steps")."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.text import slugify

MAX_TAGS = 8
MAX_TAG_LENGTH = 40
# Letters (any alphabet), digits, spaces and hyphens; starting and ending with a letter or digit.
_TAG = re.compile(r"^[^\W_](?:[^\W_]|[ \-])*$")


def parse_tags(text: str | list[str] | tuple[str, ...]) -> list[str]:
    """The distinct tag names in ``text`` (comma-separated) or a list; raise ValidationError naming bad ones."""
    raw = text.split(",") if isinstance(text, str) else list(text)
    names: list[str] = []
    seen: set[str] = set()
    bad: list[str] = []
    for item in raw:
        name = " ".join(str(item).strip().lstrip("#").split())
        if not name:
            continue
        if len(name) > MAX_TAG_LENGTH:
            raise ValidationError(f"Keep each tag under {MAX_TAG_LENGTH} characters: “{name[:20]}…” is too long.")
        if not _TAG.match(name):
            bad.append(name)
            continue
        key = tag_slug(name)
        if key not in seen:
            seen.add(key)
            names.append(name)
    if bad:
        quoted = ", ".join(f"“{b}”" for b in bad)
        raise ValidationError(
            f"Tags may use letters, numbers, spaces and hyphens only. Please change {quoted}.", code="tag_characters"
        )
    if len(names) > MAX_TAGS:
        raise ValidationError(f"Use at most {MAX_TAGS} tags; you have {len(names)}.", code="too_many_tags")
    return names


def tag_slug(name: str) -> str:
    return slugify(name) or slugify(name, allow_unicode=True)
