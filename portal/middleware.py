"""Require TOTP for the roles that moderate or administer.

Reads what every page needs about the signed-in person in one query (issue 13): their role names (for the TOTP
rule here, and the header's role-dependent links), whether they have TOTP, and their profile (the header's
avatar and name), compiled once per thread (``portal.prepared``). Kept on the request's user only: nothing
is shared between requests or people.
"""

from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.urls import reverse

from portal.people.models import Profile, User, role_names_from_groups
from portal.people.permissions import must_use_mfa
from portal.prepared import prepared

# Paths a person without TOTP may still reach: setting it up, signing out, static files.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/healthz", "/__")
_PROFILE_FIELDS = [field.attname for field in Profile._meta.concrete_fields]


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            read_person(user)
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


def _person_rows(user_id: int):
    """One row per group of the person (one with no group name when they have none)."""
    from allauth.mfa.models import Authenticator

    totp = Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
    return (
        User.objects.filter(pk=user_id)
        .annotate(has_totp=Exists(totp))
        .values_list("groups__name", "has_totp", *(f"profile__{name}" for name in _PROFILE_FIELDS))
    )


def read_person(user) -> None:
    """Put the person's role names, TOTP state and profile on ``user`` (for this request), in one query.

    Guarantees: the same values ``get_role_names``, ``_has_totp`` and ``user.profile`` would read lazily; a
    user whose role names were already read (or changed) this request is left alone.
    """
    if getattr(user, "_role_names", None) is not None:
        return
    rows = prepared("portal.middleware.person", _person_rows, user.pk)
    if not rows:
        return
    user._has_totp = bool(rows[0][1])
    user._role_names = role_names_from_groups(user, (name for name, *_ in rows if name))
    profile_values = rows[0][2:]
    if profile_values[0] is not None and not User.profile.is_cached(user):
        user.profile = Profile.from_db(Profile.objects.db, _PROFILE_FIELDS, profile_values)


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
