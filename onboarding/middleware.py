"""After sign-in: send people who acknowledged an earlier major policy version to acknowledge the new one.

Asks once per sign-in: the first page after signing in is the policy; after that the person reads and
works freely (L&D's authoring pages included) and only publishing waits for the acknowledgement (the
content pipeline's policy gate refuses a post or entry until then). Costs no query on ordinary requests:
it acts only on the flag the sign-in signal put in the session.
"""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .signals import SESSION_REACK

_PASS_THROUGH = ("/accounts/", "/static/", "/media/", "/healthz", "/admin/", "/__")


class OnboardingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is None or request.method != "GET" or request.headers.get("HX-Request"):
            return self.get_response(request)
        if not session.get(SESSION_REACK):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(_PASS_THROUGH):
            return self.get_response(request)
        policy_url = reverse("onboarding:policy")
        # Asked once: reading and authoring are never blocked; the publishing gate does the rest.
        session.pop(SESSION_REACK, None)
        if request.path.startswith(policy_url):
            return self.get_response(request)
        return redirect(f"{policy_url}?reason=new-version&next={_next(request)}")


def _next(request) -> str:
    from urllib.parse import quote

    target = request.get_full_path()
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return quote(target)
