"""portal.urls_accounts is allauth.urls with lazily imported MFA views: the same paths, names and views.

Built from allauth's own ``allauth.urls`` (imported here, in the test process only), so an allauth upgrade that
adds, renames or moves a URL fails here instead of leaving the site's accounts URLs behind.
"""

from django.urls import URLPattern, URLResolver, resolve, reverse
from django.utils.module_loading import import_string

from portal import urls_accounts
from portal.lazyviews import VIEW_FLAGS


def flatten(patterns, prefix=""):
    """(route, name, the view that answers, view flags) for every URL, in resolution order."""
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from flatten(p.url_patterns, prefix + str(p.pattern))
            continue
        view = p.callback
        real = import_string(view.lazy_view) if hasattr(view, "lazy_view") else view
        flags = tuple(getattr(view, flag, None) for flag in VIEW_FLAGS)
        target = (getattr(real, "view_class", real), getattr(real, "view_initkwargs", None))
        yield prefix + str(p.pattern), p.name, target, flags


def test_the_accounts_urls_are_allauths_own():
    import allauth.urls

    ours, theirs = list(flatten(urls_accounts.urlpatterns)), list(flatten(allauth.urls.urlpatterns))
    assert ours == theirs
    assert len(ours) > 30


def test_only_the_mfa_base_views_are_lazy_and_carry_their_real_flags():
    lazy = [p for p in _patterns(urls_accounts.urlpatterns) if hasattr(p.callback, "lazy_view")]
    assert sorted(p.name for p in lazy) == ["mfa_authenticate", "mfa_index", "mfa_reauthenticate"]
    for p in lazy:
        real = import_string(p.callback.lazy_view)
        assert all(getattr(p.callback, f, None) == getattr(real, f, None) for f in VIEW_FLAGS)


def test_the_site_routes_the_mfa_urls_to_the_proxies():
    assert reverse("mfa_index") == "/accounts/2fa/"
    assert reverse("mfa_authenticate") == "/accounts/2fa/authenticate/"
    assert resolve("/accounts/2fa/").func.lazy_view == "allauth.mfa.base.views.index"
    assert resolve("/accounts/2fa/totp/activate/").url_name == "mfa_activate_totp"


def _patterns(patterns):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns)
        elif isinstance(p, URLPattern):
            yield p
