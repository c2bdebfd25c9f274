"""Extra lines for ``runportal``'s start-up banner, registered by apps that have something to say.

The demo app registers its sign-in table here at start-up, so the project package never imports it
(production settings do not install the demo app, and its banner lines simply do not appear).
"""

from __future__ import annotations

from collections.abc import Callable

BannerNotes = Callable[..., list[str]]
_notes: list[BannerNotes] = []


def register_banner_notes(fn: BannerNotes) -> BannerNotes:
    """Add ``fn(*, python)`` -> lines to the banner (idempotent; usable as a decorator)."""
    if fn not in _notes:
        _notes.append(fn)
    return fn


def banner_notes(*, python: str) -> list[str]:
    """Every registered app's lines, in registration order."""
    lines: list[str] = []
    for fn in _notes:
        lines += fn(python=python)
    return lines
