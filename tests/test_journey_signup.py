"""The first day of a leader, in a real browser: a facilitator invites them, they accept the e-mailed
link, create their account, complete their profile, follow a colleague and sign out."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from metrics.models import Activity
from metrics.verbs import Verb
from portal.people.models import Follow, Invitation, Membership, User
from tests.factories import member_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_as(page, live_server, user):
    """The facilitator's own sign-in (with TOTP) has its own tests; here they start signed in."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_invited_leader_signs_up_completes_profile_follows_and_signs_out(page, live_server, facilitator, cohort):
    colleague = member_of(cohort, profile__display_name="Omar Quay", profile__job_title="Shift Manager")

    # The facilitator invites Nia from the invitation page.
    _signed_in_as(page, live_server, facilitator)
    page.goto(f"{live_server.url}/invitations/")
    page.get_by_label("E-mail address").fill("nia.new@harbourview.example")
    page.get_by_label("Name").fill("Nia New")
    page.get_by_label("Job title").fill("Depot Manager")
    page.get_by_label("Management level").select_option("3")
    page.get_by_role("button", name="Send invitation", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations to Northern Lights")
    expect(page.get_by_role("cell", name=re.compile("Nia New"))).to_be_visible()

    # Nia opens the link from her e-mail in her own browser.
    page.context.clear_cookies()
    (message,) = mail.outbox
    assert message.to == ["nia.new@harbourview.example"]
    link = re.search(r"https?://\S+/invitations/[\w-]+/", message.body).group(0)
    path = link.split("/invitations/", 1)[1]
    page.goto(f"{live_server.url}/invitations/{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Northern Lights")
    expect(page.get_by_text("Fay Facilitator invited Nia New")).to_be_visible()
    page.get_by_role("link", name="Create your account").click()

    expect(page.get_by_label("Email")).to_have_value("nia.new@harbourview.example")
    page.get_by_label("Password", exact=True).fill("harbour-lights-2031")
    page.get_by_label("Password (again)").fill("harbour-lights-2031")
    page.get_by_role("button", name="Create my account").click()

    # She lands on the current step of her path (welcome); her profile is already filled in with what the
    # facilitator typed.
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Keystone")
    page.locator(".user-menu summary").click()
    page.get_by_role("link", name="Edit profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your profile")
    expect(page.get_by_label("Display name")).to_have_value("Nia New")
    expect(page.get_by_label("Job title")).to_have_value("Depot Manager")
    page.get_by_label("Department").fill("Logistics")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()

    nia = User.objects.get(email="nia.new@harbourview.example")
    assert Membership.objects.filter(user=nia, cohort=cohort).exists()
    nia.profile.refresh_from_db()
    assert nia.profile.is_complete and nia.profile.management_level == 3
    assert Invitation.objects.get().accepted_by == nia

    # She follows a colleague from the people directory.
    page.get_by_role("link", name="People").first.click()
    page.get_by_role("button", name="Follow Omar Quay").click()
    expect(page.get_by_role("button", name="Unfollow Omar Quay")).to_be_visible()
    assert Follow.objects.filter(follower=nia, followee=colleague).exists()

    # And signs out from the user menu.
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Keystone")

    verbs = set(Activity.objects.filter(actor=nia).values_list("verb", flat=True))
    assert {Verb.SIGNED_UP, Verb.INVITATION_ACCEPTED, Verb.PROFILE_COMPLETED, Verb.FOLLOWED} <= verbs
    assert Activity.objects.filter(actor=facilitator, verb=Verb.INVITED, cohort=cohort).count() == 1
