"""Notification e-mails through the real Celery worker process and a real SMTP server.

The worker is a separate process started by the ``celery_worker`` fixture; its EMAIL_URL points at
the ``worker_smtp`` server's port, which a test starts (or, to play "mail server down", starts late).
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from portal.notifications import Event
from portal.notifications import services as svc
from portal.notifications.models import DigestRun, EmailDelivery, Notification
from portal.notifications.tasks import send_due_digests
from tests.conftest import wait_for
from tests.factories import UserFactory

pytestmark = pytest.mark.worker


@pytest.fixture(autouse=True)
def _no_delay(settings):
    settings.NOTIFICATION_EMAIL_DELAY = 0


def _mention(recipient, actor):
    with transaction.atomic():  # as inside a forum service: the e-mail task is queued on commit
        return svc.notify(
            recipient=recipient,
            event=Event.MENTION,
            text=f"{actor.display_name} mentioned you in “Quarterly plan”",
            url="/boards/t/3/#post-9",
            actor=actor,
        )


def test_a_mention_is_e_mailed_by_the_worker(celery_worker, worker_smtp):
    worker_smtp.start()
    author = UserFactory(profile__display_name="Avery Author")
    reader = UserFactory(profile__display_name="Robin Reader")
    n = _mention(reader, author)
    wait_for(lambda: len(worker_smtp.messages) == 1, timeout=60)
    message = worker_smtp.messages[0]["message"]
    assert worker_smtp.messages[0]["to"] == [reader.email]
    assert "Avery Author mentioned you" in str(message["Subject"])
    assert str(message["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"
    assert f"/notifications/{n.pk}/open/" in message.get_body(preferencelist=("plain",)).get_content()
    # The worker marks the row sent right after the SMTP conversation ends.
    wait_for(lambda: EmailDelivery.objects.filter(notification=n, status=EmailDelivery.Status.SENT).exists())


def test_smtp_down_the_worker_retries_and_delivers_once_when_it_is_back(celery_worker, worker_smtp):
    author = UserFactory(profile__display_name="Avery Author")
    reader = UserFactory(profile__display_name="Robin Reader")
    n = _mention(reader, author)  # nothing listens on the SMTP port yet
    failed = wait_for(
        lambda: EmailDelivery.objects.filter(notification=n, attempts__gte=1, last_error__icontains="refused").first(),
        timeout=60,
    )
    assert failed.status == EmailDelivery.Status.PENDING
    worker_smtp.start()
    wait_for(
        lambda: EmailDelivery.objects.filter(notification=n, status=EmailDelivery.Status.SENT).exists(), timeout=90
    )
    assert len(worker_smtp.messages) == 1
    delivery = EmailDelivery.objects.get(notification=n)
    assert delivery.attempts >= 2


def test_the_digest_job_runs_on_the_worker_once_per_period(celery_worker, worker_smtp):
    worker_smtp.start()
    person = UserFactory(profile__display_name="Dana Digest", profile__timezone="Europe/London")
    peer = UserFactory(profile__display_name="Pat Peer")
    with transaction.atomic():
        svc.notify(recipient=person, event=Event.REACTION, text="Pat Peer reacted to your post", actor=peer)
    # It arrived well before the latest 08:00 in the person's zone.
    Notification.objects.filter(recipient=person).update(updated_at=timezone.now() - timedelta(days=2))
    _, log = celery_worker
    settled_before = log.read_text().count("'already settled'")
    send_due_digests.delay()
    send_due_digests.delay()  # beat fired twice (or two beats ran): both queue this person's digest
    wait_for(lambda: EmailDelivery.objects.filter(recipient=person, status="sent").exists(), timeout=60)
    # The second digest task reached the worker and found the period settled.
    wait_for(lambda: log.read_text().count("'already settled'") > settled_before, timeout=30)
    assert DigestRun.objects.filter(user=person).count() == 1
    assert [m["to"] for m in worker_smtp.messages] == [[person.email]]
    assert "Your daily digest" in str(worker_smtp.messages[0]["message"]["Subject"])
