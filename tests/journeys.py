"""Helpers the browser journeys share."""

import re

from playwright.sync_api import expect


def submit(page, button: str, done, confirm=re.compile("^(Post|Publish) anyway")) -> None:
    """Press ``button``; if onboarding's coach asks for a second look, confirm (the journeys' text is fine to
    share) and press the button again (it may now read "Publish anyway").

    Waits until either ``done`` (what the submit leads to) or the coach's question is on the page: looking for
    the question at once would look at the page before the answer to the submit had arrived."""
    page.get_by_role("button", name=button).click()
    question = page.get_by_label(confirm)
    expect(done.or_(question).first).to_be_visible()
    if question.count() and question.first.is_visible():
        question.first.check()
        page.get_by_role("button", name=re.compile(f"^({re.escape(button)}|Publish anyway)$")).click()
    expect(done).to_be_visible()
