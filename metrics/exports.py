"""CSV downloads: exactly the rows and words a panel's table shows."""

from __future__ import annotations

import csv
import re

from django.http import HttpResponse
from django.utils.text import slugify

from .selectors.figures import Panel

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _safe(value: str) -> str:
    """Neutralise spreadsheet formulas in text cells (a prompt title like "=HYPERLINK(...)"); numbers stay numbers."""
    if value and value[0] in "=+-@\t\r" and not _NUMBER.match(value):
        return "'" + value
    return value


def csv_response(panel: Panel, *, name_parts: list[str]) -> HttpResponse:
    filename = "-".join(slugify(p) for p in ["keystone", panel.slug, *name_parts] if p) + ".csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in panel.table():
        writer.writerow([_safe(cell) for cell in row])
    return response
