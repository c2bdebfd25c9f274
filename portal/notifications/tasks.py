"""Notification jobs: immediate e-mails, digests at 08:00 local time, the sweeper, and invitation e-mails.

Tasks take ids, re-load rows and are idempotent: the e-mail of a notification and each digest have
an idempotency key, so a task that runs twice (retry, duplicate delivery, two beat runs) sends once.
"""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.conf import settings


@shared_task(name="portal.notifications.email_notification")
def email_notification(notification_id: int) -> str:
    """Decide and render the e-mail of one notification, then hand it to ``send_email``."""
    from portal.notifications.services import notification_email_prepare

    delivery_id = notification_email_prepare(notification_id=notification_id)
    if delivery_id is None:
        return "nothing to send"
    send_email.delay(delivery_id)
    return f"queued delivery {delivery_id}"


@shared_task(
    name="portal.notifications.send_email",
    bind=True,
    # SMTPException, refused connections and timeouts are all OSErrors: retry those, with back-off.
    autoretry_for=(OSError,),
    # With the default back-off (60 s): 1, 2, 4, 8, then every 10 minutes; with 8 retries 55 minutes in all, so a
    # mail server that is down for half an hour never exhausts them; then the sweeper (every 5 minutes) takes over.
    retry_backoff=settings.NOTIFICATION_EMAIL_RETRY_BACKOFF,
    retry_backoff_max=600,
    retry_jitter=False,
    max_retries=settings.NOTIFICATION_EMAIL_MAX_RETRIES,
)
def send_email(self, delivery_id: int) -> str:
    """Send one stored e-mail at most once; a temporary failure raises and Celery retries later.

    When the retries run out the row stays pending and the sweeper starts a new chain, so an e-mail
    is never lost while the mail server is down.
    """
    from portal.notifications.email import email_delivery_send

    return email_delivery_send(delivery_id=delivery_id)


@shared_task(name="portal.notifications.send_due_digests")
def send_due_digests() -> int:
    """Beat, every 15 minutes: queue each digest whose 08:00 (local) has passed and is not yet settled."""
    from portal.notifications.selectors import due_digests

    due = due_digests()
    for user_id, kind, period_start in due:
        send_digest.delay(user_id, kind, period_start.isoformat())
    return len(due)


@shared_task(name="portal.notifications.send_digest")
def send_digest(user_id: int, kind: str, period_start: str) -> str:
    """Build and queue one person's digest for one period (once: the run is unique per period)."""
    from portal.notifications.services import digest_send

    run = digest_send(user_id=user_id, kind=kind, period_start=date.fromisoformat(period_start))
    if run is None:
        return "already settled"
    return f"{run.item_count} items" if run.delivery_id else "nothing to say"


@shared_task(name="portal.notifications.sweep")
def sweep() -> dict:
    """Beat, every 5 minutes: restart e-mails whose retries ran out or whose task the broker lost."""
    from portal.notifications.email import stalled_deliveries
    from portal.notifications.services import immediate_emails_missed

    deliveries = stalled_deliveries()
    for delivery_id in deliveries:
        send_email.delay(delivery_id)
    notifications = immediate_emails_missed()
    for notification_id in notifications:
        email_notification.delay(notification_id)
    return {"deliveries": len(deliveries), "notifications": len(notifications)}


# Invitation e-mails are people's, sent here: notifications keep the list of undeliverable addresses and
# build on people (a people module asking notifications would make the two import each other). People's
# services enqueue the job by its name, which stays "portal.tasks.send_invitation_email".
@shared_task(
    name="portal.tasks.send_invitation_email",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_kwargs={"max_retries": 8},
)
def send_invitation_email(invitation_id: int) -> bool:
    """E-mail an invitation's link. Returns whether a message went out.

    Re-loads the row: an invitation withdrawn, accepted or expired meanwhile gets no e-mail, nor
    does an address marked undeliverable (bounced, or asked not to be mailed). A mail server that is
    down (OSError: refused, timed out) is retried with back-off.
    """
    from portal.notifications.selectors import is_undeliverable
    from portal.people.models import Invitation
    from portal.people.services.invitations import invitation_email_message

    invitation = Invitation.objects.select_related("cohort", "invited_by__profile").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_usable or is_undeliverable(invitation.email):
        return False
    invitation_email_message(invitation).send()
    return True
