"""A real browser through issue 17's everyday features: a leader starts a topic with a poll and votes, a
colleague on a phone votes and sees the results, saves the opening post and finds it on the Saved page, then
mutes the topic and hears nothing more from it."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from forums.models import Bookmark, Mute, PollBallot, Topic
from forums.services import post_reply
from metrics.models import Activity
from metrics.verbs import Verb
from portal.notifications.models import Notification
from tests.factories import BoardFactory
from tests.journeys import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("FEAT_SCREENSHOTS", "")) if os.environ.get("FEAT_SCREENSHOTS") else None


def shot(page, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_poll_vote_results_bookmark_saved_page_and_mute(browser, live_server, login, leader, other_leader, cohort):
    BoardFactory(cohort=cohort, title="Northern Lights lounge", slug="lounge")

    # --- the leader starts a topic with a poll from the composer
    asker = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = asker.new_page()
    login(page, leader)
    page.goto(f"{live_server.url}/boards/lounge/new/")
    page.get_by_label("Title").fill("Which day suits our monthly learning hour?")
    editor = page.locator(".prose-editor > .ProseMirror")
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.type("Vote below, and say why in a reply.")
    page.get_by_text("Add a poll", exact=True).click()
    page.get_by_label("Add a poll to this topic").check()
    page.get_by_label("Poll question").fill("Which day works best?")
    page.get_by_label("Options, one per line").fill("Monday\nWednesday\nFriday")
    shot(page, "composer-poll-1280")
    submit(page, "Post topic", page.get_by_role("heading", name="Which day suits our monthly learning hour?"))
    poll = page.locator("#poll")
    expect(poll.get_by_role("heading", name="Which day works best?")).to_be_visible()
    expect(poll).to_contain_text("Results show after you vote.")
    topic = Topic.objects.get()

    # --- the leader votes (htmx swaps the poll in place) and sees the results
    poll.get_by_label("Wednesday").check()
    poll.get_by_role("button", name="Vote").click()
    expect(page.locator("#poll")).to_contain_text("Your vote")
    expect(page.locator("#poll")).to_contain_text("1 vote (100%)")
    expect(page.locator("#poll").get_by_role("button", name="Vote")).to_have_count(0)
    shot(page, "poll-results-1280")

    # --- a colleague on a phone votes, then saves the opening post
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page2 = phone.new_page()
    login(page2, other_leader)
    page2.goto(f"{live_server.url}{topic.get_absolute_url()}")
    poll2 = page2.locator("#poll")
    expect(poll2).to_contain_text("1 person has voted")
    expect(poll2.locator(".poll__results")).to_have_count(0)  # no results before voting
    poll2.get_by_label("Monday").check()
    poll2.get_by_role("button", name="Vote").click()
    expect(page2.locator("#poll")).to_contain_text("2 people have voted")
    expect(page2.locator("#poll")).to_contain_text("1 vote (50%)")
    shot(page2, "poll-results-390")
    assert PollBallot.objects.count() == 2
    assert Activity.objects.filter(verb=Verb.POLL_VOTED).count() == 2

    save = page2.locator("#post-1").get_by_role("button", name=re.compile(r"^Save"))
    save.click()
    expect(page2.locator("#post-1").get_by_role("button", name=re.compile(r"^Saved"))).to_be_visible()
    assert Bookmark.objects.filter(user=other_leader).count() == 1

    # ... and finds it through the user menu's "Saved" page
    page2.locator(".nav-toggle").click() if page2.locator(".nav-toggle").is_visible() else None
    page2.locator(".user-menu > summary").click()
    page2.get_by_role("link", name="Saved", exact=True).click()
    expect(page2.get_by_role("heading", name="Saved", exact=True)).to_be_visible()
    expect(page2.get_by_role("link", name="Which day suits our monthly learning hour?")).to_be_visible()
    expect(page2.locator(".saved-item")).to_contain_text("Vote below, and say why in a reply.")
    shot(page2, "saved-390")

    # --- the colleague replied earlier (so they watch the topic) and hears of the next reply ...
    post_reply(actor=other_leader, topic=topic, body="<p>Monday clears the week.</p>")
    post_reply(actor=leader, topic=topic, body="<p>Good point about Monday.</p>")
    assert Notification.objects.filter(recipient=other_leader).count() == 1

    # ... then mutes the topic, and a reply mentioning them brings nothing new
    page2.goto(f"{live_server.url}{topic.get_absolute_url()}")
    page2.get_by_role("button", name="Mute topic").click()
    expect(page2.locator(".message--success")).to_contain_text("Topic muted")
    expect(page2.get_by_role("button", name="Unmute topic")).to_be_visible()
    assert Mute.objects.filter(user=other_leader, topic=topic).exists()
    post_reply(actor=leader, topic=topic, body=f"<p>@{other_leader.display_name} what about Fridays?</p>")
    assert Notification.objects.filter(recipient=other_leader).count() == 1
    page2.goto(f"{live_server.url}/notifications/")
    expect(page2.locator(".notification-list .notification")).to_have_count(1)
    expect(page2.locator(".notification-list")).not_to_contain_text("mentioned you")

    # the board list shows the muted topic collapsed
    page2.goto(f"{live_server.url}/boards/lounge/")
    expect(page2.locator(".topic-row--muted")).to_have_count(1)
    expect(page2.locator(".topic-row--muted")).to_contain_text("Muted")
    shot(page2, "board-muted-390")
    asker.close()
    phone.close()
