"""Page cost does not grow with content: the same number of queries with 3 rows as with hundreds."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blogs.models import Comment, Entry, EntryRead
from tests.factories import (
    BlogFactory,
    CommentFactory,
    EntryFactory,
    FollowFactory,
    TagFactory,
    TagFollowFactory,
    member_of,
)

pytestmark = pytest.mark.django_db


def count_queries(client, url, **extra) -> int:
    client.get(url, **extra)  # warm up: first-visit writes (read tracking, feed token) happen once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries)


_serial = iter(range(10**9))


def many_entries(blog, n, *, tags=(), start=None):
    start = start or timezone.now()
    made = Entry.objects.bulk_create(
        Entry(
            blog=blog,
            author=blog.owner,
            title=f"Bulk entry {i}",
            slug=f"bulk-{next(_serial)}",
            body="<p>Words</p>",
            word_count=1,
            status=Entry.Status.PUBLISHED,
            published_at=start - timedelta(minutes=i),
        )
        for i in range(n)
    )
    for entry in made:
        if tags:
            entry.tags.set(tags)
    return made


def test_blog_home_is_bounded(client, leader, other_leader, django_assert_num_queries):
    blog = BlogFactory(owner=other_leader)
    tag = TagFactory(name="pilot")
    many_entries(blog, 3, tags=[tag])
    client.force_login(leader)
    url = blog.get_absolute_url()
    small = count_queries(client, url)
    many_entries(blog, 60, tags=[tag], start=timezone.now() - timedelta(days=1))
    with django_assert_num_queries(small):
        client.get(url)


def test_entry_page_with_200_comments_costs_the_same_as_with_3(client, leader, cohort, django_assert_num_queries):
    entry = EntryFactory(blog__owner=leader, author=leader, tags=[TagFactory(name="a"), TagFactory(name="b")])
    people = [member_of(cohort) for _ in range(4)]
    for p in people[:3]:
        CommentFactory(entry=entry, author=p)
    reader = people[3]
    client.force_login(reader)
    url = entry.get_absolute_url()
    small = count_queries(client, url)
    tops = Comment.objects.bulk_create(
        Comment(entry=entry, author=people[i % 3], body="<p>Top</p>") for i in range(100)
    )
    Comment.objects.bulk_create(
        Comment(entry=entry, author=people[i % 3], parent=tops[i % 100], body="<p>Reply</p>") for i in range(97)
    )
    assert entry.comments.count() == 200
    with django_assert_num_queries(small):
        response = client.get(url)
    html = response.content.decode()
    # issue 13: one page of threads (20 top-level comments with their replies), not all 200 comments
    assert html.count('<li class="comment"') == 20 + 17  # the 3 first comments, 17 of the 100, their 17 replies
    assert "Load more comments" in html
    assert "(200)" in html  # the total still counts every comment


def test_load_more_comments_brings_the_next_threads_with_the_same_queries(
    client, leader, cohort, django_assert_num_queries, settings
):
    settings.BLOGS_COMMENTS_PER_PAGE = 20
    entry = EntryFactory(blog__owner=leader, author=leader)
    writer = member_of(cohort)
    client.force_login(member_of(cohort))
    url = entry.get_absolute_url()
    tops = Comment.objects.bulk_create(
        Comment(entry=entry, author=writer, body=f"<p>Thread {i}</p>") for i in range(45)
    )
    first = client.get(url).content.decode()
    assert "Thread 19</p>" in first and "Thread 20</p>" not in first
    with django_assert_num_queries(count_queries(client, f"{url}?comments=2", HTTP_HX_REQUEST="true")):
        more = client.get(f"{url}?comments=3", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in more  # a fragment: the next <li> threads only
    assert "Thread 40</p>" in more and "Thread 44</p>" in more and "Thread 39</p>" not in more
    assert "Load more comments" not in more  # the last page
    second = client.get(f"{url}?comments=2", HTTP_HX_REQUEST="true").content.decode()
    assert "Thread 20</p>" in second and 'data-hx-get="?comments=3"' in second
    # without JavaScript the link is an ordinary page, and a comment's link names its page
    assert client.get(f"{url}?comments=3").status_code == 200
    assert tops[44].get_absolute_url() == f"{url}?comments=3#comment-{tops[44].pk}"
    assert tops[0].get_absolute_url() == f"{url}#comment-{tops[0].pk}"


def test_following_page_with_500_entries_costs_the_same_as_with_3(
    client, leader, other_leader, cohort, django_assert_num_queries
):
    FollowFactory(follower=leader, followee=other_leader)
    tagger = member_of(cohort)
    tag = TagFactory(name="coaching")
    TagFollowFactory(user=leader, tag=tag)
    followed_blog = BlogFactory(owner=other_leader)
    tag_blog = BlogFactory(owner=tagger)
    many_entries(followed_blog, 2, tags=[tag])
    many_entries(tag_blog, 1, tags=[tag])
    client.force_login(leader)
    url = reverse("blogs:following")
    small = count_queries(client, url)
    many_entries(followed_blog, 300, start=timezone.now() - timedelta(days=2))
    many_entries(tag_blog, 197, tags=[tag], start=timezone.now() - timedelta(days=3))
    with django_assert_num_queries(small):
        client.get(url)


def test_all_blogs_page_is_bounded(client, leader, cohort, django_assert_num_queries):
    authors = [member_of(cohort) for _ in range(3)]
    blogs = [BlogFactory(owner=a) for a in authors]
    for b in blogs:
        (entry,) = many_entries(b, 1, tags=[TagFactory(name="t")])
        EntryRead.objects.create(entry=entry, reader=authors[0] if b.owner != authors[0] else authors[1])
    client.force_login(leader)
    url = reverse("blogs:index")
    small = count_queries(client, url)
    more = [member_of(cohort) for _ in range(15)]
    for person in more:
        entries = many_entries(BlogFactory(owner=person), 5, tags=[TagFactory(name="t")])
        EntryRead.objects.bulk_create(EntryRead(entry=e, reader=a) for e in entries for a in authors)
        FollowFactory(follower=authors[0], followee=person)
        CommentFactory(entry=entries[0], author=authors[1])
    with django_assert_num_queries(small):
        client.get(url)


def test_tag_page_is_bounded(client, leader, other_leader, django_assert_num_queries):
    tag = TagFactory(name="feedback")
    blog = BlogFactory(owner=other_leader)
    many_entries(blog, 2, tags=[tag])
    client.force_login(leader)
    url = tag.get_absolute_url()
    small = count_queries(client, url)
    many_entries(blog, 50, tags=[tag, TagFactory(name="other")], start=timezone.now() - timedelta(days=1))
    with django_assert_num_queries(small):
        client.get(url)
