"""Error pages in the portal's layout, each with a way back; a failed write gives its text back.

400, 403 and 404 render inside ``base.html`` (the request is sound, so the header works). A 500 renders
``500.html``, which needs no database, cache or session: it shows only what the failed request itself
carried. A CSRF failure (usually a form left open past its session) shows the same text-back panel.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

log = logging.getLogger(__name__)

# Form fields never given back: secrets and the machinery of forms.
_NEVER = ("password", "csrf", "token", "otp", "code", "secret", "key")
_MAX_FIELD = 20_000


def sent_text(request: HttpRequest) -> list[tuple[str, str]]:
    """The text fields of a failed POST (name, value), so the person can copy their words back."""
    if request.method != "POST":
        return []
    try:
        items = list(request.POST.lists())
    except Exception:  # an unreadable body (the reason for a 400, say): nothing to give back
        return []
    kept = []
    for name, values in items:
        if any(word in name.lower() for word in _NEVER):
            continue
        for value in values:
            if isinstance(value, str) and len(value.strip()) >= 2 and not value.strip().isdigit():
                kept.append((name.replace("_", " ").capitalize(), value[:_MAX_FIELD]))
    return kept[:6]


def _render(request, template: str, status: int, context: dict | None = None) -> HttpResponse:
    from django.conf import settings

    context = {"status": status, "sent_text": sent_text(request), "SITE_NAME": settings.SITE_NAME, **(context or {})}
    # A request refused before the middleware finished (a disallowed Host header answers 400 that early)
    # has no user: render without the context processors, which need one.
    usable = request if hasattr(request, "user") else None
    return HttpResponse(loader.get_template(template).render(context, usable), status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _render(request, "errors/400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _render(request, "errors/403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _render(request, "errors/404.html", 404)


def server_error(request):
    """No request context: context processors may be what failed (database, cache)."""
    template = loader.get_template("500.html")
    try:
        text = sent_text(request)
    except Exception:
        text = []
    return HttpResponse(template.render({"sent_text": text, "back": _safe_back(request)}), status=500)


def csrf_failure(request, reason=""):
    log.info("CSRF failure on %s: %s", request.path, reason)
    return _render(request, "errors/403_csrf.html", 403, {"back": _safe_back(request)})


def _safe_back(request) -> str:
    """Where "try again" goes: the page the form was on, if it is on this site; otherwise home."""
    path = request.path if request.method == "POST" else ""
    return path if path.startswith("/") and not path.startswith("//") else "/"
