"""Search: only what the person may see, highlighted safely; full-text on PostgreSQL, a fallback on SQLite."""

import re

import pytest
from django.db import connection

from forums.selectors.search import highlight, search_posts
from forums.services import post_delete, post_hide, post_reply, topic_create
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


def results(user, query):
    page, _ = search_posts(user, query)
    return [r.post for r in page.object_list] if page else []


def test_search_finds_titles_and_replies_the_user_may_see(board, other_board, org_board, leader, other_leader):
    topic = topic_create(actor=leader, board=board, title="Scheduling posts on Mondays", body="<p>Is it wise?</p>")
    reply = post_reply(actor=other_leader, topic=topic, body="<p>I schedule mine for Tuesday mornings.</p>")
    TopicFactory(board=other_board, title="Scheduling in another cohort")
    everyone = TopicFactory(board=org_board, title="Scheduling tips for everyone")
    found = results(leader, "scheduling")
    assert topic.first_post in found and everyone.first_post in found
    assert not any(p.topic.board_id == other_board.pk for p in found)  # not the other cohort's topic
    assert reply in results(leader, "Tuesday mornings")


def test_removed_and_hidden_posts_leave_search(topic, other_leader, facilitator, leader):
    gone = post_reply(actor=other_leader, topic=topic, body="<p>Unicorn strategy</p>")
    hidden = post_reply(actor=other_leader, topic=topic, body="<p>Unicorn budget</p>")
    post_delete(actor=other_leader, post=gone)
    post_hide(actor=facilitator, post=hidden, reason="confidential")
    assert results(leader, "unicorn") == []


def test_excerpts_escape_user_text_and_mark_the_match(topic, other_leader, leader):
    # the writer typed the characters "<script>" as text; the excerpt must show them, not run them
    body = "<p>Roadmap &lt;script&gt;alert(1)&lt;/script&gt; roadmap</p>"
    post_reply(actor=other_leader, topic=topic, body=body)
    page, _ = search_posts(leader, "roadmap")
    excerpt = str(page.object_list[0].excerpt)
    assert "<script" not in excerpt and "</script" not in excerpt
    if connection.vendor != "postgresql":  # PostgreSQL's ts_headline leaves tag-like words out altogether
        assert "&lt;script&gt;" in excerpt
    assert re.search(r"<mark>roadmap</mark>", excerpt, re.IGNORECASE)


def test_highlight_is_safe_and_windowed():
    text = "a" * 300 + " <b>Budget</b> review " + "z" * 300
    html = str(highlight(text, ["budget"]))
    assert html.startswith("… ") and html.endswith(" …")
    assert "&lt;b&gt;<mark>Budget</mark>&lt;/b&gt;" in html


def test_queries_of_punctuation_only_return_nothing(leader):
    assert search_posts(leader, "!!! ?")[0] is None


@pytest.mark.postgres
def test_postgres_uses_full_text_ranking_and_the_gin_index(board, leader):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text search (runs in CI's PostgreSQL pass)")
    topic_create(actor=leader, board=board, title="Delegating social media", body="<p>Delegation works</p>")
    topic_create(actor=leader, board=board, title="Unrelated", body="<p>I delegate sometimes</p>")
    found = results(leader, "delegating")
    assert len(found) == 2  # stemming: delegate, delegating, delegation
    page, _ = search_posts(leader, "delegation")
    assert "<mark>" in str(page.object_list[0].excerpt)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM forums_post WHERE to_tsvector('english'::regconfig, "
            "COALESCE(search_text, '')) @@ websearch_to_tsquery('english'::regconfig, 'delegate')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "forums_post_search_gin" in plan
