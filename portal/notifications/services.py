"""Notifications: creating events, reading them, preferences, unsubscribing, e-mails and digests.

Apps create events with ``notify``; everything else here is delivery. Writes happen in
``transaction.atomic`` and follow-up e-mails are enqueued with ``portal.jobs.enqueue_on_commit``, so a rolled
back write never e-mails anybody.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

import metrics
from metrics.payloads import NotificationSettingsPayload
from metrics.verbs import Verb
from portal.jobs import backfilling, enqueue_on_commit
from portal.notifications import Event, is_muted, permissions
from portal.notifications import email as mail
from portal.notifications import selectors as sel
from portal.notifications.models import (
    Delivery,
    DigestRun,
    EmailDelivery,
    Notification,
    NotificationPreference,
    UndeliverableAddress,
)
from portal.people.models import Follow, Invitation, User

log = logging.getLogger(__name__)

DIGEST_LOOKBACK = timedelta(days=14)
DIGEST_MAX_ITEMS = 50


# ------------------------------------------------------------------ creating events
def notify(
    *,
    recipient: User,
    event: Event | str,
    text: str,
    url: str = "",
    actor: User | None = None,
    target: models.Model | None = None,
    group_key: str = "",
    group_text: str = "",
) -> Notification | None:
    """Create (or group into) a notification for ``recipient``.

    Guarantees: nobody is notified of their own action, nor when inactive, nor about a ``target``
    they may not see, nor for an event type they switched off; while a notification with the same
    ``group_key`` is unread, a new event increments its count instead of adding a row (it then
    reads as ``group_text`` with ``{count}`` replaced, e.g. "{count} people reacted to your post",
    or the event's default wording). When the person wants e-mail straight away, an e-mail task is
    enqueued after the surrounding transaction commits.
    """
    event = Event(event)
    if actor is not None and actor.pk == recipient.pk:
        return None
    if not recipient.is_active:
        return None
    if target is not None and not permissions.target_visible(recipient, target):
        return None
    # feat (issue 17): a muted topic or person produces no notification at all.
    if is_muted(recipient, actor=actor, target=target):
        return None
    delivery = sel.delivery_for(recipient, event.value)
    if delivery == Delivery.OFF:
        return None
    notification = _create_or_group(
        recipient=recipient,
        event=event,
        text=text,
        url=url,
        actor=actor,
        target=target,
        group_key=group_key,
        group_text=group_text,
    )
    if notification is not None and delivery == Delivery.IMMEDIATE:
        _enqueue_email(notification)
    return notification


def _create_or_group(*, recipient, event, text, url, actor, target, group_key, group_text) -> Notification | None:
    now = timezone.now()
    unread_group = Notification.objects.filter(recipient=recipient, group_key=group_key, read_at__isnull=True)
    if group_key:
        updated = unread_group.update(
            count=F("count") + 1, updated_at=now, actor=actor, text=text[:300], url=url or F("url")
        )
        if updated:
            return unread_group.first()
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=recipient,
                event=event.value,
                actor=actor,
                target_type=ContentType.objects.get_for_model(target) if target is not None else None,
                target_id=target.pk if target is not None else None,
                url=url,
                text=text[:300],
                group_key=group_key,
                group_text=group_text[:300],
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        # Another request created the group's row a moment ago: join it.
        unread_group.update(count=F("count") + 1, updated_at=now)
        return unread_group.first()


def _enqueue_email(notification: Notification) -> None:
    """After the commit, through the job outbox (a broker outage delays the e-mail, never loses it).

    A notification of a back-dated history (``seed_demo`` writes it inside ``portal.jobs.backfill``,
    dated before the seed began) gets no e-mail: it is settled as the e-mail task settles one it
    decides not to send (``emailed_count``), so no sweeper sends it later; rendering it would only
    produce an e-mail nobody receives.
    """
    backfill = backfilling()
    if backfill is not None and notification.updated_at < backfill.started_at:
        Notification.objects.filter(pk=notification.pk).update(emailed_count=F("count"))
        backfill.note("history e-mails not rendered")
        return
    enqueue_on_commit(
        "portal.notifications.email_notification", notification.pk, countdown=settings.NOTIFICATION_EMAIL_DELAY
    )


# ------------------------------------------------------------------ people's hooks (registered in apps.py)
def new_follower_notify(follow: Follow) -> None:
    """Tell a person someone started following them, in the follow's transaction (grouped while unread)."""
    actor, followee = follow.follower, follow.followee
    notify(
        recipient=followee,
        event=Event.NEW_FOLLOWER,
        text=f"{actor.display_name} started following you.",
        url=reverse("people:profile", args=[actor.pk]),
        actor=actor,
        target=follow,
        group_key=f"followers:{followee.pk}",
    )


def invitation_notify(invitation: Invitation, person: User) -> None:
    """Tell a person who already has an account that they were invited to a cohort (in its transaction)."""
    actor = invitation.invited_by
    inviter = actor.display_name if actor is not None else "Someone"
    notify(
        recipient=person,
        event=Event.INVITATION,
        text=f"{inviter} invited you to join {invitation.cohort.name}.",
        url=invitation.get_absolute_url(),
        actor=actor,
        target=invitation,
    )


# ------------------------------------------------------------------ reading
def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the person's own notifications read (idempotent). Not an activity: housekeeping."""
    if notification.recipient_id != user.pk:
        raise ValidationError("This is not your notification.")
    if notification.read_at is None:
        with transaction.atomic():
            now = timezone.now()
            Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
            notification.read_at = now
    return notification


def notification_open(*, user: User, notification: Notification) -> Notification:
    """The person followed a notification to its content: mark it read and record that it brought them back."""
    from portal.people.services.people import primary_cohort

    if notification.recipient_id != user.pk:
        raise ValidationError("This is not your notification.")
    with transaction.atomic():
        was_unread = notification.read_at is None
        notification_mark_read(user=user, notification=notification)
        if was_unread:
            metrics.record(
                actor=user,
                verb=Verb.NOTIFICATION_OPENED,
                target=notification,
                cohort=primary_cohort(user),
                data={"event": notification.event},
            )
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the person read; returns how many."""
    with transaction.atomic():
        return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


# ------------------------------------------------------------------ preferences and unsubscribing
def notification_preferences_update(*, user: User, choices: dict[str, str]) -> dict[str, str]:
    """Store the person's delivery for each event type in ``choices``; returns what changed.

    Guarantees: unknown events or deliveries raise ValidationError and nothing is written.
    """
    from portal.people.services.people import primary_cohort

    events = {e.value for e in Event}
    deliveries = {d.value for d in Delivery}
    bad = [e for e, d in choices.items() if e not in events or d not in deliveries]
    if bad:
        raise ValidationError(f"Unknown notification setting: {', '.join(sorted(bad))}.")
    current = sel.delivery_choices(user)
    changed = {e: d for e, d in choices.items() if current.get(e) != d}
    if not changed:
        return {}
    with transaction.atomic():
        now = timezone.now()
        for event, delivery in changed.items():
            NotificationPreference.objects.update_or_create(
                user=user, event=event, defaults={"delivery": delivery, "updated_at": now}
            )
        payload: NotificationSettingsPayload = {"changed": changed}
        metrics.record(
            actor=user,
            verb=Verb.NOTIFICATION_SETTINGS_CHANGED,
            target=user,
            cohort=primary_cohort(user),
            data=payload,
        )
    return changed


def unsubscribe_scope_label(scope: str) -> str:
    """What an unsubscribe link stops, in words ("the daily digest e-mail", "e-mails for “Mention”")."""
    if scope in ("digest:daily", "digest:weekly"):
        return f"the {scope.split(':', 1)[1]} digest e-mail"
    try:
        return f"e-mails for “{Event(scope).label}”"
    except ValueError:
        return "these e-mails"


def notification_unsubscribe(*, user: User, scope: str) -> dict[str, str]:
    """Stop the e-mails a signed unsubscribe link names; the events stay visible in the portal.

    ``scope`` is an event type (that event goes to "in the portal only") or ``digest:daily`` /
    ``digest:weekly`` (every event in that digest goes to "in the portal only"). Idempotent: a second
    use changes nothing and still succeeds.
    """
    from portal.people.services.people import primary_cohort

    chosen = sel.delivery_choices(user)
    if scope in ("digest:daily", "digest:weekly"):
        kind = scope.split(":", 1)[1]
        events = [e for e, d in chosen.items() if d == kind]
    elif scope in chosen:
        events = [scope] if chosen[scope] in (Delivery.IMMEDIATE, Delivery.DAILY, Delivery.WEEKLY) else []
    else:
        raise ValidationError("This unsubscribe link names nothing we send.")
    with transaction.atomic():
        changed = notification_preferences_update(user=user, choices=dict.fromkeys(events, Delivery.IN_APP.value))
        metrics.record(
            actor=user, verb=Verb.UNSUBSCRIBED, target=user, cohort=primary_cohort(user), data={"scope": scope}
        )
    return changed


def undeliverable_mark(*, actor: User | None, email: str, reason: str = "") -> UndeliverableAddress:
    """Stop all e-mail to ``email`` (it bounced, or its owner asked); pending e-mails to it are suppressed."""
    address = email.strip().lower()
    with transaction.atomic():
        row, _ = UndeliverableAddress.objects.get_or_create(
            email=address, defaults={"reason": reason[:300], "marked_by": actor}
        )
        EmailDelivery.objects.filter(
            to_email__iexact=address, status__in=[EmailDelivery.Status.PENDING, EmailDelivery.Status.FAILED]
        ).update(status=EmailDelivery.Status.SUPPRESSED, last_error="Address marked undeliverable.")
    return row


def undeliverable_clear(*, email: str) -> int:
    """Allow e-mail to ``email`` again (the person fixed their mailbox)."""
    with transaction.atomic():
        deleted, _ = UndeliverableAddress.objects.filter(email__iexact=email.strip()).delete()
    return deleted


# ------------------------------------------------------------------ immediate e-mails
def notification_email_prepare(*, notification_id: int) -> int | None:
    """Decide and render the e-mail for one notification; returns the delivery id to send, or None.

    Guarantees: nothing for a read notification, an inactive person, an undeliverable address, a
    target they can no longer see, or an event they no longer want by immediate e-mail. The
    idempotency key ``notification:<id>:<count>`` makes a burst of grouped events (several tasks
    seeing the same count) and a re-run of this task produce one e-mail, not several.
    """
    notification = (
        Notification.objects.select_related("recipient", "recipient__profile", "actor", "actor__profile")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.read_at is not None:
        return None
    recipient = notification.recipient
    if not recipient.is_active or notification.count <= notification.emailed_count:
        return None
    if sel.delivery_for(recipient, notification.event) != Delivery.IMMEDIATE:
        return None
    if sel.is_undeliverable(recipient.email) or not permissions.notification_visible(recipient, notification):
        # Settled: no e-mail about this now, and the sweeper need not look at it again.
        Notification.objects.filter(pk=notification.pk).update(emailed_count=notification.count)
        return None
    key = f"notification:{notification.pk}:{notification.count}"
    existing = EmailDelivery.objects.filter(key=key).values_list("pk", "status").first()
    if existing:
        return existing[0] if existing[1] == EmailDelivery.Status.PENDING else None
    unsubscribe = mail.unsubscribe_url(recipient, notification.event)
    subject, text, html = mail.render_email(
        "notification",
        {
            "recipient": recipient,
            "notification": notification,
            "event_label": Event(notification.event).label if notification.event in Event.values else "",
            "open_url": mail.absolute_url(reverse("notifications:open", args=[notification.pk])),
            "preferences_url": mail.absolute_url(reverse("notifications:preferences")),
            "unsubscribe_url": unsubscribe,
        },
    )
    try:
        with transaction.atomic():
            delivery = EmailDelivery.objects.create(
                key=key,
                kind=EmailDelivery.Kind.NOTIFICATION,
                recipient=recipient,
                to_email=recipient.email,
                notification=notification,
                subject=subject,
                body_text=text,
                body_html=html,
                headers={**mail.list_headers(unsubscribe), "Message-ID": mail.new_message_id()},
            )
            Notification.objects.filter(pk=notification.pk, emailed_count__lt=notification.count).update(
                emailed_count=notification.count
            )
    except IntegrityError:
        return None  # a concurrent run created it first and sends it
    return delivery.pk


def immediate_emails_missed(*, now: datetime | None = None) -> list[int]:
    """Unread notifications due an immediate e-mail that never got one (the broker was down when
    they were created): the sweeper hands them to the e-mail task again."""
    now = now or timezone.now()
    settle = timedelta(seconds=settings.NOTIFICATION_EMAIL_DELAY) + timedelta(minutes=10)
    rows = list(
        Notification.objects.filter(
            read_at__isnull=True,
            count__gt=F("emailed_count"),
            updated_at__lt=now - settle,
            updated_at__gte=now - timedelta(days=1),
        ).values_list("pk", "recipient_id", "event")[:1000]
    )
    choices = sel.deliveries_for_users({uid for _, uid, _ in rows})
    return [pk for pk, uid, event in rows if sel.effective(choices[uid], event) == Delivery.IMMEDIATE]


# ------------------------------------------------------------------ digests
def digest_send(*, user_id: int, kind: str, period_start: date) -> DigestRun | None:
    """Build the person's digest for one period and queue its e-mail; None if that period is done.

    Guarantees: at most one run per (person, kind, period) — a second job run or a duplicated task
    hits the unique constraint and sends nothing; the digest holds the unread, visible notifications
    set to this digest that arrived before the period's send time and were not in an earlier
    e-mail; nothing is sent when there is nothing to say (the run is still recorded, so the period is
    settled); the included notifications are marked digested in the same transaction.
    """
    user = User.objects.select_related("profile").filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    cutoff = sel.digest_cutoff(kind, period_start, sel.user_timezone(user))
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = DigestRun.objects.create(user=user, kind=kind, period_start=period_start)
        except IntegrityError:
            return None
        chosen = sel.delivery_choices(user)
        events = [e for e, d in chosen.items() if d == kind]
        candidates = (
            Notification.objects.filter(
                recipient=user,
                event__in=events,
                read_at__isnull=True,
                updated_at__lte=cutoff,
                updated_at__gte=cutoff - DIGEST_LOOKBACK,
                count__gt=F("emailed_count"),
            )
            .filter(Q(digested_at__isnull=True) | Q(digested_at__lt=F("updated_at")))
            .select_related("actor", "actor__profile")
            .order_by("-updated_at")
        )
        items = permissions.filter_visible(user, candidates)
        if not items or sel.is_undeliverable(user.email):
            return run
        shown = items[:DIGEST_MAX_ITEMS]
        unsubscribe = mail.unsubscribe_url(user, f"digest:{kind}")
        subject, text, html = mail.render_email(
            "digest",
            {
                "recipient": user,
                "kind": kind,
                "period_start": period_start,
                "sections": _digest_sections(shown),
                "total": len(items),
                "more": len(items) - len(shown),
                "list_url": mail.absolute_url(reverse("notifications:list") + "?show=unread"),
                "preferences_url": mail.absolute_url(reverse("notifications:preferences")),
                "unsubscribe_url": unsubscribe,
            },
            tz=sel.user_timezone(user),
        )
        delivery = EmailDelivery.objects.create(
            key=f"digest:{user.pk}:{kind}:{period_start.isoformat()}",
            kind=EmailDelivery.Kind.DIGEST,
            recipient=user,
            to_email=user.email,
            subject=subject,
            body_text=text,
            body_html=html,
            headers={**mail.list_headers(unsubscribe), "Message-ID": mail.new_message_id()},
        )
        now = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(digested_at=now)
        run.item_count = len(items)
        run.delivery = delivery
        run.save(update_fields=["item_count", "delivery"])
        delivery_id = delivery.pk
        _enqueue_send(delivery_id)
    return run


def _digest_sections(items: list[Notification]) -> list[dict]:
    """The digest's items under the headings of the preferences page, in that order."""
    grouped: dict[str, list[dict]] = {title: [] for title, _ in sel.SECTIONS}
    for n in items:
        grouped[sel.section_of(n.event)].append(
            {
                "headline": n.headline,
                "actor": n.actor,
                "when": n.updated_at,
                "url": mail.absolute_url(reverse("notifications:open", args=[n.pk])),
            }
        )
    return [{"title": title, "items": rows} for title, rows in grouped.items() if rows]


def _enqueue_send(delivery_id: int) -> None:
    """After the commit, through the job outbox."""
    enqueue_on_commit("portal.notifications.send_email", delivery_id)


def email_deliveries_requeue(*, delivery_ids: list[int]) -> int:
    """Try failed or waiting e-mails again now (an admin fixed the cause); sent ones are never resent."""
    with transaction.atomic():
        ids = list(
            EmailDelivery.objects.filter(
                pk__in=delivery_ids, status__in=[EmailDelivery.Status.PENDING, EmailDelivery.Status.FAILED]
            ).values_list("pk", flat=True)
        )
        EmailDelivery.objects.filter(pk__in=ids).update(status=EmailDelivery.Status.PENDING, claimed_at=None)
        for delivery_id in ids:
            _enqueue_send(delivery_id)
    return len(ids)
