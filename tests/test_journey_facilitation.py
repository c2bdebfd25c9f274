"""Facilitation in a real browser.

1. A facilitator clones three prompts from the library into a cohort, timed around its first session; the
   release job puts the first on the board; a leader replies; the reply waits in the facilitator's
   first-timer queue, and leaves it once the facilitator answers with one click.
2. A leader sends a draft for private review; the facilitator comments; the leader publishes it.
"""

import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from forums.models import Post, Topic
from onboarding.facilitation.models import ReviewRequest, ScheduledPrompt
from onboarding.facilitation.tasks import release_due_prompts
from tests.factories import BoardFactory, CohortSessionFactory
from tests.journeys import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BEFORE = "Before we meet: what do you want from the next session?"
AFTER = [
    "A decision you made this week, and the reasoning behind it",
    "One idea from the session you will try this week",
]


def sign_in_with_session(context, live_server, user):
    """Facilitators use TOTP; the journey signs them in with a session made by the test client instead."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def write(page, selector: str, text: str):
    if page.locator("meta[name=ks-editor][data-lazy]").count():  # topic pages load the editor on demand
        page.locator(f"{selector} textarea[name=body]").click()
    editor = page.locator(f"{selector} .prose-editor > .ProseMirror")
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.type(text)


def test_clone_release_reply_and_answer_from_the_queue(browser, live_server, login, facilitator, leader, cohort):
    board = BoardFactory(cohort=cohort, title="Northern Lights lounge", slug="lounge")
    tomorrow = timezone.localdate() + timedelta(days=1)
    session = CohortSessionFactory(
        cohort=cohort, number=1, title="Listening first",
        starts_at=timezone.make_aware(datetime.combine(tomorrow, datetime.min.time().replace(hour=14))),
    )  # fmt: skip

    # --- the facilitator adds three library prompts around session 1, one click each
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    sign_in_with_session(staff, live_server, facilitator)
    page = staff.new_page()
    page.goto(f"{live_server.url}/facilitate/library/?cohort={cohort.slug}")
    expect(page.get_by_label("Timed around")).to_have_value(str(session.pk))
    for title in [BEFORE, *AFTER]:
        page.get_by_role("button", name=re.compile(f"^Add to Northern Lights.*{re.escape(title)}")).click()
        expect(page.locator(".message--success")).to_contain_text(title)
    expect(page.locator(".message--success")).to_contain_text("The morning after session 1")

    page.get_by_role("link", name="Prompt schedule").click()
    queue = page.locator(".facil-queue__item")
    expect(queue).to_have_count(3)
    expect(queue.first).to_contain_text("2 days before session 1 at 09:00")  # already past: goes out next run
    expect(queue.nth(1)).to_contain_text("The morning after session 1")

    # --- the release job runs (the beat runs it every minute): only the prompt that is due goes out
    assert release_due_prompts() == 1
    prompt = ScheduledPrompt.objects.get(title=BEFORE)
    assert prompt.released_topic is not None
    assert ScheduledPrompt.objects.filter(status="queued").count() == 2
    page.reload()
    expect(page.locator(".facil-queue__item")).to_have_count(2)
    expect(page.locator(".facil-timeline")).to_contain_text("released")

    # --- a leader finds the prompt on the board and replies
    member = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page2 = member.new_page()
    login(page2, leader)
    page2.goto(f"{live_server.url}{board.get_absolute_url()}")
    page2.get_by_role("link", name=BEFORE).click()
    expect(page2.get_by_text("before session 1")).to_be_visible()
    write(page2, "#reply-composer", "I would like us to practise replying to criticism kindly.")
    submit(page2, "Post reply", page2.locator("#post-2"))
    expect(page2.locator("#post-2")).to_contain_text("replying to criticism kindly")

    # --- the reply waits in the facilitator's first-timer queue; one click answers it and it leaves
    page.goto(f"{live_server.url}/facilitate/first-posts/?cohort={cohort.slug}")
    item = page.locator(".facil-queue__item", has_text="replying to criticism kindly")
    expect(item).to_be_visible()
    expect(item.get_by_label("Reply to Lee Leader")).to_have_value("Thanks for adding this, Lee. ")
    item.get_by_role("button", name=re.compile("^Post reply.*Lee Leader")).click()
    # it leaves the queue at once (issue 17); the status line (aria-live) says so
    expect(page.get_by_role("status").filter(has_text="It has left the queue")).to_contain_text("Replied to Lee Leader")
    expect(page.locator(".facil-queue__item", has_text="replying to criticism kindly")).to_have_count(0)
    page.reload()
    expect(page.get_by_text("replying to criticism kindly")).to_have_count(0)
    answer = Post.objects.get(topic=prompt.released_topic, number=3)
    assert answer.author == facilitator and answer.reply_to.author == leader
    staff.close()
    member.close()


def test_private_review_comment_then_publish(browser, live_server, login, facilitator, leader, cohort):
    board = BoardFactory(cohort=cohort, title="Northern Lights lounge", slug="lounge")

    # --- the leader is unsure about a first topic and sends it to the facilitators
    member = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = member.new_page()
    login(page, leader)
    page.goto(f"{live_server.url}{board.get_absolute_url()}")
    page.get_by_role("link", name="Ask for a private review").click()
    expect(page.get_by_label("Board")).to_have_value(str(board.pk))
    page.get_by_label("Title").fill("Why our depot missed its target")
    write(page, ".facil-form", "We missed the target in the storm week. Here is what we will change.")
    page.get_by_label("What would you like the facilitators to look at? (optional)").fill("Too defensive?")
    page.get_by_role("button", name="Send for private review").click()
    expect(page.get_by_text("Only you and your cohort's facilitators can see this draft")).to_be_visible()
    review = ReviewRequest.objects.get()

    # --- the facilitator comments privately
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    sign_in_with_session(staff, live_server, facilitator)
    page2 = staff.new_page()
    page2.goto(f"{live_server.url}/facilitate/reviews/")
    page2.get_by_role("link", name="Why our depot missed its target").click()
    expect(page2.get_by_text("Too defensive?")).to_be_visible()
    page2.get_by_label("Your comment").fill("Not defensive. Put the change first and the storm second.")
    page2.get_by_role("button", name="Add comment").click()
    expect(page2.locator(".facil-comment")).to_contain_text("Put the change first")

    # --- the leader reads the comment and publishes through the forums
    page.goto(f"{live_server.url}{review.get_absolute_url()}")
    expect(page.locator(".facil-comment")).to_contain_text("Put the change first")
    submit(page, "Publish it now", page.locator("#post-1"))  # the review page's own heading is the title too
    expect(page.get_by_role("heading", name="Why our depot missed its target")).to_be_visible()
    topic = Topic.objects.get(board=board)
    assert topic.author == leader
    assert page.url.startswith(f"{live_server.url}/boards/t/{topic.pk}/")
    review.refresh_from_db()
    assert review.status == "published"
    staff.close()
    member.close()
