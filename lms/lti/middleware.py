"""LTI sessions work inside the LMS's iframe; every other session keeps the strict defaults.

For a session started by an LTI launch (marked by the launch in the session and by a marker cookie,
so ordinary requests pay no extra query): the session, CSRF and marker cookies are sent with
``SameSite=None; Secure`` on HTTPS (needed inside a cross-site iframe), ``frame-ancestors`` allows
'self' and the launching platform's origins only, and ``X-Frame-Options`` is dropped for them.
"""

from __future__ import annotations

from django.conf import settings

SESSION_FRAME = "lti_frame"  # {"origins": [...], "registration": <pk>} set by the launch view
MARKER_COOKIE = "keystone_lti"


def frame_origins(request) -> list[str] | None:
    origins = getattr(request, "lti_frame_origins", None)
    if origins is not None:
        return origins
    if MARKER_COOKIE not in request.COOKIES:
        return None
    session = getattr(request, "session", None)
    frame = session.get(SESSION_FRAME) if session is not None else None
    return list(frame["origins"]) if frame else None


class LtiFrameMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = frame_origins(request)
        if origins is None:
            if MARKER_COOKIE in request.COOKIES:
                response.delete_cookie(MARKER_COOKIE)
            # A launch refused before anyone is signed in: its explanation may show in a registered LMS's frame.
            only = getattr(request, "lti_frame_only", None)
            if only:
                self._allow_framing(response, only)
            return response
        if getattr(request, "lti_frame_origins", None) is not None:
            response.set_cookie(MARKER_COOKIE, "1", max_age=settings.SESSION_COOKIE_AGE, httponly=True)
        self._allow_framing(response, origins)
        if request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, MARKER_COOKIE):
                morsel = response.cookies.get(name)
                if morsel is not None and morsel.value:
                    morsel["samesite"] = "None"
                    morsel["secure"] = True
        return response

    @staticmethod
    def _allow_framing(response, origins: list[str]) -> None:
        if "X-Frame-Options" in response.headers:
            del response.headers["X-Frame-Options"]
        ancestors = " ".join(["'self'", *origins])
        header = "Content-Security-Policy"
        policy = response.headers.get(header)
        if policy is None:
            response.headers[header] = f"frame-ancestors {ancestors}"
            return
        directives = [d.strip() for d in policy.split(";") if d.strip()]
        directives = [d for d in directives if not d.startswith("frame-ancestors")]
        directives.append(f"frame-ancestors {ancestors}")
        response.headers[header] = "; ".join(directives)
