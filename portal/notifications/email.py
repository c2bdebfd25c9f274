"""E-mail: rendering from templates, signed unsubscribe links, and sending a stored delivery once.

An e-mail is decided and rendered into an ``EmailDelivery`` row first (with a unique idempotency key),
then sent by a task. Sending claims the row (pending → sending) with one UPDATE, so two workers, a
retry and the sweeper can never send the same row twice; only a successful SMTP conversation marks
it sent. Temporary failures put it back to pending and raise, so Celery retries with back-off.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.notifications import permissions
from portal.notifications.models import EmailDelivery
from portal.notifications.selectors import is_undeliverable
from portal.people.models import User

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "portal.notifications.unsubscribe"
# A row claimed this long ago whose worker never finished (crashed mid-send) may be claimed again.
STALE_CLAIM = timedelta(minutes=10)


# ------------------------------------------------------------------ links
def absolute_url(path: str) -> str:
    """A link for an e-mail, where no request tells us the host: ``settings.SITE_URL`` + ``path``."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path if path.startswith('/') else '/' + path}"


def unsubscribe_token(user: User | int, scope: str) -> str:
    """A signed token naming a person and what to stop e-mailing them: an event type or ``digest:daily``."""
    user_id = user if isinstance(user, int) else user.pk
    return signing.dumps({"u": user_id, "s": scope}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, scope) of a token made by ``unsubscribe_token``; raises ``signing.BadSignature``."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("s"), str):
        raise signing.BadSignature("Malformed unsubscribe token.")
    return data["u"], data["s"]


def unsubscribe_url(user: User | int, scope: str) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user, scope)]))


def list_headers(unsubscribe: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058 one-click unsubscribe, and RFC 3834's mark of an automatic message."""
    return {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }


def new_message_id() -> str:
    """A Message-ID stored with the delivery, so every retry of one e-mail carries the same ID."""
    domain = urlsplit(settings.SITE_URL).hostname or "keystone.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


# ------------------------------------------------------------------ rendering
def render_email(name: str, context: dict, *, tz=None) -> tuple[str, str, str]:
    """(subject, text, html) from ``portal/email/<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``.

    Dates render in ``tz`` (the recipient's own time zone) when given.
    """
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    with timezone.override(tz or timezone.get_current_timezone()):
        subject = " ".join(render_to_string(f"portal/email/{name}_subject.txt", context).split())
        text = render_to_string(f"portal/email/{name}.txt", context).strip() + "\n"
        html = render_to_string(f"portal/email/{name}.html", context)
    return subject[:300], text, html


# ------------------------------------------------------------------ sending
class PermanentFailure(Exception):
    """The server refused the message for good (5xx): retrying would not help."""


def build_message(delivery: EmailDelivery) -> EmailMultiAlternatives:
    headers = dict(delivery.headers)
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_email],
        headers=headers,
        connection=get_connection(fail_silently=False),
    )
    message.attach_alternative(delivery.body_html, "text/html")
    return message


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def email_delivery_send(*, delivery_id: int) -> str:
    """Send one stored delivery at most once. Returns what happened.

    Guarantees: only the caller that claims the row sends it; a row already sent, suppressed or
    cancelled is left alone; an undeliverable address is never mailed; a temporary failure leaves the
    row pending and re-raises (the task retries); a permanent refusal marks it failed without retry.
    """
    now = timezone.now()
    claimable = Q(status=EmailDelivery.Status.PENDING) | Q(
        status=EmailDelivery.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    claimed = EmailDelivery.objects.filter(claimable, pk=delivery_id).update(
        status=EmailDelivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "not-pending"
    delivery = EmailDelivery.objects.select_related("recipient", "notification").get(pk=delivery_id)
    if delivery.recipient is not None and not delivery.recipient.is_active:
        _finish(delivery_id, EmailDelivery.Status.CANCELLED, "The person's account was deactivated.")
        return "cancelled"
    if is_undeliverable(delivery.to_email):
        _finish(delivery_id, EmailDelivery.Status.SUPPRESSED, "Address marked undeliverable.")
        return "suppressed"
    if delivery.notification_id is not None and not _notification_still_relevant(delivery):
        _finish(delivery_id, EmailDelivery.Status.CANCELLED, "The notification is read or no longer visible.")
        return "cancelled"
    try:
        build_message(delivery).send()
    except Exception as exc:
        if _is_permanent(exc):
            _finish(delivery_id, EmailDelivery.Status.FAILED, f"{type(exc).__name__}: {exc}")
            log.warning("E-mail %s refused permanently: %s", delivery.key, exc)
            return "failed"
        EmailDelivery.objects.filter(pk=delivery_id).update(
            status=EmailDelivery.Status.PENDING, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    _finish(delivery_id, EmailDelivery.Status.SENT, "", sent_at=timezone.now())
    return "sent"


def _finish(delivery_id: int, status: str, error: str, sent_at=None) -> None:
    EmailDelivery.objects.filter(pk=delivery_id).update(status=status, last_error=error[:2000], sent_at=sent_at)


def _notification_still_relevant(delivery: EmailDelivery) -> bool:
    """A notification e-mail goes out only while it is unread and its target is visible to the person."""
    notification = delivery.notification
    if notification is None or notification.read_at is not None or delivery.recipient is None:
        return False
    return permissions.notification_visible(delivery.recipient, notification)


def stalled_deliveries(*, older_than: timedelta = timedelta(minutes=11)) -> list[int]:
    """Pending rows nobody has tried for a while (their retry chain ended or the broker lost it),
    and rows stuck in 'sending' by a worker that died.

    A live retry chain tries at least every 10 minutes (``send_email``'s longest back-off), so a row
    untried for 11 minutes is due; the sweeper runs every 5 minutes, so it resumes within 5 minutes of that.
    """
    now = timezone.now()
    return list(
        EmailDelivery.objects.filter(
            Q(status=EmailDelivery.Status.PENDING, created_at__lt=now - timedelta(minutes=5))
            & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - older_than))
            | Q(status=EmailDelivery.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
