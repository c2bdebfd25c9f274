"""Journey in a real browser: a new leader goes through the whole onboarding path, gets a coach warning on a
draft containing a revenue figure, edits it, posts, and sees the crawl goal progress move."""

import pytest
from playwright.sync_api import expect

from forums.services import topic_create
from onboarding.models import OnboardingPath, SurveyResponse
from tests.factories import member_of
from tests.factories.forums import BoardFactory
from tests.onboarding.helpers import ensure_defaults


def start_step(page, label):
    """Open a step from the "Getting started" page."""
    page.locator(".path-step", has_text=label).get_by_role("link").first.click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_new_leader_onboarding_coach_warning_and_goal_progress(page, live_server, login, cohort, facilitator):
    ensure_defaults()  # an earlier transactional test may have flushed the shipped content
    board = BoardFactory(cohort=cohort, title="Northern Lights lounge", slug="lounge")
    prompt = topic_create(
        actor=facilitator,
        board=board,
        title="This week: one decision you made with your team?",
        body="<p>Tell us about one decision you made together this week. What made it work?</p>",
    )
    newbie = member_of(
        cohort,
        policy_acknowledged=False,
        profile__display_name="Nina Newleader",
        profile__job_title="",
        profile__completed_at=None,
    )
    login(page, newbie)

    # Home: the path starts here and the crawl goals are in view.
    expect(page.get_by_text("Getting started · 0 of 7 steps done")).to_be_visible()
    goals_card = page.locator(".goals-card")
    reply_goal = goals_card.locator(".goal", has_text="Reply to a starter prompt")
    expect(reply_goal.locator(".goal__count")).to_have_text("0 of 1")
    page.get_by_role("link", name="Continue").click()

    # 1. Welcome
    page.get_by_role("button", name="Let's start").click()
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()

    # 2. Readiness survey (before)
    start_step(page, "Readiness survey")
    # .all() does not wait: let the survey page arrive before listing its statements
    expect(page.locator("fieldset.survey-item")).to_have_count(10)
    for group in page.locator("fieldset.survey-item").all():
        group.locator(".scale__option", has_text="2").first.click()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Your answers")).to_be_visible()
    assert SurveyResponse.objects.filter(respondent=newbie, round="before").count() == 1

    # 3. The social media policy
    page.goto(f"{live_server.url}/learn/start/")
    start_step(page, "Social media policy")
    page.get_by_label("I have read the social media policy and will follow it.").check()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("You acknowledged the policy")).to_be_visible()

    # 4. Profile (the people app's form)
    start_step(page, "Your profile")
    page.get_by_label("Job title").fill("Head of Night Operations")
    page.get_by_label("Department").fill("Operations")
    page.get_by_label("Management level").select_option(index=2)
    page.get_by_role("button", name="Save profile").click()

    # 5. The first lesson
    page.goto(f"{live_server.url}/learn/start/")
    start_step(page, "Your first lesson")  # opens the next lesson itself (issue 17)
    expect(page.get_by_role("heading", level=1)).to_contain_text("How a discussion board works")
    expect(page.get_by_text("Example discussion topic")).to_be_visible()
    page.get_by_role("button", name="I have read this lesson").click()
    expect(page.get_by_text("Lesson completed")).to_be_visible()

    # 6. The first practice: reply to the starter prompt, with the coach watching the draft
    page.goto(f"{live_server.url}/learn/start/")
    start_step(page, "Your first reply")  # the step links the prompt itself (issue 17)
    expect(page.get_by_role("heading", level=1)).to_have_text(prompt.title)
    page.locator("#reply-composer textarea[name=body]").click()  # the editor loads when the reader starts a reply
    editor = page.locator("#reply-composer [contenteditable=true]")
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.type("We agreed the night rota together. Revenue from the night shift was £240,000 last month.")
    panel = page.locator("#reply-composer .coach-slot")
    expect(panel.get_by_text("Are these figures public?")).to_be_visible(timeout=10_000)
    expect(panel.locator("mark", has_text="£240,000")).to_be_visible()
    # Edit the figure out: the warning goes away while typing, and the reply posts without a "post anyway".
    editor.fill("We agreed the night rota together, and the night shift had its best month. How do you share rotas?")
    expect(panel.get_by_text("Are these figures public?")).to_have_count(0, timeout=10_000)
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("the night shift had its best month")).to_be_visible()

    # Home: the crawl goal moved (the goal task ran after the reply committed).
    page.goto(live_server.url + "/")
    reply_goal = page.locator(".goals-card .goal", has_text="Reply to a starter prompt")
    expect(reply_goal.locator(".goal__count")).to_have_text("1 of 1")
    expect(reply_goal.get_by_text("Done on time")).to_be_visible()
    expect(page.get_by_text("Next: Your goals")).to_be_visible()

    # 7. Goals
    page.get_by_role("link", name="Continue").click()
    page.get_by_role("button", name="These are my goals").click()
    expect(page.get_by_text("You are all set")).to_be_visible()
    assert OnboardingPath.objects.get(user=newbie).completed_at is not None
