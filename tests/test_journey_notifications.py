"""Journey in a real browser: leader A mentions leader B in a forum post; B sees the bell count,
opens the notification, lands on the post, and moves mentions to the daily digest."""

import re

import pytest
from playwright.sync_api import expect

from forums.services import post_reply, topic_create
from portal.notifications import Event
from portal.notifications.models import Delivery, Notification
from portal.notifications.selectors import delivery_for
from tests.factories.forums import BoardFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_mention_bell_open_and_switch_to_daily_digest(page, live_server, login, leader, other_leader, cohort):
    author, reader = leader, other_leader
    board = BoardFactory(cohort=cohort, title="Northern Lights lounge", slug="lounge")
    # The forum services create the mention event after the post commits (eager tasks in tests).
    topic = topic_create(
        actor=reader, board=board, title="How do you start a first post?", body="<p>Nervous about this.</p>"
    )
    post = post_reply(actor=author, topic=topic, body="<p>@Olive Other, start with a question you really have.</p>")
    mention = Notification.objects.get(recipient=reader, event=Event.MENTION)
    assert "Lee Leader mentioned you" in mention.text

    login(page, reader)
    bell = page.locator("details.bell")
    expect(bell.locator(".bell__count")).to_have_text("1")

    bell.locator("summary").click()
    item = page.get_by_role("link", name=re.compile("Lee Leader mentioned you"))
    expect(item).to_be_visible()
    item.click()

    page.wait_for_url(re.compile(rf"/boards/t/{topic.pk}/.*#post-{post.number}$"))
    expect(page.get_by_text("start with a question you really have")).to_be_visible()
    expect(page.locator("details.bell .bell__count")).to_have_count(0)  # read now: no count
    mention.refresh_from_db()
    assert mention.read_at is not None

    page.locator("details.bell summary").click()
    page.get_by_role("link", name="Notification settings").click()
    page.get_by_label("Mention", exact=True).select_option(label="Daily digest e-mail")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(page.get_by_label("Mention", exact=True)).to_have_value("daily")
    assert delivery_for(reader, Event.MENTION) == Delivery.DAILY
