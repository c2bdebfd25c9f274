"""Every composer's editor starts under the strict CSP without a violation (no injected <style>), and the
editable area is an accessible textbox: the blog editor, a facilitator's prompt editor, the topic composer."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _sign_in(page, client, live_server, user):
    client.force_login(user)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}
    page.context.add_cookies([cookie])


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": False}


@pytest.mark.parametrize(
    ("role", "url_name", "args"),
    [
        ("leader", "blogs:entry-create", ()),
        ("facilitator", "facilitation:prompt-create", ("cohort",)),
        ("leader", "forums:topic-create", ("board",)),
    ],
)
def test_editor_starts_without_a_csp_violation(world, client, live_server, page, cohort, role, url_name, args):
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    _sign_in(page, client, live_server, world.users[role])
    resolved = [{"cohort": cohort.slug, "board": "lounge"}[a] for a in args]
    page.goto(live_server.url + reverse(url_name, args=resolved))
    editor = page.locator(".prose-editor [contenteditable=true]").first
    editor.wait_for(timeout=60_000)
    expect(editor).to_have_attribute("role", "textbox")
    editor.click()
    page.keyboard.type("A first line.")
    expect(editor).to_contain_text("A first line.")
    assert violations == []  # leaving sends the unsaved draft: tests.conftest's page lets it land first
