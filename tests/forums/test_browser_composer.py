"""The composer and topic page in a real browser: drafts saved on leaving and restored, posts loaded in place."""

import pytest
from playwright.sync_api import expect

from forums.models import Draft
from tests.conftest import HeldRequest, type_steadily, wait_for
from tests.factories import BoardFactory, TopicFactory, reply_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_draft_is_saved_when_the_page_is_left_and_restored_on_return(page, live_server, login, leader, cohort):
    BoardFactory(cohort=cohort, slug="lounge")
    login(page, leader)
    page.goto(f"{live_server.url}/boards/lounge/new/")
    page.locator(".prose-editor > .ProseMirror").click()
    page.keyboard.type("Half a thought I will finish later")
    page.goto(f"{live_server.url}/boards/")  # leave at once: no time for the timed autosave
    # The beacon is sent as the page goes and answered whenever the server gets to it: on a busy machine
    # that was later than a fixed 300 ms. Wait for it, well short of the timed autosave (30 s).
    wait_for(lambda: Draft.objects.filter(user=leader, body="<p>Half a thought I will finish later</p>").exists(), 10)
    page.goto(f"{live_server.url}/boards/lounge/new/")
    expect(page.locator(".prose-editor > .ProseMirror")).to_have_text("Half a thought I will finish later")
    expect(page.locator("[data-draft-status]")).to_contain_text("Draft restored")


def test_a_new_topic_is_autosaved_before_it_has_a_title(page, live_server, login, leader, cohort, settings):
    """htmx checks a form's required fields before it sends it: the autosave waited for the topic's title."""
    settings.FORUM_DRAFT_AUTOSAVE_SECONDS = 1
    BoardFactory(cohort=cohort, slug="lounge")
    login(page, leader)
    page.goto(f"{live_server.url}/boards/lounge/new/")
    page.locator(".prose-editor > .ProseMirror").click()
    page.keyboard.type("The body first; a title when I know what I think")
    body = "<p>The body first; a title when I know what I think</p>"
    wait_for(lambda: Draft.objects.filter(user=leader, body=body, title="").exists(), 10)  # still on the page
    expect(page.locator("[data-draft-status]")).to_contain_text("Draft saved at")


def test_a_long_stretch_of_writing_is_saved_while_it_goes_on(page, live_server, login, leader, cohort, settings):
    """Not only in pauses: someone who writes without stopping for minutes loses nothing to a crash."""
    settings.FORUM_DRAFT_AUTOSAVE_SECONDS = 2
    BoardFactory(cohort=cohort, slug="lounge")
    login(page, leader)
    page.goto(f"{live_server.url}/boards/lounge/new/")
    page.locator(".prose-editor > .ProseMirror").click()
    typed, draft = type_steadily(page, lambda: Draft.objects.filter(user=leader).first())
    assert draft.body.startswith("<p>word0 word1 ")
    page.goto("about:blank")  # the rest goes by beacon
    wait_for(lambda: f"word{typed - 1} " in Draft.objects.get(user=leader).body, 10)


def test_an_autosave_that_arrives_late_does_not_undo_newer_words(page, live_server, login, leader, cohort, settings):
    """An autosave held back on the network is delivered after the save made on leaving the page."""
    settings.FORUM_DRAFT_AUTOSAVE_SECONDS = 1
    BoardFactory(cohort=cohort, slug="lounge")
    login(page, leader)
    held = HeldRequest(page, "**/boards/drafts/save/")
    page.goto(f"{live_server.url}/boards/lounge/new/")
    page.get_by_label("Title").fill("Budgets")
    page.locator(".prose-editor > .ProseMirror").click()
    page.keyboard.type("What I would change")
    late = held.wait()
    assert late, "the composer autosaves a second after a pause"
    page.keyboard.type(" about the budget round")
    page.goto(f"{live_server.url}/boards/")  # the beacon carries every word
    newest = "<p>What I would change about the budget round</p>"
    wait_for(lambda: Draft.objects.filter(user=leader, body=newest).exists(), 10)
    assert b"What I" in late.post_data_buffer and b"budget" not in late.post_data_buffer  # older words
    assert held.deliver().ok
    assert Draft.objects.get(user=leader).body == newest
    page.goto(f"{live_server.url}/boards/lounge/new/")
    expect(page.locator(".prose-editor > .ProseMirror")).to_have_text("What I would change about the budget round")


def test_an_autosave_that_arrives_after_the_post_leaves_no_draft(page, live_server, login, leader, cohort, settings):
    """Otherwise the posted words come back as a draft the next time the leader writes on this board."""
    settings.FORUM_DRAFT_AUTOSAVE_SECONDS = 1
    BoardFactory(cohort=cohort, slug="lounge")
    login(page, leader)
    held = HeldRequest(page, "**/boards/drafts/save/")
    page.goto(f"{live_server.url}/boards/lounge/new/")
    page.get_by_label("Title").fill("Our first town hall")
    page.locator(".prose-editor > .ProseMirror").click()
    page.keyboard.type("It went better than I feared.")
    assert held.wait(), "the composer autosaves a second after a pause"
    page.get_by_role("button", name="Post topic").click()
    expect(page.get_by_role("heading", name="Our first town hall")).to_be_visible()
    assert held.deliver().ok  # the autosave that was on its way as the topic was posted
    assert not Draft.objects.filter(user=leader).exists()
    page.goto(f"{live_server.url}/boards/lounge/new/")
    expect(page.locator("[data-draft-status]")).not_to_contain_text("Draft restored")
    expect(page.locator(".prose-editor > .ProseMirror")).to_have_text("")


def test_more_posts_load_in_place(page, live_server, login, leader, other_leader, cohort, settings):
    settings.FORUM_POSTS_PER_PAGE = 3
    topic = TopicFactory(board=BoardFactory(cohort=cohort), author=leader)
    for n in range(5):
        reply_to(topic, other_leader, f"<p>Reply number {n}</p>")
    login(page, leader)
    page.goto(f"{live_server.url}/boards/t/{topic.pk}/")
    expect(page.locator("#post-stream article")).to_have_count(3)
    page.get_by_role("link", name="Load more posts").click()
    expect(page.locator("#post-stream article")).to_have_count(6)
    expect(page.locator("#post-6")).to_contain_text("Reply number 4")
    assert page.url.endswith(f"/boards/t/{topic.pk}/")  # same page, no navigation


def test_a_reply_box_entered_before_the_script_ran_still_gets_its_editor(page, live_server, login, leader, cohort):
    """On a slow connection someone can be in the reply box before forums.js has run; its focus event is gone."""
    topic = TopicFactory(board=BoardFactory(cohort=cohort), author=leader)
    login(page, leader)
    held = []
    page.route("**/js/forums*.js", lambda route: held.append(route))  # hold the script back
    page.goto(f"{live_server.url}/boards/t/{topic.pk}/", wait_until="commit")  # deferred scripts hold DOMContentLoaded
    page.locator("#reply-composer textarea[name=body]").focus()
    page.wait_for_function("document.activeElement && document.activeElement.name === 'body'")
    assert held, "the page loads forums.js"
    for route in held:
        route.continue_()
    expect(page.locator("#reply-composer .prose-editor > .ProseMirror")).to_be_visible(timeout=30_000)
