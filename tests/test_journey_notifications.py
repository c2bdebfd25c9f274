"""Journey in a real browser: leader A mentions leader B; B sees the bell count, opens the
notification, lands on the content, and moves mentions to the daily digest."""

import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from portal.models import Delivery, Notification
from portal.notifications import Event
from portal.selectors.notifications import delivery_for
from portal.services import notifications as svc


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_mention_bell_open_and_switch_to_daily_digest(page, live_server, login, leader, other_leader):
    author, reader = leader, other_leader
    target_path = f"/people/{author.pk}/"
    # The mention event as the forums create it (notify() after the post commits).
    with transaction.atomic():
        svc.notify(
            recipient=reader,
            event=Event.MENTION,
            text=f"{author.display_name} mentioned you in “How do you start a first post?”",
            url=target_path,
            actor=author,
        )

    login(page, reader)
    bell = page.locator("details.bell")
    expect(bell.locator(".bell__count")).to_have_text("1")

    bell.locator("summary").click()
    item = page.get_by_role("link", name=re.compile("Lee Leader mentioned you"))
    expect(item).to_be_visible()
    item.click()

    page.wait_for_url(f"{live_server.url}{target_path}")
    expect(page.locator("details.bell .bell__count")).to_have_count(0)  # read now: no count
    assert Notification.objects.get(recipient=reader).read_at is not None

    page.locator("details.bell summary").click()
    page.get_by_role("link", name="Notification settings").click()
    page.get_by_label("Mention", exact=True).select_option(label="Daily digest e-mail")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(page.get_by_label("Mention", exact=True)).to_have_value("daily")
    assert delivery_for(reader, Event.MENTION) == Delivery.DAILY
