"""Links for the rows of a list without a URL reversal per row (issue 13: reversing is a large part of a list's CPU).

``url_maker(name, *args)`` reverses ``name`` once with a mark in place of its last argument; the maker puts
each value where the mark was. Callers keep their makers per script prefix and URLconf (both change the
result), e.g. in an ``lru_cache`` keyed on ``get_script_prefix()`` and ``get_urlconf()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

_MARK = 987654321987  # matches int, slug and str converters, and no real path contains it


def url_maker(name: str, *args: Any) -> Callable[[Any], str]:
    """``make(value) == reverse(name, args=[*args, value])`` for a value of the pattern's last argument."""
    prefix, _, suffix = reverse(name, args=[*args, _MARK]).partition(str(_MARK))
    return lambda value: f"{prefix}{value}{suffix}"
