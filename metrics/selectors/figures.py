"""Figures with a privacy floor, and the Panel every chart, table, CSV and e-mail is drawn from.

A panel's chart, its table and its CSV all come from the same ``rows`` of ``Cell`` objects, so
what the chart draws, what the table shows and what the CSV holds cannot disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

NA = "n/a"  # not applicable: nothing to compute (e.g. no answered topics)


@dataclass(frozen=True)
class Cell:
    value: float | int | None  # what the chart plots (None when suppressed or not applicable)
    text: str  # what the table shows and the CSV holds
    suppressed: bool = False


def suppressed_text(k: int) -> str:
    return f"fewer than {k}"


def _hidden(people: int | None, k: int) -> bool:
    """A figure describing 1..k-1 people is hidden; zero describes nobody and is shown."""
    return bool(k) and people is not None and 0 < people < k


def count(n: int | None, *, people: int | None = None, k: int = 0) -> Cell:
    """A count; ``people`` is how many people it describes (defaults to ``n`` itself)."""
    if n is None:
        return Cell(None, NA)
    if _hidden(n if people is None else people, k):
        return Cell(None, suppressed_text(k), True)
    return Cell(int(n), str(int(n)))


def number(value: float | None, *, people: int | None, k: int = 0, digits: int = 1) -> Cell:
    """A mean, ratio or duration that describes ``people`` people."""
    if value is None:
        return Cell(None, NA)
    if _hidden(people, k):
        return Cell(None, suppressed_text(k), True)
    rounded = round(float(value), digits)
    return Cell(rounded, f"{rounded:.{digits}f}")


def percent(part: int | None, whole: int | None, *, people: int | None, k: int = 0) -> Cell:
    if not whole or part is None:
        return Cell(None, NA)
    return number(100.0 * part / whole, people=people, k=k)


def text(value: object) -> Cell:
    return Cell(None, "" if value is None else str(value))


def protect(cells: list[Cell], k: int) -> list[Cell]:
    """Secondary suppression for cells that add up to a total shown elsewhere.

    If exactly one of them is hidden, it could be recovered by subtraction, so the smallest other
    non-zero figure is hidden too.
    """
    hidden = [c for c in cells if c.suppressed]
    shown = [(c.value, i) for i, c in enumerate(cells) if not c.suppressed and c.value]
    if len(hidden) != 1 or not shown:
        return cells
    _, index = min(shown)
    return [Cell(None, suppressed_text(k), True) if i == index else c for i, c in enumerate(cells)]


def change(a: Cell, b: Cell, *, digits: int = 1) -> tuple[Cell, Cell]:
    """B minus A and the change in per cent of A; hidden when either side is hidden."""
    if a.suppressed or b.suppressed:
        return Cell(None, NA, True), Cell(None, NA, True)
    if a.value is None or b.value is None:
        return Cell(None, NA), Cell(None, NA)
    diff = round(b.value - a.value, digits)
    is_float = isinstance(a.value, float) or isinstance(b.value, float)
    diff_text = f"{diff:+.{digits}f}" if is_float else f"{int(diff):+d}"
    if not a.value:
        return Cell(diff, diff_text), Cell(None, NA)
    pct = round(100.0 * (b.value - a.value) / abs(a.value), 1)
    return Cell(diff, diff_text), Cell(pct, f"{pct:+.1f}")


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

    @property
    def empty(self) -> bool:
        """Nothing to show: no rows, or (for a chart) nothing but zeros and blanks."""
        if not self.rows:
            return True
        if not self.series:
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
