"""Issue 13: what the topic page keeps between requests never shows one reader another's state or an old post.

The reply composer is rendered once per topic and process and filled in per request (forums.views._composer).
"""

import re

import pytest
from django.test import Client, RequestFactory

from forums.models import Draft
from forums.services import draft_save
from forums.views._composer import _render, reply_composer
from tests.factories import member_of

pytestmark = pytest.mark.django_db

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
_KEY = re.compile(r'name="client_key" value="([0-9a-f]{32})"')


def _textarea(html: str) -> str:
    return re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', html, re.S).group(1)


def _same_token(html: str) -> str:
    return _TOKEN.sub('name="csrfmiddlewaretoken" value="T"', html)


@pytest.mark.parametrize("with_draft", [False, True])
def test_the_kept_composer_is_what_the_form_renders(topic, leader, with_draft):
    draft = None
    if with_draft:
        body = '<p>Tom &amp; "Jerry" &lt;b&gt; ks0body</p>'
        draft = draft_save(user=leader, board=topic.board, topic=topic, body=body)
    request = RequestFactory().get(topic.get_absolute_url())
    for _ in range(2):  # the first call renders and keeps it, the second fills in the kept one
        html = reply_composer(request, topic, draft=draft)
        key = _KEY.search(html).group(1)
        slow = _render(topic, body=draft.body if draft else "", client_key=key, csrf_token="x", draft=draft)
        assert _same_token(html) == _same_token(slow)
    if with_draft:
        assert _textarea(html).startswith("&lt;p&gt;Tom &amp;amp; &quot;Jerry&quot;") and "<" not in _textarea(html)
        assert "Draft restored from <time" in html
    else:
        assert _textarea(html) == "" and "Draft restored" not in html


def test_each_reader_gets_their_own_draft_key_and_token(topic, leader, other_leader, cohort):
    draft_save(user=leader, board=topic.board, topic=topic, body="<p>Leader's unsent words</p>")
    third = member_of(cohort)
    pages = {}
    for person in (leader, other_leader, third, leader):
        client = Client()
        client.force_login(person)
        pages.setdefault(person.pk, []).append(client.get(topic.get_absolute_url()).content.decode())
    leader_html = pages[leader.pk][0]
    assert "Leader&#x27;s unsent words" in _textarea(leader_html) and "Draft restored from" in leader_html
    for other in (other_leader, third):
        html = pages[other.pk][0]
        assert _textarea(html) == "" and "Draft restored" not in html and "unsent words" not in html
    keys = [_KEY.search(html).group(1) for htmls in pages.values() for html in htmls]
    assert len(set(keys)) == len(keys) == 4  # a fresh idempotency key for every page


