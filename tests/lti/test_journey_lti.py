"""A real browser inside a real LMS page: the instructor places a board with deep linking and publishes the
goal ladder; a learner launches the placed link in the LMS's iframe, replies on the board, and the
platform's gradebook shows the completed stage."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from lms.lti.models import CourseCohort
from portal.people.models import User

from .simulator import INSTRUCTOR, LEARNER, TestPlatform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lms(live_server):
    from lms.lti.services.registrations import platform_register
    from portal.people.models import Role
    from tests.factories import UserFactory

    # The LMS runs on "localhost" like the tool: one site, as when both sit under one organisation domain.
    host = urlsplit(live_server.url).hostname
    plat = TestPlatform(tool_base=live_server.url, host=host).start()
    admin = UserFactory(roles=(Role.ADMIN,), email="ada.admin@keystone.example")
    platform_register(
        actor=admin,
        name="Test LMS",
        issuer=plat.issuer,
        client_id=plat.client_id,
        auth_url=plat.auth_url,
        token_url=plat.token_url,
        keyset_url=plat.jwks_url,
        deployment_ids=[plat.deployment_id],
    )
    plat.add("sub-teacher", "Tam Teacher", "tam.teacher@lms.example", [INSTRUCTOR])
    plat.add("sub-learner", "Lou Learner", "lou.learner@lms.example", [LEARNER])
    yield plat
    plat.stop()


def submit_reply(frame):
    """Post the reply; if onboarding's coach asks for a confirmation, give it (the text is fine to share)."""
    frame.get_by_role("button", name="Post reply").click()
    posted, confirm = frame.locator("#post-2"), frame.get_by_label("Post anyway")
    expect(posted.or_(confirm)).to_be_visible()
    if not posted.is_visible():
        confirm.check()
        frame.get_by_role("button", name="Post reply").click()
    expect(posted).to_contain_text("before my first coffee")


def test_launch_deep_linked_board_reply_score_in_gradebook(browser, live_server, lms):
    from tests.factories import BoardFactory, GoalFactory, GoalLadderFactory, GoalStageFactory, TopicFactory
    from tests.factories.onboarding import acknowledge_policy

    # --- the instructor opens Keystone from the course for the first time: the course becomes a cohort
    teacher_ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    page = teacher_ctx.new_page()
    page.goto(f"{lms.base}/course/sub-teacher?open=link-1")
    tool = page.frame_locator("iframe[title=Keystone]")
    expect(tool.get_by_role("heading", name="Leading in the open")).to_be_visible()
    course = CourseCohort.objects.select_related("cohort").get()
    teacher = User.objects.get(email="tam.teacher@lms.example")
    board = BoardFactory(cohort=course.cohort, title="Course reflections", slug="course-reflections")
    TopicFactory(board=board, title="What did you try this week?", author=teacher)
    ladder = GoalLadderFactory(cohort=course.cohort, name="Course ladder")
    crawl = GoalStageFactory(ladder=ladder, kind="crawl", title="Crawl: first reply", deadline_days=30)
    GoalFactory(stage=crawl, title="Reply once", criterion="reply", params={"n": 1})

    # --- deep linking: the instructor places the board in the course
    page.get_by_role("link", name="Add Keystone content").click()
    tool = page.frame_locator("iframe[title=Keystone]")
    expect(tool.get_by_role("heading", name="What should this course link open?")).to_be_visible()
    page.screenshot(path="var/screens/lti-deep-link-1280.png", full_page=True)
    tool.get_by_label(re.compile("^Course reflections")).check()
    tool.get_by_role("button", name="Place in the course").click()
    expect(tool.get_by_role("heading", name="Added to the course")).to_be_visible()
    link_id = next(k for k, v in lms.course.links.items() if v["title"] == "Course reflections")

    # --- the instructor publishes the goal ladder as gradebook columns (Keystone's course page)
    page.goto(f"{live_server.url}/lti/courses/{course.pk}/")
    page.get_by_role("button", name="Publish goals to the gradebook").click()
    expect(page.get_by_text("goal stages are columns in the LMS gradebook")).to_be_visible()
    assert [i["label"] for i in lms.course.lineitems.values()] == ["Keystone: Crawl: first reply"]

    # --- a learner opens the placed link inside the LMS page and lands on the board
    learner_ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    lpage = learner_ctx.new_page()
    lpage.goto(f"{lms.base}/course/sub-learner?open={link_id}")
    frame = lpage.frame_locator("iframe[title=Keystone]")
    expect(frame.get_by_role("heading", name="Course reflections", exact=True)).to_be_visible()
    learner = User.objects.get(email="lou.learner@lms.example")
    acknowledge_policy(learner)  # the policy step of onboarding, done before posting

    # --- the learner replies inside the frame
    frame.get_by_role("link", name="What did you try this week?").click()
    frame.locator("#reply-composer textarea[name=body]").click()  # the editor loads when a reply starts
    editor = frame.locator("#reply-composer .prose-editor > .ProseMirror")
    expect(editor).to_be_visible(timeout=30_000)  # half a megabyte of module and its icon font, on demand
    editor.click()
    editor.type("I tried replying to a colleague's post before my first coffee.")
    submit_reply(frame)
    lpage.screenshot(path="var/screens/lti-board-in-lms-1280.png", full_page=True)

    # --- the platform's gradebook shows the stage completed on time
    gradebook = teacher_ctx.new_page()
    gradebook.goto(f"{lms.base}/gradebook")
    row = gradebook.get_by_role("row", name=re.compile("sub-learner"))
    expect(row).to_contain_text("Keystone: Crawl: first reply")
    expect(row).to_contain_text("1.0/1.0")
    expect(row).to_contain_text("Completed")
    expect(row).to_contain_text("on time")
