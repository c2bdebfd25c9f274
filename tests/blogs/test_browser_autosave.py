"""The blog editor keeps the working copy as it is written and when the page is left, never lets a late
autosave replace newer words, and never brings back a copy its author has just discarded."""

import pytest
from playwright.sync_api import expect

from blogs.models import EntryAutosave
from blogs.services import entries as entry_services
from tests.conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITOR = '.prose-editor [contenteditable="true"][aria-label="Your entry"]'


def test_words_typed_just_before_leaving_are_kept(page, live_server, login, leader):
    entry = entry_services.entry_create(actor=leader, title="Listening tour", body="<p>Week one.</p>")
    login(page, leader)
    page.goto(f"{live_server.url}/blogs/entries/{entry.pk}/edit/")
    page.locator(EDITOR).click()
    page.keyboard.press("End")
    page.keyboard.type(" Week two: the warehouse.")
    page.goto(f"{live_server.url}/blogs/")  # at once: no pause for the timed autosave
    wait_for(lambda: EntryAutosave.objects.filter(entry=entry, body__contains="the warehouse").exists(), 10)
    page.goto(f"{live_server.url}/blogs/entries/{entry.pk}/edit/")
    expect(page.get_by_role("status").filter(has_text="We restored the changes")).to_be_visible()
    expect(page.locator(EDITOR)).to_contain_text("Week two: the warehouse.")
    entry.refresh_from_db()
    assert entry.body == "<p>Week one.</p>"  # the entry itself is untouched until its author saves


def test_a_long_stretch_of_writing_is_saved_while_it_goes_on(page, live_server, login, leader):
    login(page, leader)
    page.goto(f"{live_server.url}/blogs/write/")
    page.locator(EDITOR).click()
    saved_while_typing = None
    for n in range(80):  # a word every 0.1 s: never the 3 s pause the autosave also waits for
        page.keyboard.type(f"word{n} ")
        page.wait_for_timeout(100)
        copy = EntryAutosave.objects.filter(author=leader).first()
        if copy is not None:
            saved_while_typing = n
            break
    assert saved_while_typing is not None, "nothing was saved during 80 words of steady typing"
    assert copy.body.startswith("<p>word0 word1 ")
    expect(page.locator("#autosave-status")).to_contain_text("Draft kept safe")
    page.goto("about:blank")  # the rest goes by beacon: let it land before the test's data is emptied
    wait_for(lambda: f"word{saved_while_typing} " in EntryAutosave.objects.get(author=leader).body, 10)


def test_a_late_autosave_does_not_undo_newer_words(page, live_server, login, leader):
    entry = entry_services.entry_create(actor=leader, title="Town hall", body="<p>Notes</p>")
    login(page, leader)
    held = []

    def hold_the_first(route):
        if held:
            route.continue_()
        else:
            held.append(route.request)
            route.abort()

    page.route(f"**/blogs/entries/{entry.pk}/autosave/", hold_the_first)
    page.goto(f"{live_server.url}/blogs/entries/{entry.pk}/edit/")
    page.locator(EDITOR).click()
    page.keyboard.press("End")
    page.keyboard.type(" from the floor")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the editor autosaves a few seconds after a pause"
    page.keyboard.type(" and the answers")
    page.goto(f"{live_server.url}/blogs/")  # the beacon carries every word
    wait_for(lambda: EntryAutosave.objects.filter(entry=entry, body__contains="the answers").exists(), 10)
    late = held[0]
    assert page.request.post(late.url, headers=late.headers, data=late.post_data_buffer).ok  # as the browser sent it
    assert "from the floor and the answers" in EntryAutosave.objects.get(entry=entry).body


def test_discarded_changes_stay_discarded(page, live_server, login, leader):
    entry = entry_services.entry_create(actor=leader, title="Budget", body="<p>Saved words</p>")
    entry_services.entry_autosave(actor=leader, entry=entry, title="Budget", body="<p>Unsaved words</p>")
    login(page, leader)
    page.goto(f"{live_server.url}/blogs/entries/{entry.pk}/edit/")
    page.locator(EDITOR).click()
    page.keyboard.press("End")
    page.keyboard.type(" and second thoughts")
    page.get_by_role("button", name="Discard them").click()
    expect(page.locator(EDITOR)).to_have_text("Saved words")
    expect(page.get_by_role("status").filter(has_text="We restored the changes")).to_have_count(0)
    page.goto("about:blank")  # anything sent on leaving has landed by the time this returns
    page.wait_for_timeout(1_000)
    assert not EntryAutosave.objects.filter(entry=entry).exists()
