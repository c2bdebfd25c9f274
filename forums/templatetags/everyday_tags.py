"""Issue 17 (feat): what the reader muted, for collapsing topics and posts in lists (one query per page)."""

from django import template

from ..selectors.personal import Mutes, user_mutes

register = template.Library()


@register.simple_tag(takes_context=True)
def reader_mutes(context) -> Mutes:
    if "muted" in context and isinstance(context["muted"], Mutes):
        return context["muted"]
    request = context.get("request")
    return user_mutes(getattr(request, "user", None))
