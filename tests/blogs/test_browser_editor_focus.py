"""A leader who starts writing in the plain box before the rich-text editor has arrived keeps every word, and
keeps writing in the editor once it replaces the box (the box's focus moves to the editor at once)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_words_typed_before_the_editor_arrives_are_kept(page, live_server, login, leader):
    held = []
    page.route(re.compile(r"django_prose_editor/editor\.[^/]*js$"), lambda route: held.append(route))  # slow network
    login(page, leader)
    page.goto(f"{live_server.url}/blogs/write/")
    page.get_by_label("Your entry").click()  # still the plain textarea
    page.keyboard.type("I went to listen, ")
    while not held:
        page.wait_for_timeout(50)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 8})  # a busy machine
    held[0].continue_()  # the editor arrives while the leader is mid-sentence
    page.keyboard.type("not to talk. People want to know why.")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    editor = page.locator('.prose-editor [contenteditable="true"][aria-label="Your entry"]')
    expect(editor).to_have_text("I went to listen, not to talk. People want to know why.")
    expect(editor).to_be_focused()


def test_a_space_typed_just_before_the_editor_arrives_is_kept(page, live_server, login, leader):
    """The editor reads the plain box's text as HTML, which drops a paragraph's trailing space: a leader who
    paused after a space while the editor arrived went on to write "talk.People" (CI, 5 December)."""
    held = []
    page.route(re.compile(r"django_prose_editor/editor\.[^/]*js$"), lambda route: held.append(route))
    login(page, leader)
    page.goto(f"{live_server.url}/blogs/write/")
    page.get_by_label("Your entry").click()
    page.keyboard.type("I went to listen, ")
    while not held:
        page.wait_for_timeout(50)
    held[0].continue_()
    editor = page.locator('.prose-editor [contenteditable="true"][aria-label="Your entry"]')
    expect(editor).to_be_focused()
    page.keyboard.type("not to talk.")
    expect(editor).to_have_text("I went to listen, not to talk.")
