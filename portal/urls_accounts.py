"""allauth's URLs (``allauth.urls``), the same paths and names, with its MFA stage views imported on first use.

Issue 13 (worker RSS): ``allauth.mfa.base.views`` imports allauth's MFA stages, and with them its WebAuthn
flows and fido2, even though this site offers TOTP and recovery codes only: ≈ 2.4 MB in every web worker,
for views a person opens when signing in with TOTP or managing it. ``allauth.urls`` imports that module through
``allauth.mfa.urls``, so this module builds the same list as ``allauth.urls`` does (read for allauth 65) without
importing either, and points the MFA base URLs at ``portal.lazyviews.lazy_view`` proxies. The real view (and
fido2) is imported by the first request to one of them; everything else is allauth's own URL modules.

``tests/portal/test_urls_accounts.py`` checks that every path, name and view here is allauth's own, so an
allauth upgrade that changes its URLs fails the test instead of silently diverging.
"""

from __future__ import annotations

from importlib import import_module

from allauth import app_settings
from allauth.socialaccount import providers
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic.base import RedirectView

from portal.lazyviews import lazy_view


def _mfa_urlpatterns() -> list[URLPattern | URLResolver]:
    from allauth.mfa import app_settings as mfa_settings

    base = "allauth.mfa.base.views"
    patterns: list[URLPattern | URLResolver] = [
        path("", lazy_view(f"{base}.index"), name="mfa_index"),
        # The sign-in stage, before the person is signed in: allauth marks it login_not_required.
        path("authenticate/", lazy_view(f"{base}.authenticate", login_required=False), name="mfa_authenticate"),
        path("reauthenticate/", lazy_view(f"{base}.reauthenticate"), name="mfa_reauthenticate"),
    ]
    if mfa_settings._TRUST_STAGE_ENABLED:
        patterns.append(path("trust/", lazy_view(f"{base}.trust", login_required=False), name="mfa_trust"))
    urlpatterns: list[URLPattern | URLResolver] = [path("", include(patterns))]
    if "totp" in mfa_settings.SUPPORTED_TYPES:
        urlpatterns.append(path("totp/", include("allauth.mfa.totp.urls")))
    if "recovery_codes" in mfa_settings.SUPPORTED_TYPES:
        urlpatterns.append(path("recovery-codes/", include("allauth.mfa.recovery_codes.urls")))
    if "webauthn" in mfa_settings.SUPPORTED_TYPES:  # WebAuthn needs fido2 anyway
        urlpatterns.append(path("webauthn/", include("allauth.mfa.webauthn.urls")))
    return urlpatterns


def _provider_urlpatterns() -> list[URLPattern | URLResolver]:
    """As ``allauth.urls.build_provider_urlpatterns``: OpenID Connect last (its URLs match the others')."""
    classes = providers.registry.get_class_list()
    classes = [c for c in classes if c.id != "openid_connect"] + [c for c in classes if c.id == "openid_connect"]
    patterns: list[URLPattern | URLResolver] = []
    for provider_class in classes:
        patterns += getattr(import_module(f"{provider_class.get_package()}.urls"), "urlpatterns", None) or []
    return patterns


urlpatterns: list[URLPattern | URLResolver] = []
if not app_settings.HEADLESS_ONLY:
    urlpatterns += [path("", include("allauth.account.urls"))]
    if app_settings.MFA_ENABLED:
        urlpatterns += [path("2fa/", include(_mfa_urlpatterns()))]
if app_settings.SOCIALACCOUNT_ENABLED and not app_settings.HEADLESS_ONLY:
    urlpatterns += [path("3rdparty/", include("allauth.socialaccount.urls"))]
    legacy = {
        "social/login/cancelled/": "socialaccount_login_cancelled",
        "social/login/error/": "socialaccount_login_error",
        "social/signup/": "socialaccount_signup",
        "social/connections/": "socialaccount_connections",
    }
    urlpatterns += [path(route, RedirectView.as_view(pattern_name=n, permanent=True)) for route, n in legacy.items()]
if app_settings.SOCIALACCOUNT_ENABLED:
    urlpatterns += _provider_urlpatterns()
if app_settings.USERSESSIONS_ENABLED and not app_settings.HEADLESS_ONLY:
    urlpatterns += [path("sessions/", include("allauth.usersessions.urls"))]
