"""Reading notifications: the bell, the list and preferences.

Every notification shown or delivered passes through ``permissions.filter_visible``: a target whose
registered visibility check says no (or that no longer exists) hides the notification, so nothing
reveals content the recipient can no longer see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import F, Min, Q, QuerySet
from django.utils import timezone

from portal.notifications import Event, default_delivery
from portal.notifications.models import Delivery, DigestRun, Notification, NotificationPreference, UndeliverableAddress
from portal.people.models import User

from . import permissions

BELL_LIMIT = 99
DROPDOWN_SIZE = 8
LIST_PAGE_SIZE = 25


# ------------------------------------------------------------------ the bell and the list
def _base(user: User) -> QuerySet[Notification]:
    return permissions.filter_notifications_queryset(user, Notification.objects.all())


def _with_people(qs: QuerySet[Notification]) -> QuerySet[Notification]:
    return qs.select_related("actor", "actor__profile")


@dataclass(frozen=True)
class BellSummary:
    count: int
    capped: bool

    @property
    def label(self) -> str:
        return f"{BELL_LIMIT}+" if self.capped else str(self.count)


def bell_summary(user: User) -> BellSummary:
    """Unread, still-visible notifications, counted up to 99 ("99+"): one query plus one per target type."""
    unread = _base(user).filter(read_at__isnull=True).only("id", "target_type_id", "target_id")
    rows = list(unread.order_by("-updated_at")[: BELL_LIMIT + 1])
    visible = permissions.filter_visible(user, rows)
    return BellSummary(count=min(len(visible), BELL_LIMIT), capped=len(visible) > BELL_LIMIT)


def _bell_key(user_id: int, session_key: str | None) -> str:
    return f"notifications:bell:{user_id}:{session_key or '-'}"


def bell_summary_refresh(user: User, session_key: str | None = None) -> BellSummary:
    """Count now and remember it for the header of this person's next pages (this session)."""
    summary = bell_summary(user)
    cache.set(
        _bell_key(user.pk, session_key), (summary.count, summary.capped), settings.NOTIFICATION_BELL_CACHE_SECONDS
    )
    return summary


def bell_summary_cached(user: User, session_key: str | None = None) -> BellSummary:
    """The header's count: remembered for a few seconds, so ordinary pages spend no query on it.

    The bell's own requests (the 60-second poll, the dropdown, marking read) always count afresh and
    refresh this, so the number is never staler than the cache time after something changes.
    """
    cached = cache.get(_bell_key(user.pk, session_key))
    if cached is not None:
        return BellSummary(count=cached[0], capped=cached[1])
    return bell_summary_refresh(user, session_key)


def latest_notifications(user: User, *, limit: int = DROPDOWN_SIZE) -> list[Notification]:
    """The newest visible notifications for the dropdown (unread first is not forced: newest first)."""
    rows = list(_with_people(_base(user)).order_by("-updated_at")[: limit * 2])
    return permissions.filter_visible(user, rows)[:limit]


def notification_page(user: User, *, show: str = "all", event: str = "", page: int | str = 1) -> Page:
    """One page of the full list, filtered by unread/all and event type; hidden targets left out."""
    qs = _with_people(_base(user)).order_by("-updated_at", "-id")
    if show == "unread":
        qs = qs.filter(read_at__isnull=True)
    if event:
        qs = qs.filter(event=event)
    paginator = Paginator(qs, LIST_PAGE_SIZE)
    page_obj = paginator.get_page(page)
    page_obj.object_list = permissions.filter_visible(user, page_obj.object_list)
    return page_obj


def notification_for(user: User, pk: int) -> Notification | None:
    """The recipient's own notification ``pk`` (anyone else's does not exist for them)."""
    return _with_people(_base(user)).filter(pk=pk).first()