def test_the_kept_composer_posts_a_reply_with_the_readers_own_token(topic, other_leader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(other_leader)
    client.get(topic.get_absolute_url())  # keeps the composer
    html = client.get(topic.get_absolute_url()).content.decode()
    composer = html[html.index('id="reply-composer"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', composer).group(1)
    key = _KEY.search(composer).group(1)
    response = client.post(
        topic.get_absolute_url() + "reply/",
        {"csrfmiddlewaretoken": token, "client_key": key, "body": "<p>A reply through the kept composer.</p>"},
    )
    assert response.status_code == 302
    assert topic.posts.filter(author=other_leader, body__contains="kept composer").exists()
    assert not Draft.objects.filter(user=other_leader, topic=topic).exists()


def _page(client, person, topic) -> str:
    client.force_login(person)
    return client.get(topic.get_absolute_url()).content.decode()


def _post(html: str, number: int) -> str:
    return re.search(rf'<article[^>]* id="post-{number}">.*?</article>', html, re.S).group(0)


def test_every_change_to_a_post_shows_at_once_and_only_to_whom_it_concerns(
    client, topic, leader, other_leader, facilitator, cohort
):
    from forums.models import Flag
    from forums.services import flag_create, post_edit, post_hide, post_reply, reaction_toggle

    third = member_of(cohort)
    reply = post_reply(actor=other_leader, topic=topic, body="<p>First words</p>")
    for person in (leader, third, facilitator):
        _page(client, person, topic)  # everything there is to keep is kept
    other_leader.profile.display_name = "Olivia Renamed"
    other_leader.profile.job_title = "Head of Renaming"
    other_leader.profile.save()
    post_edit(actor=other_leader, post=reply, body="<p>Second thoughts</p>")
    reaction_toggle(actor=leader, post=reply, kind="thanks")
    flag_create(actor=leader, target=reply, reason=Flag.Reason.OFF_TOPIC)
    mine, theirs = _post(_page(client, leader, topic), 2), _post(_page(client, third, topic), 2)
    for html in (mine, theirs):
        assert "Olivia Renamed" in html and "Head of Renaming" in html and ">OR<" in html
        assert "Second thoughts" in html and "First words" not in html and ">edited</a>" in html
    assert f'name="thanks:{reply.pk}" aria-pressed="true">Thanks 1<' in mine and "Flagged" in mine
    assert f'name="thanks:{reply.pk}" aria-pressed="false">Thanks 1<' in theirs and ">Flag</a>" in theirs
    assert "Flagged" not in theirs

    post_hide(actor=facilitator, post=reply, reason="Tone")
    reader, author, moderator = (_post(_page(client, p, topic), 2) for p in (third, other_leader, facilitator))
    assert "hidden by a facilitator" in reader and "Second thoughts" not in reader
    assert "Your post, as only you can see it" in author and "Second thoughts" in author
    assert "Show the removed text" in moderator and "Unhide" in moderator and "Reason: Tone" in moderator

    post_reply(actor=third, topic=topic, body="<p>A newer reply</p>")
    assert "A newer reply" in _post(_page(client, leader, topic), 3)


def test_sql_compiled_once_gives_what_the_queryset_gives_for_every_topic_and_reader(
    board, leader, other_leader, facilitator
):
    from forums.selectors.posts import _page_draft, _page_posts, _page_reactions, _page_topic
    from forums.services import post_reply, reaction_toggle, topic_create
    from portal.prepared import prepared

    topics = [topic_create(actor=leader, board=board, title=f"Topic number {n}", body="<p>Hi</p>") for n in (1, 2)]
    for n, topic in enumerate(topics):
        for i in range(n + 2):
            reply = post_reply(actor=other_leader, topic=topic, body=f"<p>Reply {i}</p>")
        reaction_toggle(actor=leader, post=reply, kind="like")
        draft_save(user=leader, board=board, topic=topic, body=f"<p>Draft {n}</p>")
    for topic in topics:
        for build, args in (
            (_page_posts, (topic.pk, 1, 20)),
            (_page_posts, (topic.pk, 2, 3)),
            (_page_reactions, (topic.pk, 1, 20)),
            (_page_draft, (leader.pk, topic.pk)),
            (_page_draft, (other_leader.pk, topic.pk)),
            (_page_topic, (topic.pk, leader.pk)),
            (_page_topic, (topic.pk, facilitator.pk)),
        ):
            assert prepared(f"test:{build.__name__}", build, *args) == list(build(*args)), build.__name__


def test_a_topic_of_another_cohort_is_not_found(client, topic, other_facilitator, other_board, leader):
    from forums.services import topic_create

    client.force_login(other_facilitator)
    assert client.get(topic.get_absolute_url()).status_code == 404
    theirs = topic_create(actor=other_facilitator, board=other_board, title="Their own topic", body="<p>x</p>")
    assert client.get(theirs.get_absolute_url()).status_code == 200
    client.force_login(leader)
    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_the_kept_composer_follows_its_settings(client, topic, leader, settings):
    client.force_login(leader)
    assert "Up to 20000 characters." in client.get(topic.get_absolute_url()).content.decode()
    settings.FORUM_POST_MAX_CHARS = 1234
    assert "Up to 1234 characters." in client.get(topic.get_absolute_url()).content.decode()


def test_a_post_date_is_shown_in_the_time_zone_active_for_the_reader(topic, leader):
    """Post dates are formatted once per moment and kept: the active time zone is part of what is kept, so a
    page rendered in another zone (an e-mail, a per-person view) never shows a date formatted for another."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from forums.selectors.posts import post_rows, topic_page

    def when(zone: str) -> str:
        with timezone.override(zone):
            page = topic_page(leader, topic)
            return post_rows(page, leader, saved_ids=set(), muted_people=set())[0]["when"]

    opened = topic.posts.get(number=1).created_at
    for zone in ("UTC", "Asia/Tokyo", "UTC", "America/New_York"):
        assert when(zone) == opened.astimezone(ZoneInfo(zone)).strftime("%-d %b %Y, %H:%M")
