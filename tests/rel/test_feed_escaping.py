"""Feed metadata is text: a hostile display name or title never becomes markup in a feed reader."""

import html
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.urls import reverse

from blogs.services.feeds import feed_token_ensure
from tests.factories import EntryFactory, TagFactory, member_of

pytestmark = pytest.mark.django_db

NAME = '<img src=x onerror="alert(1)"> Ada & Co'
TITLE = "<script>alert(2)</script> Week one & more"
NS = {"atom": "http://www.w3.org/2005/Atom", "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture
def hostile(cohort):
    author = member_of(cohort, profile__display_name=NAME)
    EntryFactory(blog__owner=author, author=author, title=TITLE, tags=[TagFactory(name="<b>bold</b>")])
    return author


def _feed(client, reader, author, fmt):
    token = feed_token_ensure(user=reader).key
    response = client.get(reverse("blogs:feed-author", kwargs={"token": token, "fmt": fmt, "user_id": author.pk}))
    assert response.status_code == 200
    return response.content


def test_rss_metadata_is_escaped_as_text_for_readers_that_render_html(client, leader, hostile):
    root = ET.fromstring(_feed(client, leader, hostile, "rss"))  # noqa: S314 (our own feed)
    channel = root.find("channel")
    item = channel.find("item")
    creator = item.find("dc:creator", NS)
    author = creator.text if creator is not None else item.findtext("author")
    texts = [channel.findtext("title"), channel.findtext("description"), item.findtext("title")]
    texts += [item.findtext("category"), author]
    for text in texts:
        # What the reader gets after XML decoding is HTML that shows the characters, never elements.
        assert "<" not in text, text
    assert html.unescape(item.findtext("title")) == TITLE
    assert NAME in html.unescape(channel.findtext("title"))
    assert NAME in html.unescape(author)


def test_atom_titles_are_declared_html_and_escaped(client, leader, hostile):
    root = ET.fromstring(_feed(client, leader, hostile, "atom"))  # noqa: S314 (our own feed)
    title = root.find("atom:title", NS)
    entry_title = root.find("atom:entry/atom:title", NS)
    assert title.get("type") == "html" and entry_title.get("type") == "html"
    assert "<" not in title.text and "<" not in entry_title.text
    assert "<" not in root.findtext("atom:subtitle", namespaces=NS)
    assert "<" not in root.findtext("atom:entry/atom:author/atom:name", namespaces=NS)
    # A real feed parser shows the words as they were typed, with no live markup.
    parsed = feedparser.parse(_feed(client, leader, hostile, "atom"))
    assert "<script" not in parsed.entries[0].title and "<img" not in parsed.feed.title
