"""In a real browser: a selection too small to show says why in a sentence, and withheld levels are not offered."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from metrics.rollup import rollup_run
from tests.factories import ActivityFactory, member_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"


def test_a_small_cohort_shows_a_sentence_not_numbers_and_a_lone_level_is_not_offered(
    page, live_server, login, analyst, cohort, other_cohort
):
    for _ in range(3):
        person = member_of(cohort, profile__management_level=2)
        ActivityFactory(actor=person, cohort=cohort, verb="post_created", created_at=timezone.now() - timedelta(days=1))
    for _ in range(8):
        member_of(other_cohort, profile__management_level=3)
    member_of(other_cohort, profile__management_level=1)  # one senior executive: never offered alone
    rollup_run()
    login(page, analyst)
    page.goto(f"{live_server.url}/dashboards/?cohort={cohort.pk}")
    refusal = page.locator(".metrics-refusal")
    expect(refusal).to_contain_text("covers fewer than 5 people, so no figures are shown")
    expect(page.locator("[data-panel]")).to_have_count(0)
    levels = page.get_by_role("combobox", name="Management level").locator("option").all_text_contents()
    assert "Senior executive" not in levels
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENS / f"metrics-refusal-{width}.png"), full_page=True)
