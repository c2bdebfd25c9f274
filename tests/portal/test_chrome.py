"""The site chrome (templates/base.html) per role, and what it costs (issue 13).

The header's fixed links are reversed once per process (portal.context_processors.chrome_urls) and the person's
roles, TOTP state and profile are read in one query (portal.middleware.read_person); what a person sees is still
decided per request from their own roles, and nothing per person is shared between people.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import clear_script_prefix, reverse, set_script_prefix

from portal.people.services import people as people_services
from tests.factories import NotificationFactory

LINK = re.compile(r'<a\b[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.S)
FORM = re.compile(r'<form\b[^>]*?action="([^"]*)"')

NAV = [("K Keystone", "/"), ("Home", "/"), ("Boards", "/boards/"), ("Blogs", "/blogs/"), ("People", "/people/")]
NAV += [("Learn", "/learn/")]
MENU = [
    ("My profile", "/people/{pk}/"),
    ("My progress", "/dashboards/me/"),
    ("Edit profile", "/people/me/edit/"),
    ("My drafts", "/boards/drafts/"),
    ("Saved", "/boards/saved/"),
    ("Muted", "/boards/muted/"),
    ("Private reviews", "/facilitate/reviews/"),
    ("Account and e-mail", "/accounts/email/"),
    ("Two-factor authentication", "/accounts/2fa/"),
]
BELL = [("See all notifications", "/notifications/")]
FACILITATE, DASHBOARDS = [("Facilitate", "/facilitate/")], [("Dashboards", "/dashboards/")]
INVITE = [("Invite people", "/invitations/")]
ADMIN = [("Site administration", "/admin/"), ("LMS platforms (LTI)", "/lti/platforms/")]

# What each role's header links to, in page order (as the header showed before issue 13's work).
EXPECTED = {
    "leader": NAV + BELL + MENU,
    "facilitator": NAV + FACILITATE + DASHBOARDS + BELL + MENU + INVITE,
    "analyst": NAV + DASHBOARDS + BELL + MENU,  # the L&D analyst
    "admin": NAV + FACILITATE + DASHBOARDS + BELL + MENU + INVITE + ADMIN,  # staff and superuser
}


def header(html: str) -> str:
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def header_links(html: str) -> list[tuple[str, str]]:
    return [(re.sub(r"<[^>]+>", "", text).strip(), href) for href, text in LINK.findall(header(html))]


@pytest.mark.parametrize("role", EXPECTED)
@pytest.mark.parametrize("page", ["home", "notifications:list", "people:directory"])
def test_the_header_shows_each_role_its_links(as_role, role, page):
    client, user = as_role(role)
    html = client.get(reverse(page)).content.decode()
    assert header_links(html) == [(text, href.format(pk=user.pk)) for text, href in EXPECTED[role]]
    assert FORM.findall(header(html)) == ["/search/", "/accounts/logout/"]
    assert f'<span class="user-menu__name">{user.display_name}</span>' in html
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    current = "Home" if page == "home" else "People" if page == "people:directory" else None
    marked = re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)</a>', header(html))
    assert marked == ([current] if current else [])


def test_people_in_one_process_see_their_own_header(client, leader, facilitator, analyst):
    """The links are kept per process, the person's name, profile link and role links are not."""
    for user, role in ((facilitator, "facilitator"), (leader, "leader"), (analyst, "analyst"), (leader, "leader")):
        client.force_login(user)
        html = client.get(reverse("home")).content.decode()
        assert header_links(html) == [(text, href.format(pk=user.pk)) for text, href in EXPECTED[role]]
        assert f'<span class="user-menu__name">{user.display_name}</span>' in html


def test_a_new_role_shows_its_links_on_the_next_request(client, leader):
    from portal.people.models import Role

    client.force_login(leader)
    assert "Dashboards" not in header(client.get(reverse("home")).content.decode())
    people_services.role_assign(user=leader, roles=[Role.ANALYST])
    assert ("Dashboards", "/dashboards/") in header_links(client.get(reverse("home")).content.decode())


