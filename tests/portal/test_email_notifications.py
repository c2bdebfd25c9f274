"""Immediate notification e-mails through a real SMTP server (aiosmtpd): content, headers,
one-click unsubscribe, retries when the server is down, idempotency and undeliverable addresses."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from celery.exceptions import Retry
from django.contrib.admin.sites import site as admin_site
from django.test import Client, RequestFactory
from django.utils import timezone

from portal.notifications import Event
from portal.notifications import selectors as sel
from portal.notifications import services as svc
from portal.notifications.email import email_delivery_send
from portal.notifications.models import Delivery, EmailDelivery, UndeliverableAddress
from portal.notifications.tasks import email_notification, send_email, sweep
from portal.people.models import Membership
from tests.conftest import SmtpSink, _free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://keystone.harbourview.example"
    settings.SITE_NAME = "Keystone"
    settings.DEFAULT_FROM_EMAIL = "Keystone <noreply@harbourview.example>"


def _mention(recipient, actor, *, topic="Budget season", group_key=""):
    return svc.notify(
        recipient=recipient,
        event=Event.MENTION,
        text=f"{actor.display_name} mentioned you in “{topic}”",
        url="/boards/t/12/#post-40",
        actor=actor,
        group_key=group_key,
    )


def _parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_a_mention_is_e_mailed_with_content_headers_and_a_link_back(
    smtp_server, leader, other_leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        n = _mention(leader, other_leader)
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    message = received["message"]
    assert received["to"] == [leader.email]
    # (a long non-ASCII subject is folded onto the next header line; unfolding leaves a space)
    assert message["Subject"].strip() == "[Keystone] Olive Other mentioned you in “Budget season”"
    assert message["From"] == "Keystone <noreply@harbourview.example>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(message["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<https://keystone.harbourview.example/notifications/unsubscribe/")
    assert unsubscribe.endswith("/>")
    text, html = _parts(message)
    open_url = f"https://keystone.harbourview.example/notifications/{n.pk}/open/"
    for part in (text, html):
        assert "Hello Lee Leader" in part
        assert "mentioned you in" in part
        assert open_url in part
        assert unsubscribe[1:-1] in part
        assert "https://keystone.harbourview.example/notifications/settings/" in part
    assert "Keystone" in html and "<a href" in html
    delivery = EmailDelivery.objects.get(notification=n)
    assert delivery.status == EmailDelivery.Status.SENT and delivery.attempts == 1
    assert delivery.subject == "[Keystone] Olive Other mentioned you in “Budget season”"
    assert message["Message-ID"].strip() == delivery.headers["Message-ID"]


def test_the_unsubscribe_link_in_the_e_mail_works_without_signing_in(
    smtp_server, leader, other_leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _mention(leader, other_leader)
    header = str(smtp_server.messages[0]["message"]["List-Unsubscribe"]).strip()
    path = urlsplit(header.strip("<>")).path
    anonymous = Client(enforce_csrf_checks=True)
    assert "Stop these e-mails?" in anonymous.get(path).content.decode()
    response = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert sel.delivery_for(leader, Event.MENTION) == Delivery.IN_APP
    # The next mention stays in the portal only.
    with django_capture_on_commit_callbacks(execute=True):
        assert _mention(leader, other_leader, topic="Another") is not None
    assert len(smtp_server.messages) == 1


def test_running_the_task_again_never_sends_twice(
    smtp_server, leader, other_leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        n = _mention(leader, other_leader)
    delivery = EmailDelivery.objects.get(notification=n)
    assert email_notification(n.pk) == "nothing to send"
    assert send_email(delivery.pk) == "not-pending"
    assert email_delivery_send(delivery_id=delivery.pk) == "not-pending"
    assert len(smtp_server.messages) == 1


def test_a_burst_of_replies_before_the_e_mail_goes_is_one_e_mail(
    smtp_server, leader, other_leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            svc.notify(
                recipient=leader,
                event=Event.TOPIC_REPLY,
                text="Olive Other replied to “Budget season”",
                url="/boards/t/12/",
                actor=other_leader,
                group_key="topic-reply:12",
                group_text="{count} new replies to “Budget season”",
            )
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["message"]["Subject"].strip() == "[Keystone] 3 new replies to “Budget season”"
    # A fourth reply later is news: one more e-mail, with the new count.
    with django_capture_on_commit_callbacks(execute=True):
        svc.notify(
            recipient=leader,
            event=Event.TOPIC_REPLY,
            text="Olive Other replied again",
            actor=other_leader,
            group_key="topic-reply:12",
            group_text="{count} new replies to “Budget season”",
        )
    assert len(smtp_server.messages) == 2
    assert smtp_server.messages[-1]["message"]["Subject"].strip() == "[Keystone] 4 new replies to “Budget season”"


def test_read_before_the_e_mail_goes_means_no_e_mail(smtp_server, leader, other_leader):
    n = _mention(leader, other_leader)
    svc.notification_mark_read(user=leader, notification=n)
    assert email_notification(n.pk) == "nothing to send"
    assert smtp_server.messages == []


def test_digest_events_are_not_e_mailed_straight_away(smtp_server, leader, other_leader):
    n = svc.notify(recipient=leader, event=Event.REACTION, text="Olive reacted", actor=other_leader)
    assert email_notification(n.pk) == "nothing to send"
    assert smtp_server.messages == []


def test_removed_from_the_cohort_before_sending_cancels_the_e_mail(smtp_server, leader, other_leader, cohort):
    n = svc.notify(recipient=leader, event=Event.MENTION, text="Mention in Northern Lights", target=cohort)
    delivery_id = svc.notification_email_prepare(notification_id=n.pk)
    assert delivery_id is not None
    Membership.objects.filter(user=leader, cohort=cohort).delete()
    assert email_delivery_send(delivery_id=delivery_id) == "cancelled"
    assert smtp_server.messages == []


def test_a_deactivated_account_gets_no_e_mail_that_was_waiting(smtp_server, leader, other_leader):
    n = _mention(leader, other_leader)
    delivery_id = svc.notification_email_prepare(notification_id=n.pk)
    leader.is_active = False
    leader.save()
    assert email_delivery_send(delivery_id=delivery_id) == "cancelled"
    assert smtp_server.messages == []


def test_smtp_down_is_retried_and_delivered_once_when_the_server_is_back(settings, leader, other_leader):
    port = _free_port()  # nothing listens here yet
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    n = _mention(leader, other_leader)
    # The task fails to connect and asks Celery to retry it later (eager mode surfaces the Retry).
    with pytest.raises(Retry):
        email_notification(n.pk)
    delivery = EmailDelivery.objects.get(notification=n)
    assert delivery.status == EmailDelivery.Status.PENDING
    assert delivery.attempts == 1
    assert "Connection refused" in delivery.last_error
    with pytest.raises(Retry):
        send_email.delay(delivery.pk)  # a retry while still down: still pending, nothing lost
    sink = SmtpSink(port).start()
    try:
        # Later the retry chain has run out; the sweeper picks the pending e-mail up and sends it.
        with time_machine.travel(timezone.now() + timedelta(minutes=45)):
            assert sweep()["deliveries"] == 1
        with time_machine.travel(timezone.now() + timedelta(minutes=90)):
            sweep()  # nothing left to do: sent rows are never sent again
        assert send_email(delivery.pk) == "not-pending"
    finally:
        sink.stop()
    assert len(sink.messages) == 1
    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.SENT and delivery.attempts == 3 and delivery.last_error == ""


def test_permanent_refusal_is_marked_failed_not_retried_forever(settings, leader, other_leader):
    class Refuser:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 No such mailbox"

    from aiosmtpd.controller import Controller

    port = _free_port()
    controller = Controller(Refuser(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        n = _mention(leader, other_leader)
        email_notification(n.pk)
    finally:
        controller.stop()
    delivery = EmailDelivery.objects.get(notification=n)
    assert delivery.status == EmailDelivery.Status.FAILED
    assert "550" in delivery.last_error


def test_no_e_mail_to_an_undeliverable_address(smtp_server, leader, other_leader, admin_user):
    svc.undeliverable_mark(actor=admin_user, email=leader.email.upper(), reason="Bounced")
    n = _mention(leader, other_leader)
    assert email_notification(n.pk) == "nothing to send"
    assert smtp_server.messages == []


def test_marking_undeliverable_suppresses_e_mails_already_waiting(smtp_server, leader, other_leader, admin_user):
    n = _mention(leader, other_leader)
    delivery_id = svc.notification_email_prepare(notification_id=n.pk)
    svc.undeliverable_mark(actor=admin_user, email=leader.email)
    assert email_delivery_send(delivery_id=delivery_id) == "not-pending"
    assert EmailDelivery.objects.get(pk=delivery_id).status == EmailDelivery.Status.SUPPRESSED
    assert smtp_server.messages == []


def test_admin_action_marks_the_address_undeliverable(smtp_server, leader, other_leader, admin_user):
    from django.contrib.messages.storage.fallback import FallbackStorage

    n = _mention(leader, other_leader)
    delivery_id = svc.notification_email_prepare(notification_id=n.pk)
    model_admin = admin_site._registry[EmailDelivery]
    request = RequestFactory().post("/admin/notifications/emaildelivery/")
    request.user = admin_user
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin.mark_undeliverable(request, EmailDelivery.objects.filter(pk=delivery_id))
    assert UndeliverableAddress.objects.filter(email=leader.email).exists()
    assert sel.is_undeliverable(leader.email)
    # The preferences page tells the person why e-mail stopped.
    client = Client()
    client.force_login(leader)
    assert "We stopped e-mailing" in client.get("/notifications/settings/").content.decode()


def test_admin_changelists_render(admin_client, leader, other_leader):
    n = _mention(leader, other_leader)
    svc.notification_email_prepare(notification_id=n.pk)
    for path in (
        "/admin/notifications/emaildelivery/",
        "/admin/notifications/undeliverableaddress/",
        "/admin/notifications/digestrun/",
        "/admin/notifications/notification/",
    ):
        assert admin_client.get(path).status_code == 200, path


def test_a_worker_that_died_mid_send_does_not_lose_the_e_mail(smtp_server, leader, other_leader):
    n = _mention(leader, other_leader)
    delivery_id = svc.notification_email_prepare(notification_id=n.pk)
    # A worker claimed the row and died before finishing.
    EmailDelivery.objects.filter(pk=delivery_id).update(
        status=EmailDelivery.Status.SENDING, claimed_at=timezone.now(), attempts=1
    )
    assert email_delivery_send(delivery_id=delivery_id) == "not-pending"  # another worker leaves it alone
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        assert sweep()["deliveries"] == 1
    assert len(smtp_server.messages) == 1
    assert EmailDelivery.objects.get(pk=delivery_id).status == EmailDelivery.Status.SENT


def test_admin_can_send_a_refused_e_mail_again_but_never_a_sent_one(
    smtp_server, leader, other_leader, django_capture_on_commit_callbacks
):
    n = _mention(leader, other_leader)
    delivery_id = svc.notification_email_prepare(notification_id=n.pk)
    EmailDelivery.objects.filter(pk=delivery_id).update(status=EmailDelivery.Status.FAILED, last_error="550")
    with django_capture_on_commit_callbacks(execute=True):
        assert svc.email_deliveries_requeue(delivery_ids=[delivery_id]) == 1
    assert len(smtp_server.messages) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert svc.email_deliveries_requeue(delivery_ids=[delivery_id]) == 0
    assert len(smtp_server.messages) == 1
