from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import BoardFactory, CohortSessionFactory

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def board(cohort):
    """A board of the ``cohort`` fixture (members: leader, other_leader; facilitator runs it)."""
    return BoardFactory(cohort=cohort, title="Northern Lights lounge", slug="lounge")


@pytest.fixture
def other_board(other_cohort):
    return BoardFactory(cohort=other_cohort, title="Southern Cross corner", slug="corner")


@pytest.fixture
def sessions(cohort):
    """Three formal sessions of ``cohort``: in 3, 17 and 31 days, at 14:00 London time."""
    today = timezone.localdate()
    return [
        CohortSessionFactory(
            cohort=cohort,
            number=n,
            title=f"Session {n}",
            starts_at=datetime.combine(today + timedelta(days=days), datetime.min.time().replace(hour=14), LONDON),
        )
        for n, days in ((1, 3), (2, 17), (3, 31))
    ]


@pytest.fixture
def on_commit_now(monkeypatch):
    """Run ``transaction.on_commit`` follow-ups at once (a test's transaction never commits)."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
