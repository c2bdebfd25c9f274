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
from functools import partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import F, Func, IntegerField, Min, Q, QuerySet, Subquery
from django.utils import timezone

from portal.notifications import Event, default_delivery
from portal.notifications.models import Delivery, DigestRun, Notification, NotificationPreference, UndeliverableAddress
from portal.people.models import User
from portal.prepared import prepared
from portal.prepared_models import prepared_objects

from . import permissions

BELL_LIMIT = 99
DROPDOWN_SIZE = 8
LIST_PAGE_SIZE = 25


# ------------------------------------------------------------------ the bell and the list
def _base(user: User) -> QuerySet[Notification]:
    return permissions.filter_notifications_queryset(user, Notification.objects.all())


def _with_people(qs: QuerySet[Notification]) -> QuerySet[Notification]:
    return qs.select_related("actor", "actor__profile")


def _signed_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@dataclass(frozen=True)
class BellSummary:
    count: int
    capped: bool

    @property
    def label(self) -> str:
        return f"{BELL_LIMIT}+" if self.capped else str(self.count)


def _unread_targets(recipient_id: int) -> QuerySet:
    own = permissions.own_notifications(Notification.objects.all(), recipient_id)
    unread = own.filter(read_at__isnull=True).order_by("-updated_at")
    return unread.values_list("target_type_id", "target_id")[: BELL_LIMIT + 1]


def _unread(user: User) -> list[tuple[int | None, int | None]]:
    """(content type id, target id) of the newest 100 unread notifications: SQL compiled once per thread."""
    return prepared("notifications:bell-unread", _unread_targets, user.pk) if _signed_in(user) else []


def _bell_of(shown: list[bool]) -> BellSummary:
    visible = sum(shown)
    return BellSummary(count=min(visible, BELL_LIMIT), capped=visible > BELL_LIMIT)


def bell_summary(user: User) -> BellSummary:
    """Unread, still-visible notifications, counted up to 99 ("99+"): one query plus one per target type."""
    return _bell_of(permissions.visible_flags(user, _unread(user)))


def _with_bell(user: User, rows: list[Notification]) -> tuple[list[Notification], BellSummary]:
    """Those of ``rows`` whose targets ``user`` may still see, and the bell's count: the targets of both are
    judged together (one query per target type of either, so a target is loaded and checked once)."""
    unread = _unread(user)
    shown = permissions.visible_flags(user, [(n.target_type_id, n.target_id) for n in rows] + unread)
    return [n for n, ok in zip(rows, shown, strict=False) if ok], _bell_of(shown[len(rows) :])


def _bell_key(user_id: int, session_key: str | None) -> str:
    return f"notifications:bell:{user_id}:{session_key or '-'}"


def bell_remember(user: User, session_key: str | None, summary: BellSummary) -> BellSummary:
    """Remember a fresh count for the header of this person's next pages (this session)."""
    cache.set(
        _bell_key(user.pk, session_key), (summary.count, summary.capped), settings.NOTIFICATION_BELL_CACHE_SECONDS
    )
    return summary


def bell_summary_refresh(user: User, session_key: str | None = None) -> BellSummary:
    """Count now and remember it for the header of this person's next pages (this session)."""
    return bell_remember(user, session_key, bell_summary(user))


def bell_summary_cached(user: User, session_key: str | None = None) -> BellSummary:
    """The header's count: remembered for a few seconds, so ordinary pages spend no query on it.

    The bell's own requests (the 60-second poll, the dropdown, marking read) always count afresh and
    refresh this, so the number is never staler than the cache time after something changes.
    """
    cached = cache.get(_bell_key(user.pk, session_key))
    if cached is not None:
        return BellSummary(count=cached[0], capped=cached[1])
    return bell_summary_refresh(user, session_key)


def _latest(recipient_id: int) -> QuerySet[Notification]:
    own = permissions.own_notifications(Notification.objects.all(), recipient_id)
    return _with_people(own).order_by("-updated_at")[: DROPDOWN_SIZE * 2]


