"""Pages that have a feed advertise it in <head> (Atom and RSS) with the viewer's own token (issue 17)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from blogs.models import FeedToken
from tests.factories import BlogFactory, CohortFactory, EntryFactory, TagFactory

pytestmark = pytest.mark.django_db


def alternates(html: str) -> list[tuple[str, str]]:
    head = html.split("</head>", 1)[0]
    return re.findall(r'<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)">', head)


def test_each_feed_page_advertises_atom_and_rss_with_the_viewers_token(client, leader, other_leader, cohort):
    blog = BlogFactory(owner=other_leader)
    tag = TagFactory(name="pilots")
    EntryFactory(blog=blog, tags=[tag])
    cohort_blog = BlogFactory(owner=None, kind="cohort", cohort=cohort, title="Northern Lights blog")
    client.force_login(leader)
    pages = {
        reverse("blogs:index"): "/organisation/",
        reverse("blogs:following"): "/following/",
        blog.get_absolute_url(): f"/people/{other_leader.pk}/",
        reverse("blogs:tag", args=[tag.slug]): f"/tags/{tag.slug}/",
        cohort_blog.get_absolute_url(): f"/cohorts/{cohort.slug}/",
    }
    for page, feed_part in pages.items():
        links = alternates(client.get(page).content.decode())
        token = FeedToken.objects.get(user=leader).key
        assert [t for t, _ in links] == ["application/atom+xml", "application/rss+xml"], page
        for _kind, href in links:
            assert href.startswith("http://testserver/blogs/feeds/") and f"/{token}/" in href, href
            assert feed_part in href and href.endswith(("/atom/", "/rss/"))
            assert client.get(href).status_code == 200  # the advertised address is a working feed


def test_an_author_without_a_blog_still_advertises_their_feed(client, leader, other_leader):
    client.force_login(leader)
    html = client.get(reverse("blogs:author", args=[other_leader.pk])).content.decode()
    (atom, rss) = alternates(html)
    assert f"/people/{other_leader.pk}/atom/" in atom[1] and f"/people/{other_leader.pk}/rss/" in rss[1]


def test_each_viewer_gets_their_own_token(client, leader, other_leader):
    client.force_login(leader)
    mine = alternates(client.get(reverse("blogs:index")).content.decode())[0][1]
    client.force_login(other_leader)
    theirs = alternates(client.get(reverse("blogs:index")).content.decode())[0][1]
    assert mine != theirs
    assert FeedToken.objects.get(user=other_leader).key in theirs


def test_pages_without_a_feed_advertise_none(client, leader):
    client.force_login(leader)
    assert alternates(client.get(reverse("home")).content.decode()) == []
    assert alternates(client.get(reverse("blogs:mine")).content.decode()) == []


def test_a_cohort_blog_of_another_cohort_is_not_advertised_to_outsiders(client, leader):
    other = CohortFactory()
    cohort_blog = BlogFactory(owner=None, kind="cohort", cohort=other)
    client.force_login(leader)
    assert client.get(cohort_blog.get_absolute_url()).status_code == 404
