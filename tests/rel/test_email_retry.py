"""E-mail retries span a long SMTP outage; the sweeper resumes a chain within minutes of it ending."""

from datetime import timedelta

import pytest
from celery.utils.time import get_exponential_backoff_interval
from django.utils import timezone

from portal.celery import app
from portal.notifications.email import stalled_deliveries
from portal.notifications.models import EmailDelivery
from portal.notifications.tasks import send_email
from portal.settings import base as product_settings
from tests.factories import UserFactory


def test_send_retries_back_off_to_at_least_thirty_minutes_in_all(settings):
    # The suite retries after 2 s (portal.settings.test); the product's default back-off is what must span an outage.
    assert send_email.retry_backoff == settings.NOTIFICATION_EMAIL_RETRY_BACKOFF
    delays = [
        get_exponential_backoff_interval(
            factor=product_settings.NOTIFICATION_EMAIL_RETRY_BACKOFF,
            retries=n,
            maximum=send_email.retry_backoff_max,
            full_jitter=False,
        )
        for n in range(send_email.max_retries)
    ]
    assert not send_email.retry_jitter  # no random early retries eating the budget
    assert sum(delays) >= 30 * 60
    assert max(delays) <= 10 * 60  # a live chain tries at least every 10 minutes


def test_the_email_sweeper_runs_every_five_minutes():
    schedule = app.conf.beat_schedule["notification-email-sweep"]["schedule"]
    assert sorted(schedule.minute) == list(range(0, 60, 5))


@pytest.mark.django_db
def test_a_pending_email_whose_chain_ended_is_picked_up_but_a_live_chain_is_left_alone():
    user = UserFactory()
    now = timezone.now()

    def delivery(key, claimed_minutes_ago):
        row = EmailDelivery.objects.create(
            key=key,
            kind=EmailDelivery.Kind.NOTIFICATION,
            recipient=user,
            to_email=user.email,
            subject="s",
            body_text="b",
        )
        EmailDelivery.objects.filter(pk=row.pk).update(
            created_at=now - timedelta(hours=1), claimed_at=now - timedelta(minutes=claimed_minutes_ago)
        )
        return row.pk

    live = delivery("live", 9)  # tried 9 minutes ago: its chain's next try is at most 10 minutes apart
    ended = delivery("ended", 12)  # last tried 12 minutes ago: the chain is over (or lost)
    found = stalled_deliveries()
    assert ended in found and live not in found
