"""Template tags other apps' composers use to show the coach."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("onboarding/partials/coach_slot.html", takes_context=True)
def coach_slot(context, kind: str, board=None, form=None):
    """The live coach panel for a composer; put it inside the composer's <form>.

    ``{% load onboarding %}{% coach_slot "reply" board=board form=form %}``
    """
    return {
        "kind": kind,
        "board": board,
        "form": form,
        "debounce": settings.ONBOARDING_COACH_DEBOUNCE_MS,
        "request": context.get("request"),
    }
