"""A facilitator who starts writing a prompt in the plain box before the rich-text editor has arrived keeps
every word and every space: the editor reads the box's text as HTML, which drops a paragraph's trailing space
("talk.People" in the blog and forum editors, CI 5 December); facilitation.js puts it back."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_space_typed_just_before_the_editor_arrives_is_kept(page, live_server, facilitator, cohort, board):
    client = Client()  # facilitators use TOTP: a session made by the test client stands in for the sign-in
    client.force_login(facilitator)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    held = []
    page.route(re.compile(r"django_prose_editor/editor\.[^/]*js$"), lambda route: held.append(route))  # slow network
    page.goto(f"{live_server.url}/facilitate/cohorts/{cohort.slug}/prompts/new/")
    page.get_by_label("Prompt", exact=True).click()  # still the plain textarea
    page.keyboard.type("What did you decide this week, ")
    while not held:
        page.wait_for_timeout(50)
    held[0].continue_()  # the editor arrives right after the space
    editor = page.locator('.prose-editor [contenteditable="true"][aria-label="Prompt"]')
    expect(editor).to_be_focused()
    page.keyboard.type("and why?")
    expect(editor).to_have_text("What did you decide this week, and why?")
