"""Require TOTP for the roles that moderate or administer."""

from django.shortcuts import redirect
from django.urls import reverse

from portal.people.permissions import must_use_mfa

# Paths a person without TOTP may still reach: setting it up, signing out, static files.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/healthz", "/__")


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not _signed_in_by_lms(request)
            and must_use_mfa(user)
            and not _has_totp(user)
        ):
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)


def _has_totp(user) -> bool:
    cached = getattr(user, "_has_totp", None)
    if cached is None:
        from allauth.mfa.models import Authenticator

        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._has_totp = cached
    return cached


def _signed_in_by_lms(request) -> bool:
    """lti: a session started by a validated LTI launch was authenticated by the LMS (LTI_TRUST_PLATFORM_MFA)."""
    from django.conf import settings

    return getattr(settings, "LTI_TRUST_PLATFORM_MFA", False) and bool(request.session.get("lti_mfa_by_platform"))
