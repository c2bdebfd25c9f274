"""Template tags other apps' composers use to show the coach."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("onboarding/partials/coach_slot.html", takes_context=True)
def coach_slot(context, kind: str, board=None, form=None, form_selector: str = "closest form"):
    """The live coach panel for a composer; put it inside the composer's <form>, or anywhere with
    ``form_selector="#the-form-id"``.

    ``{% load onboarding %}{% coach_slot "reply" board=board form=form %}``
    """
    return {
        "kind": kind,
        "form_selector": form_selector,
        "board": board,
        "form": form,
        "debounce": settings.ONBOARDING_COACH_DEBOUNCE_MS,
        "request": context.get("request"),
    }
