"""The notification bell in the header: ``{% load notification_tags %}{% notification_bell %}``."""

from django import template

from portal.notifications.selectors import bell_summary_cached

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
