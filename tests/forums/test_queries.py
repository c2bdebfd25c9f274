"""Query counts: the board list, a topic list and a topic page cost the same with 3 or 300 topics/posts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums.models import Board, Post, Reaction, ReadState, Topic
from tests.factories import BoardFactory, member_of

pytestmark = pytest.mark.django_db
LIMIT = 15


def add_topics(board, author, n, *, reader=None):
    """n topics with an opening post each (bulk, no services: this is about reading)."""
    now = timezone.now()
    start = Topic.objects.count()
    topics = Topic.objects.bulk_create(
        [
            Topic(
                board=board,
                title=f"Topic number {start + i}",
                author=author,
                last_poster=author,
                highest_number=1,
                last_post_number=1,
                is_pinned=i % 50 == 0,
                reply_count=0,
                created_at=now,
                last_post_at=now,
            )
            for i in range(n)
        ]
    )
    Post.objects.bulk_create(
        [Post(topic=t, number=1, author=author, body="<p>Opening</p>", search_text="Opening") for t in topics]
    )
    if reader is not None:
        ReadState.objects.bulk_create([ReadState(user=reader, topic=t, last_read_number=1) for t in topics[::2]])
    return topics


def add_posts(topic, authors, n, *, reactors=()):
    first = topic.highest_number + 1
    posts = Post.objects.bulk_create(
        [
            Post(topic=topic, number=first + i, author=authors[i % len(authors)], body=f"<p>Reply {i}</p>")
            for i in range(n)
        ]
    )
    Reaction.objects.bulk_create(
        [Reaction(post=p, user=r, kind=kind) for p in posts for r in reactors for kind in ("like", "thanks")]
    )
    Topic.objects.filter(pk=topic.pk).update(
        highest_number=first + n - 1, last_post_number=first + n - 1, reply_count=topic.reply_count + n
    )


def queries(client, url) -> int:
    client.get(url)  # warm up caches (content types, session)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_board_list_costs_the_same_with_3_or_300_topics_and_more_boards(client, cohort, leader, other_leader):
    boards = [BoardFactory(cohort=cohort), BoardFactory(cohort=None)]
    add_topics(boards[0], other_leader, 3, reader=leader)
    client.force_login(leader)
    url = reverse("forums:index")
    small = queries(client, url)
    for board in boards:
        add_topics(board, other_leader, 150, reader=leader)
    for _ in range(10):
        add_topics(BoardFactory(cohort=cohort), other_leader, 2)
    large = queries(client, url)
    assert small == large <= LIMIT, (small, large)
    assert Board.objects.count() == 12


@pytest.mark.parametrize("path", ["board", "latest", "unanswered"])
def test_topic_lists_cost_the_same_with_3_or_300_topics(client, cohort, leader, other_leader, path, settings):
    board = BoardFactory(cohort=cohort)
    add_topics(board, other_leader, 3, reader=leader)
    client.force_login(leader)
    url = {
        "board": board.get_absolute_url(),
        "latest": reverse("forums:latest"),
        "unanswered": board.get_absolute_url() + "?sort=unanswered",
    }[path]
    small = queries(client, url)
    add_topics(board, member_of(cohort), 297, reader=leader)
    large = queries(client, url)
    assert small == large <= LIMIT, (small, large)


def test_topic_page_costs_the_same_with_3_or_300_posts(client, cohort, leader, other_leader, topic):
    reactors = [member_of(cohort) for _ in range(3)]
    authors = [other_leader, *reactors]
    add_posts(topic, authors, 2, reactors=reactors)
    client.force_login(leader)
    url = topic.get_absolute_url()
    small = queries(client, url)
    add_posts(Topic.objects.get(pk=topic.pk), authors, 297, reactors=reactors)
    large = queries(client, url)
    last_page = queries(client, url + "?page=15")
    assert small == large == last_page <= LIMIT, (small, large, last_page)


def test_review_queue_costs_the_same_with_more_flags(client, cohort, facilitator, topic):
    from forums.models import Flag
    from forums.services import flag_create

    flaggers = [member_of(cohort) for _ in range(3)]
    add_posts(topic, flaggers, 30)
    posts = list(Post.objects.filter(topic=topic, number__gt=1).order_by("number"))
    flag_create(actor=flaggers[1], target=posts[0], reason=Flag.Reason.OFF_TOPIC)
    client.force_login(facilitator)
    url = reverse("forums:review-queue")
    small = queries(client, url)
    for post in posts[1:18]:
        for person in flaggers:
            if person != post.author:
                flag_create(actor=person, target=post, reason=Flag.Reason.OFF_TOPIC)
    large = queries(client, url)
    assert small == large <= LIMIT + 5, (small, large)


def test_topic_page_for_a_moderator_costs_the_same_with_3_or_300_posts(
    client, cohort, facilitator, other_leader, topic
):
    add_posts(topic, [other_leader], 2)
    client.force_login(facilitator)
    url = topic.get_absolute_url()
    small = queries(client, url)
    add_posts(Topic.objects.get(pk=topic.pk), [other_leader], 297)
    large = queries(client, url)
    assert small == large <= LIMIT, (small, large)
