"""One search across boards, blogs and people: grouped, permission-filtered, flat in queries.

Runs on SQLite by default and on PostgreSQL (full-text with the GIN index) when DATABASE_URL points
there: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/ks_week .venv/bin/pytest tests/week``.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from blogs.models import Entry
from blogs.services import entries
from blogs.services.publishing import entry_publish
from portal.search import search_everything
from tests.factories import BoardFactory, TopicFactory, member_of, reply_to
from tests.factories.onboarding import acknowledge_policy

pytestmark = pytest.mark.django_db


def publish(author, *, title, body, tags="", **kwargs):
    acknowledge_policy(author)
    entry = entries.entry_create(actor=author, title=title, body=body, tags=tags, **kwargs)
    return entry_publish(actor=author, entry=entry)


def groups(user, q, **kwargs):
    return {g.key: [h.title for h in g.hits] for g in search_everything(user, q, **kwargs).groups}


def test_one_query_finds_posts_entries_and_people_grouped(leader, other_leader, cohort):
    board = BoardFactory(cohort=cohort, title="Northern board")
    TopicFactory(board=board, author=other_leader, title="Delegation when the team is remote")
    publish(other_leader, title="Notes from the offsite", body="<p>We practised delegation in pairs.</p>")
    other_leader.profile.job_title = "Head of Delegation Services"
    other_leader.profile.save()

    found = groups(leader, "delegation")

    assert list(found) == ["boards", "blogs", "people"]
    assert found["boards"] == ["Delegation when the team is remote"]
    assert found["blogs"] == ["Notes from the offsite"]
    assert found["people"] == ["Olive Other"]


def test_blog_entries_match_on_title_body_and_tags(leader, other_leader):
    publish(other_leader, title="Listening tour", body="<p>Plain words here.</p>", tags="mentoring")
    publish(other_leader, title="Quarterly thoughts", body="<p>On storytelling with data.</p>")

    assert groups(leader, "mentoring")["blogs"] == ["Listening tour"]  # a tag
    assert groups(leader, "storytelling")["blogs"] == ["Quarterly thoughts"]  # the body's text
    assert groups(leader, "listening tour")["blogs"] == ["Listening tour"]  # the title


def test_results_are_only_what_the_viewer_may_read(leader, cohort, other_cohort):
    outsider = member_of(other_cohort, profile__display_name="Quinn Outsider")
    own_board = BoardFactory(cohort=cohort)
    other_board = BoardFactory(cohort=other_cohort)
    TopicFactory(board=own_board, author=leader, title="Resilience in our cohort")
    TopicFactory(board=other_board, author=outsider, title="Resilience in theirs")
    publish(outsider, title="Resilience, privately", body="<p>x</p>", visibility=Entry.Visibility.COHORT,
            cohort=other_cohort)  # fmt: skip
    draft = entries.entry_create(actor=outsider, title="Resilience draft", body="<p>unfinished</p>")

    found = groups(leader, "resilience")

    assert found["boards"] == ["Resilience in our cohort"]
    assert found["blogs"] == []  # a cohort-only entry of another cohort, and a draft, stay hidden
    assert draft.status == Entry.Status.DRAFT
    assert groups(outsider, "resilience")["blogs"] == ["Resilience, privately"]


def test_hidden_and_deleted_posts_are_not_found(leader, other_leader, cohort):
    from django.utils import timezone

    topic = TopicFactory(board=BoardFactory(cohort=cohort), author=other_leader, title="Quarterly review")
    reply = reply_to(topic, other_leader, body="<p>a secret zebra remark</p>")
    assert groups(leader, "zebra")["boards"] == ["Quarterly review (reply #2)"]
    reply.hidden_at = timezone.now()
    reply.save()
    assert groups(leader, "zebra")["boards"] == []


def test_blank_or_one_letter_query_searches_nothing(leader):
    assert search_everything(leader, "   ").groups == []
    assert search_everything(leader, "a").groups == []


def test_search_page_groups_results_and_the_header_has_the_box(client, leader, other_leader, cohort):
    TopicFactory(board=BoardFactory(cohort=cohort), author=other_leader, title="Coaching conversations")
    client.force_login(leader)

    html = client.get(reverse("search"), {"q": "coaching"}).content.decode()

    assert 'role="search"' in html and 'name="q"' in html  # the header's box (and the page's)
    assert '<h2 id="search-group-boards">Boards' in html
    assert "Coaching conversations" in html
    assert "No blogs match." in html and "No people match." in html
    stamp = html.split('class="muted search-result__meta"', 1)[1].split('datetime="', 1)[1].split('"', 1)[0]
    assert "." not in stamp  # whole seconds
    home = client.get(reverse("home")).content.decode()
    assert 'aria-label="Site search"' in home


def test_search_page_can_be_limited_to_one_group(client, leader, other_leader, cohort):
    TopicFactory(board=BoardFactory(cohort=cohort), author=other_leader, title="Olive's topic")
    client.force_login(leader)
    html = client.get(reverse("search"), {"q": "olive", "in": "people"}).content.decode()
    assert "search-group-people" in html and "search-group-boards" not in html


def test_search_needs_sign_in(client):
    response = client.get(reverse("search"), {"q": "anything"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_excerpts_escape_user_text(leader, other_leader):
    publish(other_leader, title="Markup", body="<p>&lt;script&gt;alert(1)&lt;/script&gt; kangaroo</p>")
    hit = search_everything(leader, "kangaroo").groups[1].hits[0]
    assert "<script>" not in str(hit.excerpt)
    assert "<mark>" in str(hit.excerpt).lower() or "kangaroo" in str(hit.excerpt)


def test_search_page_query_count_is_flat(client, leader, cohort, django_assert_num_queries):
    board = BoardFactory(cohort=cohort)
    author = member_of(cohort, profile__display_name="Pat Planner", profile__job_title="Planning lead")

    def add(n):
        for i in range(n):
            TopicFactory(board=board, author=author, title=f"Planning topic {i}")
            publish(author, title=f"Planning entry {i}", body="<p>planning</p>", tags="planning")

    add(2)
    client.force_login(leader)
    url = reverse("search") + "?q=planning"
    client.get(url)  # warm up (session, content types)
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(conn) as first:
        assert client.get(url).status_code == 200
    add(15)
    with django_assert_num_queries(len(first.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count('class="card search-result"') == 21  # 10 posts + 10 entries + 1 person


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgres_uses_full_text_with_stemming(leader, other_leader):
    publish(other_leader, title="Mentors", body="<p>We were mentoring new managers.</p>")
    assert groups(leader, "mentored")["blogs"] == ["Mentors"]  # stemmed: mentored ~ mentoring


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgres_has_the_gin_index_the_query_uses():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'blogs_entry_search_gin'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition.lower() and "to_tsvector('english'" in definition


@pytest.mark.parametrize("role", ["anonymous", "leader", "facilitator", "other_facilitator", "analyst", "admin"])
def test_search_page_for_every_role(as_role, role):
    """The permission matrix for the one search: everyone signed in may search (results are filtered)."""
    client, _user = as_role(role)
    response = client.get(reverse("search"), {"q": "anything"})
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 200
