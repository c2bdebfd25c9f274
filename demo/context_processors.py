"""The site-wide notice while the demo organisation is still being written (development settings only)."""

from __future__ import annotations

from .seeding import in_progress

NOTICE = (
    "The demo organisation is still being set up: its people can sign in a few seconds after the start, and "
    "boards, blogs and dashboards fill in over the next minute or two. The terminal prints the demo sign-ins "
    "when it is done."
)


def seeding_notice(request) -> dict:
    return {"site_notice": NOTICE} if in_progress() else {}
