"""Writing iCalendar (RFC 5545) with the icalendar package: one VCALENDAR, times in UTC."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .selectors import CalendarEvent

PRODID = "-//Keystone//Learning calendar//EN"


def _utc(value):
    return value.astimezone(UTC) if isinstance(value, datetime) else value


def build_calendar(events: Iterable[CalendarEvent], *, name: str, base_url: str) -> bytes:
    """Serialise events as a PUBLISH calendar. Stable UIDs, so a calendar app updates rather than duplicates."""
    # Imported on first use, not at start-up: icalendar is ~8 MB of every web worker's memory.
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    refresh_minutes = settings.CALENDAR_REFRESH_MINUTES
    cal.add("refresh-interval", timedelta(minutes=refresh_minutes), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", f"PT{refresh_minutes}M")
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    for e in events:
        event = Event()
        event.add("uid", e.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(e.start))
        event.add("dtend", _utc(e.end))
        event.add("summary", e.summary)
        event.add("description", e.description)
        event.add("url", base_url.rstrip("/") + e.path)
        if e.categories:
            event.add("categories", list(e.categories))
        if e.updated is not None:
            event.add("last-modified", _utc(e.updated).replace(microsecond=0))
        cal.add_component(event)
    return cal.to_ical()
