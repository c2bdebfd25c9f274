"""The demo's registered test platform, and the admin pages as a person sees them (1280 px and 390 px)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from lti_tool.models import LtiRegistration
from playwright.sync_api import expect


@pytest.mark.django_db
def test_demo_registers_one_test_platform_once(lti_admin):
    from types import SimpleNamespace

    from demo import lti as demo

    org = SimpleNamespace(admin=lti_admin)
    demo.seed(org)
    demo.seed(org)
    reg = LtiRegistration.objects.get()
    assert reg.issuer == demo.DEMO_LMS_BASE
    assert list(reg.deployments.values_list("deployment_id", "is_active")) == [(demo.DEMO_DEPLOYMENT_ID, True)]
    demo.reset()
    assert not LtiRegistration.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_platform_page_reads_well_on_desktop_and_phone(browser, live_server, lti_admin):
    from demo import lti as demo
    from tests.conftest import _with_totp

    demo.seed(type("Org", (), {"admin": lti_admin}))
    client = Client()
    client.force_login(_with_totp(lti_admin))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    for width, name in ((1280, "1280"), (390, "390")):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/lti/platforms/")
        expect(page.get_by_role("heading", name="LMS platforms (LTI 1.3)")).to_be_visible()
        expect(page.get_by_role("link", name="Demo LMS (fictional test platform)")).to_be_visible()
        page.screenshot(path=f"var/screens/lti-platforms-{name}.png", full_page=True)
        page.get_by_role("link", name="Register a platform").click()
        expect(page.get_by_label("Client ID")).to_be_visible()
        page.screenshot(path=f"var/screens/lti-platform-form-{name}.png", full_page=True)
        context.close()
