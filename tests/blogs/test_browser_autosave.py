"""The blog editor keeps the working copy as it is written and when the page is left, never lets a late
autosave replace newer words, and never brings back a copy its author has just discarded."""

import pytest
from playwright.sync_api import expect

from blogs.models import EntryAutosave
from blogs.services import entries as entry_services
from tests.conftest import HeldRequest, requests_answered, type_steadily, wait_for

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
    typed, copy = type_steadily(page, lambda: EntryAutosave.objects.filter(author=leader).first(), words=80)
    assert copy.body.startswith("<p>word0 word1 ")
    expect(page.locator("#autosave-status")).to_contain_text("Draft kept safe")
    page.goto("about:blank")  # the rest goes by beacon
    wait_for(lambda: f"word{typed - 1} " in EntryAutosave.objects.get(author=leader).body, 10)


def test_a_late_autosave_does_not_undo_newer_words(page, live_server, login, leader):
    entry = entry_services.entry_create(actor=leader, title="Town hall", body="<p>Notes</p>")
    login(page, leader)
    held = HeldRequest(page, f"**/blogs/entries/{entry.pk}/autosave/")
    page.goto(f"{live_server.url}/blogs/entries/{entry.pk}/edit/")
    page.locator(EDITOR).click()
    page.keyboard.press("End")
    page.keyboard.type(" from the floor")
    late = held.wait()
    assert late, "the editor autosaves a few seconds after a pause"
    page.keyboard.type(" and the answers")
    page.goto(f"{live_server.url}/blogs/")  # the beacon carries every word
    wait_for(lambda: EntryAutosave.objects.filter(entry=entry, body__contains="the answers").exists(), 10)
    assert b"the answers" not in late.post_data_buffer  # older words
    assert held.deliver().ok
    assert "from the floor and the answers" in EntryAutosave.objects.get(entry=entry).body


def test_an_autosave_that_arrives_after_the_save_brings_nothing_back(page, live_server, login, leader):
    """Otherwise the next visit offers to restore older text than the entry has, or a copy of a saved entry."""
    login(page, leader)
    held = HeldRequest(page, "**/blogs/write/autosave/")
    page.goto(f"{live_server.url}/blogs/write/")
    page.get_by_label("Title").fill("What the night shift told me")
    page.locator(EDITOR).click()
    page.keyboard.type("They want to know why.")
    late = held.wait()
    assert late, "the editor autosaves a few seconds after a pause"
    page.keyboard.type(" And who decided.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    assert held.deliver().ok  # the autosave that was on its way as the entry was saved
    assert not EntryAutosave.objects.exists()
    page.goto(f"{live_server.url}/blogs/write/")
    expect(page.get_by_role("status").filter(has_text="We restored the changes")).to_have_count(0)
    expect(page.locator(EDITOR)).to_have_text("")


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
    page.goto("about:blank")
    requests_answered()  # whatever leaving sent has been answered
    assert not EntryAutosave.objects.filter(entry=entry).exists()
