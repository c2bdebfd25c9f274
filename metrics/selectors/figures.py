"""Figures with a privacy floor, and the Panel every chart, table, CSV and e-mail is drawn from.

A panel's chart, its table and its CSV all come from the same ``rows`` of ``Cell`` objects, so
what the chart draws, what the table shows and what the CSV holds cannot disagree.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from ..disclosure import (  # noqa: F401 (the cell rules live in metrics.disclosure; re-exported for panels)
    NA,
    Cell,
    change,
    count,
    for_siblings,
    hide_like,
    number,
    over_weeks,
    part_of,
    partition,
    people_in,
    percent,
    primary_text,
    secondary_text,
    text,
    withheld,
)

GROUP = ("cohort_id", "management_level", "department")  # the row group every selection is a union of


def per_group(rows, key, fields) -> dict:
    """{key(row): {field: {(cohort, level, department): value}}} from rows grouped by ``GROUP`` (and more)."""
    out: dict = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        group = (row["cohort_id"], row["management_level"], row["department"] or "")
        for name in fields:
            figure = out[key(row)][name]
            figure[group] = figure.get(group, 0) + (row[name] or 0)
    return out


def weekly_people(scope, siblings: dict | None) -> dict | None:
    """From per-week sibling decisions ({key: [[people per group], ...]}), this selection's people per week.

    None when there are no sibling figures (no plan) or the scope is no selection the plan knows.
    """
    if siblings is None or scope.plan is None:
        return None
    key = scope.plan.key(scope.cohort_ids, scope.level, scope.department)
    if key is None:
        return None
    return {name: [people_in(key, figures[0]) for figures in weeks] for name, weeks in siblings.items()}


def shield(scope, cells: list[Cell], *figures: dict) -> list[Cell]:
    """``cells`` hidden in this selection when the plan hides the figures here to protect a sibling selection."""
    if not scope.hides(*figures):
        return cells
    return [for_siblings(c, scope.k) for c in cells]


def shield_option(scope, cells: list[Cell], reach) -> list[Cell]:
    """``cells`` of a figure that ignores level and department, hidden where the plan hides it across cohort
    options (``Plan.hidden_options``; ``reach``: the options counting each person behind it)."""
    if not scope.hides_option(reach):
        return cells
    return [for_siblings(c, scope.k) for c in cells]


def protect(cells: list[Cell], k: int) -> list[Cell]:
    """Cells that add up to a total shown elsewhere: see ``metrics.disclosure.partition``."""
    return partition(cells, k)


@dataclass
class Series:
    column: int  # index into the panel's columns
    stack: str | None = None
    kind: str | None = None  # "line" inside a bar chart


@dataclass
class Panel:
    slug: str
    title: str
    question: str  # the question the panel answers, shown under its title
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    chart: str = "bar"  # bar | line
    series: list[Series] = field(default_factory=list)
    stacked: bool = False
    horizontal: bool = False
    y_title: str = ""
    note: str = ""
    definition: str = ""  # anchor on the "How each number is computed" page
    value_max: float | None = None  # fixed top of the value axis (5 for ratings)
    palette: str = ""  # "likert": a diverging scale from disagree to agree
    zeros_are_data: bool = False  # a row of zeros is a finding (a prompt nobody answered), not "no data"

    @property
    def empty(self) -> bool:
        """Nothing to show: no rows, or (for a chart) nothing but zeros and blanks."""
        if not self.rows:
            return True
        if not self.series or self.zeros_are_data:
            return False
        cells = [row[s.column] for row in self.rows for s in self.series]
        return all(c.value in (None, 0) and not c.suppressed for c in cells)

    @property
    def layout(self) -> str:
        """Chart and table side by side when the table is narrow enough, else one above the other."""
        return "side" if self.series and len(self.columns) <= 4 else "stack"

    @property
    def chart_json(self) -> str:
        """The chart's data for metrics.js, carried in a data attribute (autoescaped by the template).

        Not json_script: htmx (allowScriptTags off, as our CSP wants) drops every <script> element,
        data ones included, from swapped fragments, so a filtered dashboard would lose its charts.
        """
        return json.dumps(self.chart_data(), separators=(",", ":"))

    def chart_data(self) -> dict:
        return {
            "type": self.chart,
            "labels": [row[0].text for row in self.rows],
            "datasets": [
                {
                    "label": self.columns[s.column],
                    "data": [row[s.column].value for row in self.rows],
                    **({"stack": s.stack} if s.stack else {}),
                    **({"type": s.kind} if s.kind else {}),
                }
                for s in self.series
            ],
            "stacked": self.stacked,
            "horizontal": self.horizontal,
            "yTitle": self.y_title,
            "max": self.value_max,
            "palette": self.palette,
        }

    @property
    def chart_drawable(self) -> bool:
        """False when every plotted figure is hidden or blank: an empty chart would only mislead."""
        return any(row[s.column].value is not None for row in self.rows for s in self.series)

    @property
    def chart_size(self) -> str:
        """Horizontal bar charts grow with their rows so labels never overlap."""
        rows = len(self.rows)
        if not self.horizontal or rows <= 8:
            return "normal"
        return "tall" if rows <= 16 else "xtall"

    def table(self) -> list[list[str]]:
        """Header and rows exactly as the table shows them (and as the CSV holds them)."""
        return [list(self.columns), *[[c.text for c in row] for row in self.rows]]
