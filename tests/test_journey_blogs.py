"""Journey in a real browser: a leader drafts an entry with formatting and an image (autosaved), previews it
and schedules it; the job publishes it; a colleague follows the author, finds the entry on their Following
page and comments; the author sees the comment."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from blogs.models import Entry, EntryAutosave
from blogs.tasks import publish_due_entries

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo(tmp_path):
    path = tmp_path / "harbour.png"
    buffer = io.BytesIO()
    Image.new("RGB", (900, 500), (40, 110, 170)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_write_schedule_publish_follow_and_comment(
    page, browser, browser_context_args, live_server, login, leader, other_leader, tmp_path
):
    # --- the leader writes a draft with formatting and a cover image
    login(page, leader)
    page.goto(f"{live_server.url}/blogs/write/")
    page.get_by_label("Title").fill("Notes from my first listening tour")
    page.get_by_label("Summary").fill("What the night shift told me.")
    # The rich-text editor replaces the textarea once its script has loaded: write in the editor itself.
    body = page.locator('.prose-editor [contenteditable="true"][aria-label="Your entry"]')
    expect(body).to_be_visible(timeout=30_000)
    body.click()
    page.keyboard.type("I went to listen, not to talk. ")
    page.keyboard.press("Control+b")
    page.keyboard.type("People want to know why.")
    page.keyboard.press("Control+b")
    page.locator("#id_cover").set_input_files(_photo(tmp_path))
    page.get_by_label("Describe the image").fill("The cross-dock at night")
    page.get_by_label("Tags").fill("listening, depots")
    # a few seconds after typing stops, the editor keeps a working copy on the server
    expect(page.locator("#autosave-status")).to_contain_text("Draft kept safe", timeout=15_000)
    assert "People want to know why." in EntryAutosave.objects.get(author=leader, entry=None).body
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved. Only you can see it until you publish.")).to_be_visible()
    entry = Entry.objects.get(author=leader)
    assert "<strong>People want to know why.</strong>" in entry.body and entry.cover

    # --- the preview looks like the published page
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="Preview").click()
    preview = popup_info.value
    expect(preview.get_by_role("heading", level=1)).to_have_text("Notes from my first listening tour")
    expect(preview.locator(".entry__body strong")).to_have_text("People want to know why.")
    expect(preview.locator(".entry__cover img")).to_have_attribute("alt", "The cross-dock at night")
    preview.close()

    # --- scheduled a few minutes ahead (datetime-local, the leader's own time zone)
    when = timezone.localtime(timezone.now() + timedelta(minutes=5)).replace(second=0, microsecond=0)
    page.get_by_label("Publish at").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Scheduled for")).to_be_visible()
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SCHEDULED

    # --- the beat job runs once the time has come
    with time_machine.travel(entry.publish_at + timedelta(seconds=20), tick=False):
        assert publish_due_entries() == 1
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PUBLISHED

    # --- a colleague follows the author and finds the entry on their Following page
    context = browser.new_context(**browser_context_args)
    colleague = context.new_page()
    login(colleague, other_leader)
    colleague.goto(f"{live_server.url}/blogs/")
    colleague.get_by_role("button", name="Follow Lee Leader").first.click()
    # Whichever follow button was first (the entry's byline or the "Who to follow" card), it now says so.
    expect(colleague.get_by_role("button", name=re.compile(r"^(Following|Unfollow) Lee Leader")).first).to_be_visible()
    colleague.goto(f"{live_server.url}/blogs/following/")
    expect(colleague.get_by_text("You follow Lee Leader")).to_be_visible()
    colleague.get_by_role("link", name="Notes from my first listening tour").click()

    # --- and comments
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Notes from my first listening tour")
    colleague.locator("#reply-composer textarea[name=body]").click()  # the editor loads as the reader starts to write
    composer = colleague.locator("#reply-composer [contenteditable=true]")
    expect(composer).to_be_focused(timeout=30_000)  # half a megabyte of editor, fetched on demand
    colleague.keyboard.type("Thank you for going. The night team noticed.")
    colleague.get_by_role("button", name="Post comment").click()
    expect(colleague.get_by_text("Your comment is posted.")).to_be_visible()
    context.close()

    # --- the author sees the comment
    page.goto(f"{live_server.url}{entry.get_absolute_url()}")
    comment = page.locator(".comment").filter(has_text="Thank you for going. The night team noticed.")
    expect(comment).to_be_visible()
    expect(comment.locator(".comment__author")).to_have_text("Olive Other")
