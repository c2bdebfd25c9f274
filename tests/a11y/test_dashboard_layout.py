"""The dashboards' layout, found wrong by looking at them at desktop width.

- The filter row: each select is at least as wide as its longest choice, but its field could be squeezed
  narrower by the row, so "All cohorts" ran under "From", "All levels" under "Department" and "All departments"
  under "Readiness survey". At every width no select may leave its field or cover another.
- A chart with its table beside it: when the table was wider than its half, the "scrolls sideways" hint became
  an item of the panel's grid, took the table's place beside the chart and pushed the table under the chart,
  into a narrower column that needed even more scrolling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from metrics.rollup import rollup_run
from tests.metrics.conftest import History

pytestmark = pytest.mark.browser

WIDTHS = (1280, 1024, 768, 390)
PAGES = ("/dashboards/", "/dashboards/compare/", "/dashboards/trends/")

CLASHES = """() => {
  const out = [];
  const controls = [...document.querySelectorAll('.metrics-filters select, .metrics-filters input')];
  const boxes = controls.map(c => c.getBoundingClientRect());
  controls.forEach((control, i) => {
    const field = control.closest('.field');
    if (field && boxes[i].right > field.getBoundingClientRect().right + 1) out.push(`${control.name} leaves its field`);
    controls.slice(i + 1).forEach((other, k) => {
      const a = boxes[i], b = boxes[i + 1 + k];
      if (a.right > b.left + 1 && b.right > a.left + 1 && a.bottom > b.top + 1 && b.bottom > a.top + 1) {
        out.push(`${control.name} covers ${other.name}`);
      }
    });
  });
  return {clashes: out, controls: controls.length, scroll: document.documentElement.scrollWidth};
}"""


@pytest.mark.django_db(transaction=True)
def test_dashboard_filters_never_overlap_at_any_width(page, live_server, login, analyst):
    login(page, analyst)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in PAGES:
            page.goto(f"{live_server.url}{path}")
            found = page.evaluate(CLASHES)
            assert found["controls"] >= 6, path
            assert found["clashes"] == [], (width, path, found["clashes"])
            assert found["scroll"] <= width, (width, path)


SIDE_BY_SIDE = """() => [...document.querySelectorAll('.metrics-panel__body--side')].flatMap(body => {
  const chart = body.querySelector(':scope > .metrics-chart'), table = body.querySelector('.metrics-table');
  if (!chart || !table) return [];
  const c = chart.getBoundingClientRect(), t = table.getBoundingClientRect();
  const hint = body.querySelector('.scroll-hint');
  return [{panel: body.closest('.metrics-panel').dataset.panel, beside: t.left >= c.right && t.top < c.bottom,
           hinted: !!hint, hintAbove: !hint || hint.getBoundingClientRect().bottom <= t.top + 1}];
})"""


@pytest.mark.django_db(transaction=True)
def test_a_table_wider_than_its_half_stays_beside_its_chart_with_the_hint_above_it(page, live_server, login, analyst):
    org = History(12, people=30)  # enough people for the charts to be drawn
    org.add(2000, timezone.now() - timedelta(days=60), 60)
    rollup_run()
    login(page, analyst)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/dashboards/")
    panels = page.evaluate(SIDE_BY_SIDE)
    assert panels and all(p["beside"] for p in panels), panels
    # Every side table given a column wider than its half (as a long label or a hidden cell can make it), then
    # the page's own check runs again (it runs on every resize).
    page.evaluate(
        """() => document.querySelectorAll('.metrics-panel__body--side .metrics-table tr').forEach(row => {
          const cell = document.createElement(row.parentElement.tagName === 'THEAD' ? 'th' : 'td');
          cell.textContent = 'a column far wider than half of the panel '.repeat(2);
          row.appendChild(cell);
        })"""
    )
    page.set_viewport_size({"width": 1279, "height": 900})
    # (A table already wide enough at load has its hint already: wait for every side table's.)
    page.wait_for_function(
        """() => [...document.querySelectorAll('.metrics-panel__body--side')]
          .filter(body => body.querySelector(':scope > .metrics-chart') && body.querySelector('.metrics-table'))
          .every(body => body.querySelector('.scroll-hint'))"""
    )
    panels = page.evaluate(SIDE_BY_SIDE)
    assert all(p["hinted"] for p in panels), panels
    assert all(p["beside"] and p["hintAbove"] for p in panels), panels
