"""At phone width: the console's member table shows every column (one labelled card per member), dashboard
filters show their whole labels, and a table wider than the screen says it scrolls sideways."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _sign_in(page, client, live_server, user):
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_console_member_table_shows_every_column_on_a_phone(world, client, live_server, page):
    page.set_viewport_size(PHONE)
    _sign_in(page, client, live_server, world.users["facilitator"])
    cohort_slug = world.pages["facilitator"][1][1].rstrip("/").split("/")[-1]
    page.goto(f"{live_server.url}/facilitate/cohorts/{cohort_slug}/")
    row = page.locator(".facil-table tbody tr").first
    for label in ("Onboarding", "Goals", "Last active", "Posts", "Entries", "Survey", "Nudged"):
        cell = row.locator(f'td[data-label="{label}"]')
        assert cell.is_visible(), label
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], label
    # The page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_dashboard_filters_show_whole_labels_on_a_phone(world, client, live_server, page):
    page.set_viewport_size(PHONE)
    _sign_in(page, client, live_server, world.users["analyst"])
    page.goto(f"{live_server.url}/dashboards/")
    cut = page.evaluate(
        """() => {
      const canvas = document.createElement('canvas').getContext('2d');
      const out = [];
      for (const select of document.querySelectorAll('.metrics-filters select')) {
        const style = getComputedStyle(select);
        canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const text = select.options[select.selectedIndex]?.text || '';
        const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        if (canvas.measureText(text).width > room + 1) out.push(text);
      }
      return out;
    }"""
    )
    assert page.locator(".metrics-filters select").count() > 0
    assert cut == [], f"filter labels cut off: {cut}"
    # ...and a long choice (the demo's cohorts and departments have them) does not make the page scroll sideways.
    page.evaluate(
        """() => document.querySelector('.metrics-filters select')
          .add(new Option('Organisation-wide leadership programme, second intake (autumn)', 'x'))"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_table_wider_than_the_screen_says_it_scrolls(world, client, live_server, page):
    page.set_viewport_size({"width": 800, "height": 700})  # a small tablet: the console keeps its table
    _sign_in(page, client, live_server, world.users["facilitator"])
    cohort_slug = world.pages["facilitator"][1][1].rstrip("/").split("/")[-1]
    page.goto(f"{live_server.url}/facilitate/cohorts/{cohort_slug}/")
    # The member table, given more columns than the screen holds (as a long programme's goals would).
    page.evaluate(
        """() => {
      const box = document.querySelector('.table-scroll');
      const row = box.querySelector('tr');
      for (let i = 0; i < 12; i++) {
        const th = document.createElement('th');
        th.textContent = 'A long heading ' + i;
        row.appendChild(th);
      }
      window.dispatchEvent(new Event('resize'));
    }"""
    )
    hint = page.locator(".scroll-hint").first
    assert hint.is_visible()
    assert "scroll sideways" in hint.inner_text()
    box = page.locator(".table-scroll").first
    assert box.get_attribute("tabindex") == "0"
    assert box.get_attribute("aria-describedby") == hint.get_attribute("id")
