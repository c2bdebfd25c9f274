"""A profile shows the person's recent topics, replies and blog entries, as the viewer may see them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blogs.models import Entry
from tests.factories import BoardFactory, EntryFactory, TopicFactory, member_of, reply_to

pytestmark = pytest.mark.django_db


def section(html: str, label: str) -> str:
    return html.split(f">{label}</h3>", 1)[1].split("</section>", 1)[0]


def test_profile_lists_recent_topics_replies_and_entries(client, leader, other_leader, cohort):
    board = BoardFactory(cohort=cohort)
    topic = TopicFactory(board=board, author=other_leader, title="How do you run one-to-ones?")
    other = TopicFactory(board=board, author=leader, title="Leader's own topic")
    reply_to(other, other_leader, body="<p>Weekly, walking.</p>")
    EntryFactory(blog__owner=other_leader, title="My first entry")
    client.force_login(leader)

    html = client.get(reverse("people:profile", args=[other_leader.pk])).content.decode()

    assert "How do you run one-to-ones?" in section(html, "Recent topics")
    assert "Leader's own topic" not in section(html, "Recent topics")
    assert "Re: Leader&#x27;s own topic" in section(html, "Recent replies")
    assert "My first entry" in section(html, "Recent blog entries")
    assert topic.get_absolute_url() in html
    import re

    stamps = re.findall(r'<time datetime="([^"]+)"', section(html, "Recent topics"))
    assert stamps and all("." not in s for s in stamps)  # valid datetimes: whole seconds


def test_profile_hides_what_the_viewer_may_not_read(client, leader, cohort, other_cohort):
    outsider = member_of(other_cohort, profile__display_name="Quinn Outsider")
    TopicFactory(board=BoardFactory(cohort=other_cohort), author=outsider, title="Their cohort only")
    EntryFactory(blog__owner=outsider, title="Cohort-only entry", visibility=Entry.Visibility.COHORT,
                 cohort=other_cohort)  # fmt: skip
    EntryFactory(blog__owner=outsider, title="A draft", status=Entry.Status.DRAFT, published_at=None)
    TopicFactory(board=BoardFactory(), author=outsider, title="Open to everyone")

    client.force_login(leader)
    html = client.get(reverse("people:profile", args=[outsider.pk])).content.decode()
    assert "Their cohort only" not in html and "Cohort-only entry" not in html and "A draft" not in html
    assert "Open to everyone" in section(html, "Recent topics")
    assert "No blog entries to show yet." in section(html, "Recent blog entries")

    client.force_login(outsider)
    own = client.get(reverse("people:profile", args=[outsider.pk])).content.decode()
    assert "Their cohort only" in own and "Cohort-only entry" in own


def test_profile_query_count_is_flat(client, leader, other_leader, cohort, django_assert_num_queries):
    board = BoardFactory(cohort=cohort)

    def add(n):
        for i in range(n):
            t = TopicFactory(board=board, author=other_leader, title=f"Topic {i}")
            reply_to(t, other_leader)
            EntryFactory(blog__owner=other_leader, title=f"Entry {i}")

    add(1)
    client.force_login(leader)
    url = reverse("people:profile", args=[other_leader.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    add(12)
    with django_assert_num_queries(len(ctx.captured_queries)):
        html = client.get(url).content.decode()
    assert section(html, "Recent topics").count("<li>") == 5  # the newest five
