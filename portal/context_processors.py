"""What every page's chrome (templates/base.html: header, menus, footer) needs, cheaply (issue 13).

Guarantees:
- ``chrome``: the header's fixed links, reversed once per process for each URLconf, script prefix and language
  (URLs do not change while a process runs); a route that is not installed is "" exactly as ``{% url ... as x %}``
  gives, so its link is left out. Nothing per person is kept: the person's own profile link is reversed per
  request, and which links a person sees is decided per request from ``nav``;
- ``nav``: what the person's roles show (dashboards, facilitation and invitations, site administration),
  computed per request from the role names the request already read (``get_role_names`` keeps them on the
  user for the request);
- the administrators' links (``ADMIN_URLS``) are reversed only for a page an administrator sees: reversing
  ``admin:index`` builds the reverse table of the admin's ≈ 350 URL patterns (≈ 2 MB a web process, issue 13
  worker RSS), which a process serving only members never needs.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from portal.people import permissions

# Context name -> URL name: every link of the header without arguments.
CHROME_URLS = {
    "home": "home",
    "boards": "forums:index",
    "blogs": "blogs:index",
    "learn": "onboarding:index",
    "dashboards": "metrics:index",
    "people": "people:directory",
    "facilitate": "facilitation:index",
    "search": "search",
    "profile_edit": "people:profile-edit",
    "invite": "invitations:create",
    "my_progress": "metrics:me",
    "my_drafts": "forums:my-drafts",
    "saved": "forums:saved",
    "mutes": "forums:mutes",
    "reviews": "facilitation:reviews",
    "account_email": "account_email",
    "mfa": "mfa_index",
    "logout": "account_logout",
}
# Only administrators see these links (``nav.admin``).
ADMIN_URLS = {"admin": "admin:index", "lti_platforms": "lti:platforms"}
_kept: dict[tuple, dict[str, str]] = {}
_lock = threading.Lock()


def _reverse(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def chrome_urls(names: dict[str, str] = CHROME_URLS) -> dict[str, str]:
    """The header's fixed links (``names``) for this process's URLconf and the request's script prefix."""
    key = (tuple(names), settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), get_language())
    urls = _kept.get(key)
    if urls is None:
        urls = {name: _reverse(url_name) for name, url_name in names.items()}
        with _lock:
            _kept[key] = urls
    return urls


def portal(request):
    user = request.user
    authenticated = user.is_authenticated
    chrome = dict(chrome_urls())
    nav = {
        "dashboards": authenticated and permissions.can_view_dashboards(user),
        "invite": authenticated and permissions.can_invite_anywhere(user),
        "admin": authenticated and permissions.is_admin(user),
    }
    if authenticated:
        chrome["my_profile"] = _reverse("people:profile", user.pk)
    if nav["admin"]:
        chrome.update(chrome_urls(ADMIN_URLS))
    return {"SITE_NAME": settings.SITE_NAME, "chrome": chrome, "nav": nav}
