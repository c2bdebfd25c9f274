"""``{{ when|iso }}``: a machine-readable time for ``<time datetime>``, valid HTML everywhere.

Django's ``date:'c'`` adds microseconds (the HTML checker refuses more than three fractional digits) and
``O`` writes ``+0000`` (which JavaScript's ``Date`` does not promise to parse), so the portal writes
ISO 8601 to the second with a ``+00:00`` offset, in the current time zone. Installed as a template
builtin (settings), so no template needs to load it.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso(value: datetime | date | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return ""