def test_a_changed_name_shows_on_the_next_request(client, leader):
    client.force_login(leader)
    client.get(reverse("home"))
    leader.profile.display_name = "Lee Renamed"
    leader.profile.save()
    assert '<span class="user-menu__name">Lee Renamed</span>' in client.get(reverse("home")).content.decode()


def test_the_links_follow_the_script_prefix(client, leader):
    """A portal mounted under a path (SCRIPT_NAME) links under it; the kept links are per prefix."""
    client.force_login(leader)
    try:
        set_script_prefix("/portal/")
        links = dict(header_links(client.get("/").content.decode()))
        assert links["Boards"] == "/portal/boards/" and links["My profile"] == f"/portal/people/{leader.pk}/"
        set_script_prefix("/")
        links = dict(header_links(client.get("/").content.decode()))
        assert links["Boards"] == "/boards/" and links["My profile"] == f"/people/{leader.pk}/"
    finally:
        clear_script_prefix()


def test_the_unread_count_updates_at_once_after_a_notification(client, leader, other_leader):
    client.force_login(leader)
    client.get(reverse("home"))
    NotificationFactory(recipient=leader, actor=other_leader)
    bell = client.get(reverse("notifications:bell")).content.decode()
    assert 'aria-hidden="true">1<' in bell
    assert 'class="bell__count" aria-hidden="true">1<' in client.get(reverse("home")).content.decode()
    NotificationFactory(recipient=leader, actor=other_leader)
    assert 'aria-hidden="true">2<' in client.get(reverse("notifications:bell")).content.decode()
    assert 'class="bell__count" aria-hidden="true">2<' in client.get(reverse("home")).content.decode()


def test_facilitators_without_totp_are_still_sent_to_set_it_up(client, cohort):
    from tests.factories import facilitator_of

    client.force_login(facilitator_of(cohort))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].endswith("?required=1")


def _queries(client, url) -> list[str]:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("role", ["leader", "facilitator", "admin"])
def test_roles_totp_and_profile_cost_one_query(as_role, role):
    """The person's groups, TOTP and profile: one query a page, none read again by the header."""
    client, _user = as_role(role)
    queries = _queries(client, reverse("notifications:preferences"))
    assert len([q for q in queries if "auth_group" in q]) == 1
    assert not [q for q in queries if q.startswith('SELECT "people_profile"')]
    assert not [q for q in queries if q.startswith('SELECT 1 AS "a" FROM "mfa_authenticator"')]


def test_a_page_rendered_without_the_request_still_links_home(db):
    """An early 400 (no user yet) renders base.html without the context processors: the brand still links home."""
    from django.template import loader

    html = loader.get_template("errors/400.html").render({"status": 400, "SITE_NAME": "Keystone"}, None)
    assert '<a class="brand" href="/">' in html


@pytest.mark.parametrize("role", EXPECTED)
def test_only_an_administrators_page_builds_the_admins_reverse_table(db, as_role, role):
    """Reversing ``admin:index`` makes Django build (and keep) a namespace resolver with its own reverse table of the
    admin's ≈ 350 URL patterns, ≈ 1 MB a worker: a process serving members' pages never builds it, and an
    administrator still gets the link."""
    from django.urls import clear_url_caches
    from django.urls.resolvers import get_ns_resolver

    from portal import context_processors

    clear_url_caches()
    context_processors._kept.clear()
    client, _user = as_role(role)
    html = client.get(reverse("home")).content.decode()
    kept = get_ns_resolver.cache_info().currsize
    assert reverse("admin:index") == "/admin/"
    assert get_ns_resolver.cache_info().currsize == kept + (role != "admin")  # built now, unless the page had
    assert (("Site administration", "/admin/") in header_links(html)) is (role == "admin")
