"""CSV downloads: exactly the rows and words a panel's table shows."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.text import slugify

from portal import csv_safe

from .selectors.figures import Panel


def csv_response(panel: Panel, *, name_parts: list[str]) -> HttpResponse:
    filename = "-".join(slugify(p) for p in ["keystone", panel.slug, *name_parts] if p) + ".csv"
    # The portal's one CSV writer neutralises formula cells (a prompt title like "=HYPERLINK(...)").
    return csv_safe.csv_response(panel.table(), filename=filename)
