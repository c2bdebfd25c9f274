"""The permission matrix: every blogs view x every role x own / other cohort → the status a person gets.

"own" objects belong to the cohort that ``leader`` and ``facilitator`` are in; "other" objects belong to
``other_cohort`` (where ``other_facilitator`` works). Entries here are limited to their cohort, so being
outside it means 404 (we do not reveal that they exist). Feed URLs carry the role's own feed token;
anonymous requests use a token that does not exist.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from blogs import urls as blog_urls
from blogs.models import Blog, Entry
from blogs.services.feeds import feed_token_ensure
from tests.conftest import ROLES
from tests.factories import BlogFactory, CommentFactory, EntryFactory, TagFactory, member_of

A, L, F, OF, AN, AD = ROLES  # anonymous, leader, facilitator, other_facilitator, analyst, admin
LOGIN = "login"  # a redirect to the sign-in page


@dataclass
class World:
    own_entry: Entry
    other_entry: Entry
    own_comment: object
    own_cohort_blog: Blog
    other_cohort_blog: Blog
    tag: object
    cohort: object
    other_cohort: object
    author: object


@pytest.fixture
def world(leader, cohort, other_cohort, facilitator, other_facilitator):
    tag = TagFactory(name="listening")
    own = EntryFactory(blog__owner=leader, author=leader, visibility=Entry.Visibility.COHORT, cohort=cohort, tags=[tag])
    outsider = member_of(other_cohort, profile__display_name="Oona Outsider")
    other = EntryFactory(
        blog__owner=outsider, author=outsider, visibility=Entry.Visibility.COHORT, cohort=other_cohort, tags=[tag]
    )
    commenter = member_of(cohort)
    own_cohort_blog = BlogFactory(kind=Blog.Kind.COHORT, owner=None, cohort=cohort, slug="cohort-own")
    other_cohort_blog = BlogFactory(kind=Blog.Kind.COHORT, owner=None, cohort=other_cohort, slug="cohort-other")
    EntryFactory(blog=own_cohort_blog, author=facilitator, visibility=Entry.Visibility.COHORT, cohort=cohort)
    EntryFactory(
        blog=other_cohort_blog, author=other_facilitator, visibility=Entry.Visibility.COHORT, cohort=other_cohort
    )
    return World(
        own_entry=own,
        other_entry=other,
        own_comment=CommentFactory(entry=own, author=commenter),
        own_cohort_blog=own_cohort_blog,
        other_cohort_blog=other_cohort_blog,
        tag=tag,
        cohort=cohort,
        other_cohort=other_cohort,
        author=leader,
    )


def _entry(w, scope):
    return w.own_entry if scope == "own" else w.other_entry


def _blog(w, scope):
    return w.own_cohort_blog if scope == "own" else w.other_cohort_blog


def _cohort(w, scope):
    return w.cohort if scope == "own" else w.other_cohort


ENTRY = lambda w, s, t: {"pk": _entry(w, s).pk}  # noqa: E731
FEED_TOKEN = "token"  # marker: the URL kwargs get the role's feed token

# (url name, method, scope, kwargs(world, scope, token), POST data, {role: expected status})
ALL_OK = {A: LOGIN, L: 200, F: 200, OF: 200, AN: 200, AD: 200}
ALL_REDIRECT = {A: LOGIN, L: 302, F: 302, OF: 302, AN: 302, AD: 302}
OWNER_ONLY = {A: LOGIN, L: 200, F: 403, OF: 404, AN: 403, AD: 200}
OWNER_ONLY_POST = {A: LOGIN, L: 302, F: 403, OF: 404, AN: 403, AD: 302}
OWN_COHORT_READERS = {A: LOGIN, L: 200, F: 200, OF: 404, AN: 200, AD: 200}
OTHER_COHORT_READERS = {A: LOGIN, L: 404, F: 404, OF: 200, AN: 200, AD: 200}
FEED_ALL = {A: 404, L: 200, F: 200, OF: 200, AN: 200, AD: 200}

MATRIX = [
    ("index", "get", "-", lambda w, s, t: {}, None, ALL_OK),
    ("following", "get", "-", lambda w, s, t: {}, None, ALL_OK),
    ("mine", "get", "-", lambda w, s, t: {}, None, ALL_OK),
    ("blog-detail", "get", "own", lambda w, s, t: {"slug": _blog(w, s).slug}, None, OWN_COHORT_READERS),
    ("blog-detail", "get", "other", lambda w, s, t: {"slug": _blog(w, s).slug}, None, OTHER_COHORT_READERS),
    (
        "entry-detail",
        "get",
        "own",
        lambda w, s, t: {"blog_slug": _entry(w, s).blog.slug, "entry_slug": _entry(w, s).slug},
        None,
        OWN_COHORT_READERS,
    ),
    (
        "entry-detail",
        "get",
        "other",
        lambda w, s, t: {"blog_slug": _entry(w, s).blog.slug, "entry_slug": _entry(w, s).slug},
        None,
        OTHER_COHORT_READERS,
    ),
    ("author", "get", "own", lambda w, s, t: {"user_id": w.author.pk}, None, ALL_REDIRECT),
    ("tag", "get", "-", lambda w, s, t: {"slug": w.tag.slug}, None, ALL_OK),
    ("entry-create", "get", "-", lambda w, s, t: {}, None, ALL_OK),
    ("draft-autosave", "post", "-", lambda w, s, t: {}, {"title": "x"}, ALL_OK),
    ("draft-preview", "post", "-", lambda w, s, t: {}, {"title": "x", "body": "<p>x</p>"}, ALL_OK),
    ("entry-edit", "get", "own", ENTRY, None, OWNER_ONLY),
    ("entry-edit", "get", "other", ENTRY, None, {A: LOGIN, L: 404, F: 404, OF: 403, AN: 403, AD: 200}),
    ("entry-autosave", "post", "own", ENTRY, {"title": "x"}, OWNER_ONLY),
    ("entry-preview", "post", "own", ENTRY, {"title": "x", "body": "<p>x</p>"}, OWNER_ONLY),
    ("entry-unpublish", "post", "own", ENTRY, {}, OWNER_ONLY_POST),
    ("entry-unschedule", "post", "own", ENTRY, {}, OWNER_ONLY_POST),
    ("entry-comments-setting", "post", "own", ENTRY, {"enabled": "on"}, OWNER_ONLY_POST),
    ("entry-revisions", "get", "own", ENTRY, None, OWNER_ONLY),
    (
        "comment-create",
        "post",
        "own",
        ENTRY,
        {"body": "<p>Nice</p>"},
        {A: LOGIN, L: 302, F: 302, OF: 404, AN: 302, AD: 302},
    ),
    (
        "comment-create",
        "post",
        "other",
        ENTRY,
        {"body": "<p>Nice</p>"},
        {A: LOGIN, L: 404, F: 404, OF: 302, AN: 302, AD: 302},
    ),
    (
        "comment-delete",
        "post",
        "own",
        lambda w, s, t: {"pk": w.own_comment.pk},
        {},
        # the commenter's facilitator hides it; the entry's author and programme readers may not
        {A: LOGIN, L: 403, F: 302, OF: 404, AN: 403, AD: 302},
    ),
    # issue 17 (feat): only the writer edits a comment (the world's commenter is none of the roles);
    # every reader of the entry sees its edit history
    (
        "comment-edit",
        "get",
        "own",
        lambda w, s, t: {"pk": w.own_comment.pk},
        None,
        {A: LOGIN, L: 403, F: 403, OF: 404, AN: 403, AD: 403},
    ),
    ("comment-history", "get", "own", lambda w, s, t: {"pk": w.own_comment.pk}, None, OWN_COHORT_READERS),
    (
        "mention-autocomplete",
        "get",
        "own",
        lambda w, s, t: {},
        "entry-query",
        {A: LOGIN, L: 200, F: 200, OF: 404, AN: 200, AD: 200},
    ),
    ("author-follow", "post", "own", lambda w, s, t: {"user_id": w.author.pk}, {"action": "follow"}, ALL_REDIRECT),
    ("tag-follow", "post", "-", lambda w, s, t: {"slug": w.tag.slug}, {"action": "follow"}, ALL_REDIRECT),
    ("feeds", "get", "-", lambda w, s, t: {}, None, ALL_OK),
    ("feed-token-reset", "post", "-", lambda w, s, t: {}, {}, ALL_REDIRECT),
    ("opml", "get", "-", lambda w, s, t: {}, None, ALL_OK),
    ("feed-personal", "get", "-", lambda w, s, t: {"token": t, "fmt": "atom"}, None, FEED_ALL),
    ("feed-org", "get", "-", lambda w, s, t: {"token": t, "fmt": "rss"}, None, FEED_ALL),
    ("feed-author", "get", "own", lambda w, s, t: {"token": t, "fmt": "atom", "user_id": w.author.pk}, None, FEED_ALL),
    ("feed-tag", "get", "-", lambda w, s, t: {"token": t, "fmt": "rss", "slug": w.tag.slug}, None, FEED_ALL),
    (
        "feed-cohort",
        "get",
        "own",
        lambda w, s, t: {"token": t, "fmt": "atom", "cohort_slug": _cohort(w, s).slug},
        None,
        {A: 404, L: 200, F: 200, OF: 404, AN: 200, AD: 200},
    ),
    (
        "feed-cohort",
        "get",
        "other",
        lambda w, s, t: {"token": t, "fmt": "atom", "cohort_slug": _cohort(w, s).slug},
        None,
        {A: 404, L: 404, F: 404, OF: 200, AN: 200, AD: 200},
    ),
]

CASES = [
    pytest.param(name, method, scope, kwargs, data, role, expected[role], id=f"{name}-{scope}-{role}")
    for name, method, scope, kwargs, data, expected in MATRIX
    for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "scope", "kwargs", "data", "role", "expected"), CASES)
def test_matrix(world, as_role, name, method, scope, kwargs, data, role, expected):
    client, user = as_role(role)
    if data == "entry-query":  # a query string naming the entry
        data = {"entry": _entry(world, scope).pk, "q": "Le"}
    token = feed_token_ensure(user=user).key if user else "no-such-token"
    url = reverse(f"blogs:{name}", kwargs=kwargs(world, scope, token))
    response = getattr(client, method)(url, data or {})
    if expected == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response.url
    else:
        assert response.status_code == expected, f"{role} {method.upper()} {url}"


def test_every_blogs_url_has_a_row():
    names = {p.name for p in blog_urls.urlpatterns}
    assert names == {row[0] for row in MATRIX}
