"""The composer and topic page in a real browser: drafts saved on leaving and restored, posts loaded in place."""

import pytest
from playwright.sync_api import expect

from forums.models import Draft
from tests.factories import BoardFactory, TopicFactory, reply_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_draft_is_saved_when_the_page_is_left_and_restored_on_return(page, live_server, login, leader, cohort):
    BoardFactory(cohort=cohort, slug="lounge")
    login(page, leader)
    page.goto(f"{live_server.url}/boards/lounge/new/")
    page.locator(".prose-editor > .ProseMirror").click()
    page.keyboard.type("Half a thought I will finish later")
    page.goto(f"{live_server.url}/boards/")  # leave at once: no time for the timed autosave
    page.wait_for_timeout(300)
    assert Draft.objects.get(user=leader).body == "<p>Half a thought I will finish later</p>"
    page.goto(f"{live_server.url}/boards/lounge/new/")
    expect(page.locator(".prose-editor > .ProseMirror")).to_have_text("Half a thought I will finish later")
    expect(page.locator("[data-draft-status]")).to_contain_text("Draft restored")


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
