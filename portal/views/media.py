"""The permission check behind protected media (see portal.media_access)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.static import serve

from ..media_access import may_read, media_name


@never_cache
def media_auth(request):
    """Caddy's ``forward_auth``: 204 lets the proxy send the file; 401/403/404 are passed to the visitor.

    Caddy copies the visitor's cookies and sends the original URI in ``X-Forwarded-Uri``.
    """
    name = media_name(request.headers.get("X-Forwarded-Uri", ""), settings.MEDIA_URL)
    if name is None:
        return HttpResponse(status=404)
    if not request.user.is_authenticated:
        return HttpResponse("Sign in to see this image.", status=401, content_type="text/plain")
    if not may_read(request.user, name):
        # The same answer as a file that does not exist: nothing about other cohorts is revealed.
        return HttpResponse(status=404)
    response = HttpResponse(status=204)
    # Browsers may keep a private copy; shared caches never.
    response["Cache-Control"] = "private, max-age=300"
    return response


def protected_serve(request, path: str):
    """Development (DEBUG or SERVE_MEDIA): Django sends the file itself, after the same check."""
    name = media_name(settings.MEDIA_URL + path, settings.MEDIA_URL)
    if name is None or not request.user.is_authenticated or not may_read(request.user, name):
        raise Http404
    return serve(request, name, document_root=settings.MEDIA_ROOT)
