"""Concurrent writes on PostgreSQL: replies at the same moment both land with distinct numbers and right counts.

Each thread has its own database connection; a barrier releases them together. SQLite serialises
writers anyway (and its test database is not shared across threads here), so these run in CI's
PostgreSQL pass.
"""

import threading

import pytest
from django.db import connection, connections

from forums.models import Post, Topic
from forums.services import DuplicateSubmission, post_reply, topic_create
from metrics.models import Activity
from metrics.verbs import Verb
from tests.factories import member_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (runs in CI's PostgreSQL pass)")


def run_together(*calls):
    """Run the calls in threads released at the same instant; return (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # reported to the test
            errors[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def test_two_replies_at_the_same_time_both_land_and_counts_stay_right(board, leader, cohort):
    topic = topic_create(actor=leader, board=board, title="Race to answer", body="<p>Who is first?</p>")
    first, second = member_of(cohort), member_of(cohort)
    for _ in range(3):  # several rounds: a race that passes once by luck fails another round
        _results, errors = run_together(
            lambda: post_reply(actor=first, topic=topic, body=f"<p>Mine {Post.objects.count()}</p>"),
            lambda: post_reply(actor=second, topic=topic, body=f"<p>Theirs {Post.objects.count()}</p>"),
        )
        assert errors == [None, None]
    topic.refresh_from_db()
    numbers = sorted(Post.objects.filter(topic=topic).values_list("number", flat=True))
    assert numbers == list(range(1, 8))
    assert topic.reply_count == 6 and topic.highest_number == 7 and topic.last_post_number == 7
    assert Topic.objects.get(pk=topic.pk).last_post.number == 7
    assert Activity.objects.filter(verb=Verb.POST_CREATED).count() == 6
    # only one of the racing replies is the topic's first response
    assert Activity.objects.filter(verb=Verb.TOPIC_FIRST_RESPONSE).count() == 1


def test_a_double_submit_racing_itself_creates_one_reply(board, leader, other_leader):
    topic = topic_create(actor=leader, board=board, title="Double click", body="<p>Click twice</p>")
    results, errors = run_together(
        lambda: post_reply(actor=other_leader, topic=topic, body="<p>Once</p>", client_key="same-key"),
        lambda: post_reply(actor=other_leader, topic=topic, body="<p>Once</p>", client_key="same-key"),
    )
    assert sum(isinstance(e, DuplicateSubmission) for e in errors) == 1
    assert sum(r is not None for r in results) == 1
    assert Post.objects.filter(topic=topic).count() == 2
    topic.refresh_from_db()
    assert topic.reply_count == 1
