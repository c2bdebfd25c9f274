"""``{{ when|iso }}``: a machine-readable time for ``<time datetime>``, valid HTML everywhere.

Django's ``date:'c'`` adds microseconds (the HTML checker refuses more than three fractional digits) and
``O`` writes ``+0000`` (which JavaScript's ``Date`` does not promise to parse), so the portal writes
ISO 8601 to the second with a ``+00:00`` offset, in the current time zone. Installed as a template
builtin (settings), so no template needs to load it.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

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


@lru_cache(maxsize=4096)
def time_html(moment: datetime, shown: str, language: str | None, zone: str) -> SafeString:
    """``<time>`` for ``moment``: its ``iso`` datetime, the full date as its title and ``shown`` (a date format)
    as its text, in the active time zone and language. Lists call it for the same moments on every request, so
    it is cached; the zone and language are in the key, so a reader in another zone or language never gets
    another's string."""
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" data-relative title="{}">{}</time>',
        iso(moment),
        date_filter(local, "j F Y, H:i"),
        date_filter(local, shown),
    )