def _latest_rows(user: User) -> list[Notification]:
    return prepared_objects("notifications:latest", _latest, user.pk) if _signed_in(user) else []


def latest_with_bell(user: User) -> tuple[list[Notification], BellSummary]:
    """The newest visible notifications for the dropdown (newest first, unread not forced first) and a fresh
    ``bell_summary``, their targets judged together: the dropdown's queries (SQL compiled once per thread,
    portal.prepared) and one per target type."""
    shown, bell = _with_bell(user, _latest_rows(user))
    return shown[:DROPDOWN_SIZE], bell


def _listed(recipient_id: int, show: str, event: str | None) -> QuerySet[Notification]:
    """The list's notifications (``event`` None: every kind), newest first."""
    qs = permissions.own_notifications(Notification.objects.all(), recipient_id).order_by("-updated_at", "-id")
    if show == "unread":
        qs = qs.filter(read_at__isnull=True)
    if event is not None:
        qs = qs.filter(event=event)
    return qs


def _asks_first_page(page: int | str) -> bool:
    """Whether ``Paginator.get_page(page)`` gives the first page whatever the count (1, or not a number)."""
    try:
        return Paginator([None], 1).validate_number(page) == 1
    except PageNotAnInteger:
        return True
    except EmptyPage:  # 0, negative or past the first page: depends on the count
        return False


def _page_rows(user: User, show: str, event: str, page: int | str) -> tuple[list[Notification], Page]:
    """The rows of one page of the list, before visibility, and an empty Page of the right number, SQL compiled
    once per thread (portal.prepared) for each filter and the first pages. The first page is one query (its
    rows with their actors and the count beside them); another page counts first, then reads its rows."""
    if not _signed_in(user):
        return [], Page([], 1, Paginator([], LIST_PAGE_SIZE))
    show = "unread" if show == "unread" else "all"
    args = (user.pk, event) if event else (user.pk,)
    key = f"notifications:list:{show}:{bool(event)}"

    def count(recipient_id: int, *kind: str) -> QuerySet:
        listed = _listed(recipient_id, show, kind[0] if kind else None).order_by()
        return listed.values_list(Func(template="COUNT(*)", output_field=IntegerField()))

    def rows(first: int, recipient_id: int, *kind: str) -> QuerySet[Notification]:
        listed = _with_people(_listed(recipient_id, show, kind[0] if kind else None))
        return listed[first : first + LIST_PAGE_SIZE]

    if _asks_first_page(page):

        def first_rows(recipient_id: int, *kind: str) -> QuerySet[Notification]:
            total = Subquery(count(recipient_id, *kind))
            return rows(0, recipient_id, *kind).annotate(listed_total=total)

        found = prepared_objects(f"{key}:first", first_rows, *args)
        total = found[0].listed_total if found else 0
        return found, Page([], 1, Paginator(range(total), LIST_PAGE_SIZE))

    (total,) = prepared(f"{key}:count", count, *args)[0]
    paginator = Paginator(range(total), LIST_PAGE_SIZE)
    number = paginator.get_page(page).number
    first = (number - 1) * LIST_PAGE_SIZE
    if number <= 3:  # LIMIT and OFFSET are part of the SQL text: keep plans for the pages people read
        found = prepared_objects(f"{key}:rows:{number}", partial(rows, first), *args)
    else:
        found = list(rows(first, *args))
    return found, Page([], number, paginator)


def notification_page_with_bell(
    user: User, *, show: str = "all", event: str = "", page: int | str = 1
) -> tuple[Page, BellSummary]:
    """One page of the full list, filtered by unread/all and event type, hidden targets left out, and a fresh
    ``bell_summary``, their targets judged together: the count, the page, the unread (each compiled once per
    thread) and one query per target type of either."""
    rows, page_obj = _page_rows(user, show, event, page)
    page_obj.object_list, bell = _with_bell(user, rows)
    return page_obj, bell


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
