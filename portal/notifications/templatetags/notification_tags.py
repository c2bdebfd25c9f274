"""The notification bell in the header (``{% notification_bell %}``) and the strings each row of the list and the
dropdown shows, computed without a URL reversal or template filters per row (issue 13)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from django import template
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from portal.links import url_maker
from portal.notifications import Event
from portal.notifications.selectors import bell_summary_cached
from portal.templatetags.isodates import time_html

register = template.Library()


@register.inclusion_tag("portal/notifications/partials/bell.html", takes_context=True)
def notification_bell(context):
    """The bell with its unread count; reuses a summary the view already computed."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    session = getattr(request, "session", None)
    bell = context.get("bell") or bell_summary_cached(user, getattr(session, "session_key", None))
    return {"show": True, "bell": bell, "request": request}


@lru_cache(maxsize=8)
def _maker(name: str, script_prefix: str, urlconf: str | None) -> Callable[[Any], str]:
    return url_maker(name)


def _link(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` from the pattern reversed once per process, URLconf and script prefix."""
    return _maker(name, get_script_prefix(), get_urlconf())(int(pk))


@register.filter
def notification_open_url(pk: int) -> str:
    """``{% url 'notifications:open' pk %}``."""
    return _link("notifications:open", pk)


@register.filter
def notification_mark_read_url(pk: int) -> str:
    """``{% url 'notifications:mark-read' pk %}``."""
    return _link("notifications:mark-read", pk)


@register.filter
def notification_time(moment: datetime) -> SafeString:
    """The row's ``<time>``: ISO datetime, full date as its title, short date shown (the active zone and
    language), formatted once per moment."""
    return time_html(moment, "j M, H:i", get_language(), timezone.get_current_timezone_name())


@register.simple_tag
def notification_event_options(selected: str) -> SafeString:
    """The list filter's ``<option>`` per kind of event, ``selected`` marked: built once per process and choice."""
    return _event_options(selected)


@lru_cache(maxsize=64)
def _event_options(selected: str) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in Event.choices),
    )
