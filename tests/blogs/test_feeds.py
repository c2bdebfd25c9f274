"""Feeds parsed with a real feed parser (feedparser): titles, links, dates, and whose view a token shows."""

import calendar
import html
from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from blogs.models import Blog, Entry
from blogs.services import entries as entry_services
from blogs.services.feeds import feed_token_ensure, feed_token_regenerate
from metrics.verbs import Verb
from tests.factories import BlogFactory, EntryFactory, FollowFactory, TagFactory, TagFollowFactory

from .conftest import activities

pytestmark = pytest.mark.django_db


def fetch(client, name, token, fmt="atom", **kwargs):
    response = client.get(reverse(f"blogs:{name}", kwargs={"token": token, "fmt": fmt, **kwargs}))
    return response, feedparser.parse(response.content)


def stamp(dt):
    return calendar.timegm(dt.utctimetuple())


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_author_feed_has_titles_links_dates_and_tags(client, leader, other_leader, fmt):
    tag = TagFactory(name="listening")
    published = timezone.now() - timedelta(days=2)
    older = EntryFactory(
        blog__owner=other_leader, author=other_leader, title="Week one & more", published_at=published, tags=[tag]
    )
    newer = EntryFactory(blog__owner=other_leader, author=other_leader, title="Week two")
    entry_services.entry_update(actor=other_leader, entry=newer, title="Week two", body="<p>Edited</p>")
    newer.refresh_from_db()
    EntryFactory(
        blog__owner=other_leader,
        author=other_leader,
        title="Still a draft",
        status=Entry.Status.DRAFT,
        published_at=None,
    )
    token = feed_token_ensure(user=leader).key
    response, feed = fetch(client, "feed-author", token, fmt, user_id=other_leader.pk)
    assert response.status_code == 200 and not feed.bozo
    assert feed.version == ("atom10" if fmt == "atom" else "rss20")
    assert feed.feed.title.startswith("Olive Other")
    # Titles are HTML in both formats (escaped text, so readers never render markup from them).
    assert [html.unescape(e.title) for e in feed.entries] == ["Week two", "Week one & more"]  # newest first
    first_old = feed.entries[1]
    assert first_old.link == f"http://testserver{older.get_absolute_url()}"
    assert stamp(published) == calendar.timegm(first_old.published_parsed)
    assert [t.term for t in first_old.tags] == ["listening"]
    assert "I tried replying" in first_old.summary
    if fmt == "atom":
        assert calendar.timegm(feed.entries[0].updated_parsed) == stamp(newer.updated_at)


def test_revoked_token_returns_404(client, leader):
    old = feed_token_ensure(user=leader).key
    assert fetch(client, "feed-org", old)[0].status_code == 200
    new = feed_token_regenerate(actor=leader).key
    assert fetch(client, "feed-org", old)[0].status_code == 404
    assert fetch(client, "feed-personal", old)[0].status_code == 404
    assert fetch(client, "feed-org", new)[0].status_code == 200


def test_token_shows_only_what_its_owner_may_read(client, leader, cohort, other_cohort, other_facilitator):
    tag = TagFactory(name="strategy")
    outsider_entry = EntryFactory(
        blog__owner=other_facilitator,
        author=other_facilitator,
        title="Only for Southern Cross",
        visibility=Entry.Visibility.COHORT,
        cohort=other_cohort,
        tags=[tag],
    )
    EntryFactory(blog__owner=other_facilitator, author=other_facilitator, title="For everyone", tags=[tag])
    mine = feed_token_ensure(user=leader).key
    theirs = feed_token_ensure(user=other_facilitator).key
    for name, kwargs in [
        ("feed-org", {}),
        ("feed-tag", {"slug": tag.slug}),
        ("feed-author", {"user_id": other_facilitator.pk}),
    ]:
        titles = [e.title for e in fetch(client, name, mine, **kwargs)[1].entries]
        assert "For everyone" in titles or name == "feed-org"
        assert outsider_entry.title not in titles
    titles = [e.title for e in fetch(client, "feed-author", theirs, user_id=other_facilitator.pk)[1].entries]
    assert outsider_entry.title in titles
    # A cohort blog feed of a cohort the owner is not in does not exist for them.
    BlogFactory(kind=Blog.Kind.COHORT, owner=None, cohort=other_cohort, slug="sc-blog")
    assert fetch(client, "feed-cohort", mine, cohort_slug=other_cohort.slug)[0].status_code == 404
    assert fetch(client, "feed-cohort", theirs, cohort_slug=other_cohort.slug)[0].status_code == 200


def test_personal_feed_aggregates_follows_and_records_use_once_a_day(client, leader, other_leader, cohort):
    from tests.factories import member_of

    tagger = member_of(cohort, profile__display_name="Tia Tagger")
    tag = TagFactory(name="coaching")
    FollowFactory(follower=leader, followee=other_leader)
    TagFollowFactory(user=leader, tag=tag)
    EntryFactory(blog__owner=other_leader, author=other_leader, title="From Olive")
    EntryFactory(blog__owner=tagger, author=tagger, title="About coaching", tags=[tag])
    EntryFactory(title="Unrelated")
    token = feed_token_ensure(user=leader).key
    _response, feed = fetch(client, "feed-personal", token, "rss")
    assert sorted(e.title for e in feed.entries) == ["About coaching", "From Olive"]
    assert {e.author for e in feed.entries} >= {"Olive Other", "Tia Tagger"}
    fetch(client, "feed-personal", token)
    assert activities(Verb.FEED_USED, actor=leader).count() == 1


def test_summaries_reach_feed_readers_as_text_not_markup(client, leader, other_leader):
    EntryFactory(blog__owner=other_leader, author=other_leader, summary="Use <script>alert(1)</script> & more")
    token = feed_token_ensure(user=leader).key
    _response, feed = fetch(client, "feed-org", token)
    summary = feed.entries[0].summary
    assert "<script>" not in summary and "&lt;script&gt;" in summary
