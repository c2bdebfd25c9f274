"""In a real browser: the directory filters update in place (and in the address bar), follow buttons toggle
without a reload, and both still work with JavaScript switched off."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from portal.people.models import Follow, ManagementLevel
from tests.factories import member_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(context, live_server, user):
    """Give the browser a signed-in session (the sign-in form has its own browser tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


@pytest.fixture
def colleagues(cohort):
    return {
        "omar": member_of(
            cohort, profile__display_name="Omar Quay", profile__job_title="Shift Manager", profile__department="Yard"
        ),
        "priya": member_of(
            cohort,
            profile__display_name="Priya Port",
            profile__job_title="Head of Customs",
            profile__management_level=ManagementLevel.SENIOR,
        ),
    }


def test_directory_filters_and_follow_with_htmx(page, live_server, leader, colleagues):
    _sign_in(page.context, live_server, leader)
    page.goto(f"{live_server.url}/people/")
    page.evaluate("window.__noReload = true")

    page.get_by_label("Name or job title").fill("customs")
    expect(page.locator("#directory-results")).not_to_contain_text("Omar Quay")
    expect(page.locator("#directory-results")).to_contain_text("Priya Port")
    expect(page).to_have_url(re.compile(r"/people/\?q=customs"))
    expect(page.locator("#directory-status")).to_have_text("1 person found")

    page.get_by_role("button", name="Follow Priya Port", exact=True).click()
    expect(page.get_by_role("button", name="Unfollow Priya Port", exact=True)).to_be_visible()
    assert Follow.objects.filter(follower=leader, followee=colleagues["priya"]).exists()

    page.get_by_role("button", name="Unfollow Priya Port", exact=True).click()
    expect(page.get_by_role("button", name="Follow Priya Port", exact=True)).to_be_visible()
    assert not Follow.objects.filter(follower=leader).exists()
    assert page.evaluate("window.__noReload") is True  # all of it happened without a page load

    page.get_by_label("Department").select_option("Yard")
    page.get_by_label("Name or job title").fill("")
    expect(page.locator("#directory-results")).to_contain_text("Omar Quay")
    expect(page).to_have_url(re.compile(r"department=Yard"))


def test_follow_from_a_profile_updates_the_count(page, live_server, leader, colleagues):
    _sign_in(page.context, live_server, leader)
    page.goto(f"{live_server.url}/people/{colleagues['omar'].pk}/")
    expect(page.locator(f"#follower-count-{colleagues['omar'].pk}")).to_have_text("0 followers")
    page.get_by_role("button", name="Follow Omar Quay", exact=True).click()
    expect(page.locator(f"#follower-count-{colleagues['omar'].pk}")).to_have_text("1 follower")


def test_everything_works_without_javascript(browser, live_server, leader, colleagues, browser_context_args):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    _sign_in(context, live_server, leader)
    page = context.new_page()

    page.goto(f"{live_server.url}/people/")
    page.get_by_label("Name or job title").fill("shift")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=shift"))
    expect(page.locator("#directory-results")).not_to_contain_text("Priya Port")

    page.get_by_role("button", name="Follow Omar Quay", exact=True).click()
    expect(page.get_by_text("You now follow Omar Quay")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=shift"))  # back where we were, filters kept
    expect(page.get_by_role("button", name="Unfollow Omar Quay", exact=True)).to_be_visible()
    assert Follow.objects.filter(follower=leader, followee=colleagues["omar"]).exists()
    context.close()
