"""Sign-in and inviting in a real browser (Chromium through Playwright, against live_server)."""

import re

import pytest
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from portal.people.models import Invitation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code_from_outbox(address: str) -> str:
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE).group(1)


def test_login_by_emailed_code(page, live_server, leader):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="E-mail me a sign-in code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mail me a sign-in code")
    page.get_by_label("Email").fill(leader.email)
    page.get_by_role("button", name="Send me the code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    page.get_by_label("Code").fill(_code_from_outbox(leader.email))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Lee Leader")


def test_the_shared_login_fixture_finds_one_field_per_label(page, live_server, login, leader):
    """Other apps' journeys sign in with get_by_label("Email"/"Password") and the "Sign In" button."""
    login(page, leader)
    expect(page).to_have_url(f"{live_server.url}/")


def test_csv_problems_are_listed_by_line_and_nothing_is_imported(page, live_server, facilitator, leader, tmp_path):
    # Facilitators use TOTP: start from a signed-in session rather than typing a one-time code.
    client = Client()
    client.force_login(facilitator)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    csv = tmp_path / "people.csv"
    csv.write_text(
        "email,name,title,department,management_level,cohort\n"
        "ok@harbourview.example,Ok Person,,,1,northern-lights\n"
        "broken,Broken Address,,,1,northern-lights\n"
        f"{leader.email},Lee,,,9,northern-lights\n"
    )
    page.goto(f"{live_server.url}/invitations/")
    page.get_by_label("CSV file", exact=True).set_input_files(str(csv))
    page.get_by_role("button", name="Check and send invitations").click()
    problems = page.get_by_role("alert").filter(has_text="Nothing was imported")
    expect(problems).to_contain_text("3 problems to fix")
    expect(problems).to_contain_text("Line 3: “broken” is not a valid e-mail address.")
    expect(problems).to_contain_text("Line 4: Management level “9”")
    expect(problems).to_contain_text(f"Line 4: {leader.email} is already a member of Northern Lights.")
    assert not Invitation.objects.exists()
