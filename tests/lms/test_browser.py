"""In a real browser: an admin sees the xAPI backlog and sends it to a real Ralph LRS; a leader finds the
calendar on the cohort page and the feeds page. Screenshots at 1280 and 390 px go to var/screens/lms/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from lms.xapi.selectors import xapi_status
from metrics.verbs import Verb
from tests.factories import ActivityFactory, CohortSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screens" / "lms"


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_admin_sends_the_backlog_to_the_lrs(page, live_server, login, admin_user, leader, lrs, settings):
    ActivityFactory(actor=leader, verb=Verb.POST_CREATED, target_id=11, context_id=2)
    ActivityFactory(actor=leader, verb=Verb.LESSON_COMPLETED, target_id=3, data={"lesson": 3, "title": "Why post?"})
    ActivityFactory(actor=leader, verb=Verb.SIGNED_IN)
    # Not a test of MFA (tests/portal covers it): the admin signs in with a password only.
    settings.MFA_REQUIRED_ROLES = []
    Authenticator.objects.filter(user=admin_user).delete()
    login(page, admin_user)
    page.goto(f"{live_server.url}/lms/xapi/")
    expect(page.get_by_role("heading", name="xAPI to the learning record store")).to_be_visible()
    waiting = xapi_status().backlog  # ours, plus what signing in and the shipped content recorded
    assert waiting >= 2
    expect(page.get_by_test_id("xapi-backlog")).to_have_text(f"{waiting} statements waiting")
    _shoot(page, "xapi-before")
    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_test_id("xapi-backlog")).to_have_text("0 statements waiting")
    expect(page.get_by_text("Sending now.")).to_be_visible()
    _shoot(page, "xapi-after")
    stored = lrs.statements()
    assert len(stored) == waiting
    assert {"https://keystone.test/xapi/activities/post/11", "https://keystone.test/xapi/activities/lesson/3"} <= {
        st["object"]["id"] for st in stored
    }


def test_leader_finds_the_calendar(page, live_server, login, leader, cohort):
    CohortSessionFactory(cohort=cohort, number=1, title="Why leaders post")
    login(page, leader)
    page.goto(f"{live_server.url}{cohort.get_absolute_url()}")
    link = page.get_by_role("link", name="Add to calendar (session 1, .ics)")
    expect(link).to_be_visible()
    _shoot(page, "cohort-sessions")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "northern-lights-session-1.ics"
    assert Path(download.value.path()).read_bytes().startswith(b"BEGIN:VCALENDAR")
    page.goto(f"{live_server.url}/blogs/feeds/")
    feed = page.get_by_role("link", name=re.compile(r"^Calendar \(iCalendar\)"))
    expect(feed).to_be_visible()
    _shoot(page, "feeds-calendar")
    address = page.get_by_label("Address to paste into your calendar app").input_value()
    assert address == live_server.url + feed.get_attribute("href")
    response = page.request.get(address)
    assert response.ok and b"Why leaders post" in response.body()
