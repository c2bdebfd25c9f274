"""Journey in a real browser: an L&D analyst narrows the dashboard to one cohort and one management
level, sees the charts drawn and the tables beside them, downloads a panel's CSV and finds in it exactly
the numbers the table shows."""

import csv
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from metrics.rollup import rollup_run
from tests.metrics.conftest import History

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLE_JS = """panel => Array.from(document.querySelectorAll(`#panel-${panel} table tr`)).map(
    tr => Array.from(tr.children).map(cell => cell.textContent.trim().replace(/\\s+/g, " ")))"""


def test_analyst_filters_reads_charts_and_downloads_the_numbers_shown(page, live_server, login, analyst):
    org = History(12, people=30)
    org.add(2000, timezone.now() - timedelta(days=60), 60)
    rollup_run()
    cohort = org.cohorts[1]
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    login(page, analyst)
    page.goto(f"{live_server.url}/dashboards/")
    expect(page.get_by_role("heading", name="Adoption dashboards")).to_be_visible()

    # Each filter change redraws the dashboard in place (htmx) and updates the shareable address.
    with page.expect_response(re.compile(r"/dashboards/\?.*cohort=")):
        page.get_by_role("combobox", name="Cohort").select_option(str(cohort.pk))
    # Read the redrawn dashboard before narrowing further, as a person would. (Changing a filter while the
    # previous redraw is still arriving replaces that request: htmx then logs the abort as a console error.)
    expect(page.locator(".metrics-scope")).to_contain_text(f"{cohort.name}")
    with page.expect_response(re.compile(r"/dashboards/\?.*level=2")):
        page.get_by_role("combobox", name="Management level").select_option("2")
    expect(page).to_have_url(re.compile(rf"cohort={cohort.pk}.*level=2"))
    expect(page.get_by_role("status")).to_contain_text("Dashboard updated")
    expect(page.locator(".metrics-scope")).to_contain_text(f"{cohort.name}")
    expect(page.locator(".metrics-scope")).to_contain_text("Middle manager")

    # Charts are drawn by Chart.js from the panel data, next to their tables.
    panel = page.locator("#panel-contributors")
    expect(panel.locator("canvas")).to_be_visible()
    drawn = page.evaluate("() => !!Chart.getChart(document.querySelector('#panel-contributors canvas'))")
    assert drawn
    charts = page.evaluate("() => [...document.querySelectorAll('canvas')].filter(c => Chart.getChart(c)).length")
    assert charts >= 8
    table = page.evaluate(TABLE_JS, "contributors")
    assert table[0] == ["Week starting", "Contributors", "Readers only"]
    assert len(table) >= 9

    # Only middle managers of this cohort are counted: the level panel shows that level alone.
    levels = page.evaluate(TABLE_JS, "level-share")
    assert [row[0] for row in levels[1:]] == ["Middle manager"]

    # The CSV holds exactly the table.
    with page.expect_download() as download_info:
        panel.get_by_role("link", name=re.compile("Download CSV")).click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"keystone-contributors-{cohort.slug}-")
    with open(download.path(), newline="") as handle:
        assert list(csv.reader(handle)) == table

    # The shared address opens the same view for a colleague (no JavaScript state involved).
    page.goto(page.url)
    assert page.evaluate(TABLE_JS, "contributors") == table
    assert not errors, errors
