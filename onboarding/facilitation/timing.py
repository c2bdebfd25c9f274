"""When a scheduled prompt goes out: resolving "2 days before session 1" and "the morning after session 2".

Pure functions (no queries): the services and the release job call them with rows they loaded.
Wall-clock times are in the cohort's time zone (its facilitation settings, else the site's TIME_ZONE):
"the morning after" means 08:00 there the next day, whatever the server's zone, and across a
daylight-saving change the local time is kept (the UTC moment moves by an hour).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings


def zone(name: str | None) -> ZoneInfo:
    """The named zone, or the site's when the name is blank or unknown."""
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def morning_time() -> time:
    """FACILITATION_MORNING_TIME ("08:00") as a time: what "the morning after" means."""
    hours, _, minutes = str(settings.FACILITATION_MORNING_TIME).partition(":")
    return time(int(hours), int(minutes or 0))


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """``day`` at wall-clock ``at`` in ``tz``, as an aware UTC datetime.

    A time that does not exist (clocks jump forward) lands after the jump; a time that happens twice
    (clocks go back) means the first of the two.
    """
    naive = datetime.combine(day, at.replace(tzinfo=None))
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


def resolve(*, session_starts_at: datetime, offset_days: int, at_time: time | None, tz: ZoneInfo) -> datetime:
    """The moment a prompt timed relative to a session goes out.

    ``offset_days`` counts calendar days in ``tz`` from the session's local date (negative = before);
    ``at_time`` is the local time of day, or None for the session's own local time of day.
    """
    local = session_starts_at.astimezone(tz)
    day = local.date() + timedelta(days=offset_days)
    at = at_time if at_time is not None else local.time().replace(tzinfo=None)
    return local_moment(day, at, tz)


def timing_of(*, release_at: datetime | None, session_starts_at: datetime | None) -> str:
    """ "before_session", "after_session" or "unscheduled" (the values metrics' PromptTiming reads)."""
    if release_at is None or session_starts_at is None:
        return "unscheduled"
    return "before_session" if release_at < session_starts_at else "after_session"


@dataclass(frozen=True)
class Describe:
    offset_days: int
    at_time: time | None
    session_number: int | None

    def __str__(self) -> str:
        if self.session_number is None:
            return "Not tied to a session"
        n, days = self.session_number, abs(self.offset_days)
        at = f" at {self.at_time:%H:%M}" if self.at_time is not None else ""
        if self.offset_days == 0:
            return f"On the day of session {n}{at}" if at else f"As session {n} starts"
        if self.offset_days == 1 and self.at_time == morning_time():
            return f"The morning after session {n}"
        side = "before" if self.offset_days < 0 else "after"
        unit = "day" if days == 1 else "days"
        return f"{days} {unit} {side} session {n}{at}"


def describe(*, offset_days: int, at_time: time | None, session_number: int | None) -> str:
    """Human wording: "2 days before session 1 at 09:00", "The morning after session 2"."""
    return str(Describe(offset_days, at_time, session_number))


def describe_suggestion(*, offset_days: int, at_time: time | None) -> str:
    """A library prompt's suggested timing: "2 days before a session, 09:00", "The morning after a session"."""
    if offset_days == 1 and at_time == morning_time():
        return "The morning after a session"
    at = f", {at_time:%H:%M}" if at_time is not None else ""
    if offset_days == 0:
        return f"On the day of a session{at}"
    days = abs(offset_days)
    side = "before" if offset_days < 0 else "after"
    return f"{days} day{'s' if days != 1 else ''} {side} a session{at}"
