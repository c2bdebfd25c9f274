"""Every lazy view of the URLconf (portal.lazyviews) stands for a real view with the same middleware flags.

A proxy carries ``csrf_exempt`` and ``login_required`` as given in the URL module; this checks them against the
real view, so an LTI launch stays CSRF-exempt and allauth's sign-in stage stays open to people not signed in.
"""

from django.urls import URLResolver, get_resolver, resolve
from django.utils.module_loading import import_string

from portal.lazyviews import VIEW_FLAGS, lazy_view


def lazy_patterns(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from lazy_patterns(p.url_patterns, prefix + str(p.pattern))
        elif hasattr(p.callback, "lazy_view"):
            yield prefix + str(p.pattern), p.callback


def test_every_lazy_view_is_a_real_view_with_its_flags():
    found = list(lazy_patterns(get_resolver().url_patterns))
    assert len(found) >= 58  # allauth's MFA stage, the LMS's and LTI's pages, dashboards, facilitation
    for route, proxy in found:
        real = import_string(proxy.lazy_view)
        assert callable(real) and not hasattr(real, "lazy_view"), route
        assert [getattr(proxy, f, None) for f in VIEW_FLAGS] == [getattr(real, f, None) for f in VIEW_FLAGS], route


def test_the_lti_launch_stays_csrf_exempt():
    assert resolve("/lti/launch/").func.csrf_exempt is True
    assert resolve("/lti/login/").func.csrf_exempt is True


def test_a_lazy_view_answers_as_the_real_one(client, leader):
    client.force_login(leader)
    response = client.get("/dashboards/me/")
    assert response.status_code == 200
    assert response.resolver_match.func.lazy_view == "metrics.views.me"
    assert response.resolver_match.url_name == "me"


def test_a_flag_the_proxy_does_not_know_is_refused():
    try:
        lazy_view("metrics.views.me", csrf_exmpt=True)
    except TypeError as error:
        assert "csrf_exmpt" in str(error)
    else:
        raise AssertionError("a misspelt flag was accepted")