# ------------------------------------------------------------------ preferences
def delivery_choices(user: User) -> dict[str, str]:
    """Every event type → this person's delivery, defaults filled in (one query)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("event", "delivery"))
    return {event.value: chosen.get(event.value, default_delivery(event.value)) for event in Event}


def delivery_for(user: User, event: str) -> str:
    chosen = NotificationPreference.objects.filter(user=user, event=event).values_list("delivery", flat=True).first()
    return chosen or default_delivery(event)


def deliveries_for_users(user_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """For many people at once (digests, sweeps): user id → event → delivery, defaults filled in."""
    result: dict[int, dict[str, str]] = {uid: {} for uid in user_ids}
    for uid, event, delivery in NotificationPreference.objects.filter(user_id__in=list(result)).values_list(
        "user_id", "event", "delivery"
    ):
        result[uid][event] = delivery
    return result


def effective(chosen: dict[str, str], event: str) -> str:
    return chosen.get(event) or default_delivery(event)


def is_undeliverable(email: str) -> bool:
    return UndeliverableAddress.objects.filter(email__iexact=email).exists()


# Sections of the preferences page and of the digest, in reading order.
SECTIONS: list[tuple[str, tuple[str, ...]]] = [
    (
        "Replies and mentions",
        (
            Event.TOPIC_REPLY,
            Event.POST_REPLY,
            Event.MENTION,
            Event.QUOTE,
            Event.ENTRY_COMMENT,
            Event.REVIEW_COMMENT,
            Event.ANSWER_ACCEPTED,
        ),
    ),
    ("From people and boards you follow", (Event.FOLLOWED_ENTRY, Event.WATCHED_TOPIC, Event.NEW_FOLLOWER)),
    ("Prompts waiting for your answer", (Event.STARTER_PROMPT, Event.SURVEY)),
    ("Goals and nudges", (Event.GOAL_DEADLINE, Event.NUDGE)),
    ("Everything else", (Event.REACTION, Event.FLAG_RESOLVED, Event.INVITATION)),
]


def section_of(event: str) -> str:
    for title, events in SECTIONS:
        if event in events:
            return title
    return SECTIONS[-1][0]


def preference_sections(user: User) -> list[dict]:
    """The preferences page: sections of rows (event, label, current delivery), every event present."""
    chosen = delivery_choices(user)
    sections: dict[str, list[dict]] = {title: [] for title, _ in SECTIONS}
    for event in Event:
        sections[section_of(event.value)].append(
            {
                "event": event.value,
                "label": event.label,
                "delivery": chosen[event.value],
                "default": default_delivery(event.value),
            }
        )
    return [{"title": title, "rows": rows} for title, rows in sections.items() if rows]


DELIVERY_CHOICES = Delivery.choices


# ------------------------------------------------------------------ digest timing
def user_timezone(user: User) -> ZoneInfo:
    """The person's own time zone (Profile.timezone); the site's when unset or not a real zone."""
    name = getattr(getattr(user, "profile", None), "timezone", "") or settings.TIME_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def latest_period_start(kind: str, local_now: datetime) -> date:
    """The start of the latest digest period whose send time (08:00 local by default) has passed."""
    send_at = time(settings.NOTIFICATION_DIGEST_HOUR)
    today = local_now.date()
    if kind == "daily":
        return today if local_now.time() >= send_at else today - timedelta(days=1)
    days_since = (today.weekday() - settings.NOTIFICATION_WEEKLY_DIGEST_DAY) % 7
    start = today - timedelta(days=days_since)
    if days_since == 0 and local_now.time() < send_at:
        start -= timedelta(days=7)
    return start


def digest_cutoff(kind: str, period_start: date, tz: ZoneInfo) -> datetime:
    """When the digest of that period goes out; it holds what arrived before this moment."""
    return datetime.combine(period_start, time(settings.NOTIFICATION_DIGEST_HOUR), tzinfo=tz)


def due_digests(*, now: datetime | None = None) -> list[tuple[int, str, date]]:
    """(user id, kind, period start) of every digest whose send time has passed and that was not
    yet settled, for people with something set to that digest waiting since before that time.

    A handful of queries whatever the number of people: pending notifications grouped per person
    and event, their time zones, their preferences, and the runs already made.
    """
    now = now or timezone.now()
    pending = (
        Notification.objects.filter(
            read_at__isnull=True,
            recipient__is_active=True,
            updated_at__gte=now - timedelta(days=15),
            count__gt=F("emailed_count"),
        )
        .filter(Q(digested_at__isnull=True) | Q(digested_at__lt=F("updated_at")))
        .values("recipient_id", "event")
        .annotate(first=Min("updated_at"))
    )
    first_seen: dict[int, dict[str, datetime]] = defaultdict(dict)
    for row in pending:
        first_seen[row["recipient_id"]][row["event"]] = row["first"]
    if not first_seen:
        return []
    zones = {
        uid: user_timezone(user)
        for uid, user in User.objects.select_related("profile").in_bulk(list(first_seen)).items()
    }
    choices = deliveries_for_users(first_seen)
    done = set(
        DigestRun.objects.filter(
            user_id__in=list(first_seen), period_start__gte=now.date() - timedelta(days=9)
        ).values_list("user_id", "kind", "period_start")
    )
    due = []
    for uid, events in first_seen.items():
        tz = zones.get(uid)
        if tz is None:
            continue
        local_now = now.astimezone(tz)
        for kind in ("daily", "weekly"):
            start = latest_period_start(kind, local_now)
            if (uid, kind, start) in done:
                continue
            cutoff = digest_cutoff(kind, start, tz)
            if any(effective(choices[uid], e) == kind and first <= cutoff for e, first in events.items()):
                due.append((uid, kind, start))
    return due
