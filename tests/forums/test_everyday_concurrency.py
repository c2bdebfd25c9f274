"""Issue 17 (feat) on PostgreSQL: the same person voting twice at the same instant gets one ballot."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from forums.models import PollBallot, PollChoice
from forums.services import poll_create, poll_vote, topic_create
from metrics.models import Activity
from metrics.verbs import Verb
from tests.forums.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and real concurrent connections (runs in CI's PostgreSQL pass)")


def test_two_votes_by_one_person_at_the_same_instant_leave_one_ballot(board, leader, other_leader):
    topic = topic_create(actor=leader, board=board, title="Which day works best?", body="<p>Vote</p>")
    poll = poll_create(actor=leader, topic=topic, question="Day?", options=["Monday", "Friday"])
    monday, friday = poll.options.all()
    results, errors = run_together(
        lambda: poll_vote(actor=other_leader, poll=poll, option_ids=[monday.pk]),
        lambda: poll_vote(actor=other_leader, poll=poll, option_ids=[friday.pk]),
    )
    assert sum(r is not None for r in results) == 1
    assert [type(e) for e in errors if e is not None] == [ValidationError]
    assert PollBallot.objects.filter(voter=other_leader).count() == 1
    assert PollChoice.objects.filter(ballot__voter=other_leader).count() == 1
    assert Activity.objects.filter(verb=Verb.POLL_VOTED, actor=other_leader).count() == 1
