"""Which skipped ids the xAPI cursor keeps watching for a late commit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lms.xapi.services import MAX_GAP_IDS_PER_HOLE, _gaps_between
from lms.xapi.source import LoggedActivity

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


def row(pk: int, age: timedelta = timedelta(seconds=5)) -> LoggedActivity:
    return LoggedActivity(id=pk, verb="post_created", actor_id=1, actor_email="", created_at=NOW - age)


def test_recent_holes_are_watched(settings):
    settings.XAPI_GAP_SECONDS = 3600
    assert _gaps_between(10, [row(11), row(13), row(14), row(17)], NOW) == [12, 15, 16]
    assert _gaps_between(10, [row(12)], NOW) == [11], "a hole right after the cursor counts too"


def test_old_holes_are_history_not_in_flight(settings):
    settings.XAPI_GAP_SECONDS = 3600
    old = timedelta(days=30)
    assert _gaps_between(0, [row(500, old), row(502, old), row(503)], NOW) == []


def test_a_huge_recent_hole_is_capped(settings):
    settings.XAPI_GAP_SECONDS = 3600
    gaps = _gaps_between(0, [row(1_000_000)], NOW)
    assert len(gaps) == MAX_GAP_IDS_PER_HOLE and gaps[-1] == 999_999
