"""A real browser through the boards: a leader asks a question with formatting and a mention, a colleague quotes
and reacts, the asker accepts the answer, a flag reaches the facilitator, who hides the post from the queue."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from forums.models import Flag, Post, Reaction, Topic
from tests.factories import BoardFactory
from tests.journeys import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_with_session(page, live_server, user):
    """Facilitators use TOTP; the journey signs them in with a session made by the test client instead."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_question_quote_react_accept_flag_and_hide(
    browser, live_server, login, leader, other_leader, facilitator, cohort
):
    BoardFactory(cohort=cohort, title="Northern Lights lounge", slug="lounge", guidelines="Be kind.")

    # --- the leader opens the board and asks a question with formatting and a mention
    asker = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = asker.new_page()
    login(page, leader)
    page.goto(f"{live_server.url}/boards/")
    page.get_by_role("link", name="Northern Lights lounge").first.click()
    expect(page.get_by_role("heading", name="Northern Lights lounge", exact=True)).to_be_visible()
    page.get_by_role("link", name="Start a topic").click()
    page.get_by_label("Title").fill("How do you keep posts short without sounding curt?")
    page.get_by_label("A question: you can mark the reply that answers it").check()
    editor = page.locator(".prose-editor > .ProseMirror")
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.type("I want to write ")
    page.keyboard.press("Control+b")
    page.keyboard.type("shorter")
    page.keyboard.press("Control+b")
    page.keyboard.type(" updates. What do you think, @Oli")
    option = page.get_by_role("option", name=re.compile("Olive Other"))
    expect(option).to_be_visible()
    page.keyboard.press("Enter")
    expect(editor.locator("a", has_text="@Olive Other")).to_be_visible()
    expect(page.locator("[data-char-count]")).to_contain_text("of 20,000 characters")
    submit(page, "Post topic", page.get_by_role("heading", name="How do you keep posts short without sounding curt?"))
    opening = page.locator("#post-1 .prose")
    expect(opening.locator("strong", has_text="shorter")).to_be_visible()
    expect(opening.locator("[data-mention] a", has_text="@Olive Other")).to_have_attribute(
        "href", f"/people/{other_leader.pk}/"
    )
    topic = Topic.objects.get()
    assert topic.is_question

    # --- another leader quotes the question in a reply and reacts to it
    colleague = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page2 = colleague.new_page()
    login(page2, other_leader)
    page2.goto(f"{live_server.url}/boards/t/{topic.pk}/")
    page2.locator("#post-1").get_by_role("link", name="Quote").click()
    reply_editor = page2.locator("#reply-composer .prose-editor > .ProseMirror")
    expect(reply_editor.locator("blockquote")).to_contain_text("shorter")
    reply_editor.click()
    page2.keyboard.press("Control+End")
    page2.keyboard.type("Lead with the one thing you need from people, then say thanks.")
    submit(page2, "Post reply", page2.locator("#post-2 blockquote a", has_text="Lee Leader wrote:"))
    like = page2.locator("#post-1").get_by_role("button", name=re.compile("^Like"))
    like.click()
    expect(page2.locator("#post-1").get_by_role("button", name=re.compile("^Like"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page2.locator("#post-1").get_by_role("button", name="Like 1")).to_be_visible()
    assert Reaction.objects.filter(user=other_leader, kind="like").count() == 1
    reply = Post.objects.get(number=2)
    assert f"/boards/p/{Post.objects.get(number=1).pk}/history/#rev-1" in reply.body

    # --- the asker marks the reply as the answer; it shows under the question
    page.goto(f"{live_server.url}/boards/t/{topic.pk}/")
    page.locator("#post-2").get_by_role("button", name="Mark as the answer").click()
    expect(page.get_by_role("heading", name="Accepted answer")).to_be_visible()
    expect(page.locator(".accepted-answer")).to_contain_text("Lead with the one thing")

    # --- the asker flags the reply (say it named a customer) and a facilitator hides it from the queue
    page.locator("#post-2").get_by_role("link", name="Flag").click()
    page.get_by_label("Confidential information: it should not be shared here").check()
    page.get_by_role("button", name="Send to the facilitators").click()
    expect(page.get_by_text("A facilitator will look at it")).to_be_visible()
    assert Flag.objects.filter(status="open").count() == 1

    moderator = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page3 = moderator.new_page()
    sign_in_with_session(page3, live_server, facilitator)
    page3.goto(f"{live_server.url}/boards/review/")
    item = page3.locator(".review-item").first
    expect(item).to_contain_text("Lead with the one thing")
    expect(item).to_contain_text("Confidential information")
    item.get_by_role("button", name="Hide", exact=True).click()
    expect(page3.get_by_text("Nothing to review")).to_be_visible()
    reply.refresh_from_db()
    assert reply.hidden_by == facilitator

    page.goto(f"{live_server.url}/boards/t/{topic.pk}/")
    expect(page.locator("#post-2 .post__placeholder")).to_contain_text("hidden by a facilitator")
    for context in (asker, colleague, moderator):
        context.close()
