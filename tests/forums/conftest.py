import pytest

from tests.factories import BoardFactory


@pytest.fixture
def board(cohort):
    """A board of the ``cohort`` fixture (members: leader, other_leader, facilitator)."""
    return BoardFactory(cohort=cohort, title="Northern Lights lounge", slug="lounge")


@pytest.fixture
def other_board(other_cohort):
    return BoardFactory(cohort=other_cohort, title="Southern Cross corner", slug="corner")


@pytest.fixture
def org_board(db):
    return BoardFactory(cohort=None, title="Everyone", slug="everyone")


@pytest.fixture
def topic(board, leader):
    from forums.services import topic_create

    return topic_create(
        actor=leader, board=board, title="How do you start your week?", body="<p>Mine starts with coffee.</p>"
    )


@pytest.fixture
def on_commit_now(monkeypatch):
    """Run ``transaction.on_commit`` follow-ups at once (the test's transaction never commits)."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
