"""``portal.jobs.backfill``: the seeding mode ``seed_demo`` writes its back-dated history in.

Goal recomputations asked for inside the block run once per person when the batch is flushed, with the
same result as one per event; a rolled-back write asks for nothing; the history's notifications are
settled without rendering e-mails nobody receives, while a notification of today is e-mailed as usual.
"""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from onboarding.models import GoalProgress
from portal.jobs import backfill, backfilling
from portal.notifications import Event
from portal.notifications import services as svc
from portal.notifications.models import EmailDelivery, Notification
from portal.outbox import OutboxJob
from portal.people.models import Follow
from portal.people.services.people import follow_create
from tests.factories import UserFactory, member_of

pytestmark = pytest.mark.django_db
GOALS_REFRESH = "onboarding.tasks.goals_refresh"


def _follow_goal(user) -> GoalProgress | None:
    return GoalProgress.objects.filter(
        user=user, goal__criterion="follow_colleagues", goal__stage__ladder__cohort__isnull=True
    ).first()


def test_goal_refreshes_are_coalesced_until_the_flush_with_the_same_result(cohort, django_capture_on_commit_callbacks):
    newcomer = member_of(cohort)
    others = [UserFactory() for _ in range(10)]
    start = timezone.now() - timedelta(days=3)
    with backfill(coalesce=[GOALS_REFRESH]) as batch:
        for i, other in enumerate(others):
            with (
                time_machine.travel(start + timedelta(hours=i), tick=False),
                django_capture_on_commit_callbacks(execute=True),
            ):
                follow_create(actor=newcomer, followee=other)
        # Ten follows, one recomputation waiting, none run yet.
        assert Follow.objects.filter(follower=newcomer).count() == 10
        assert _follow_goal(newcomer) is None
        assert list(batch.pending) == [(GOALS_REFRESH, repr([newcomer.pk]))]
        assert batch.deferred == 10
        assert not OutboxJob.objects.filter(task=GOALS_REFRESH).exists()
        with django_capture_on_commit_callbacks(execute=True):
            assert batch.flush() == 1
    assert OutboxJob.objects.filter(task=GOALS_REFRESH).count() == 1
    row = _follow_goal(newcomer)
    # As after ten refreshes: done, at the moment of the tenth follow.
    assert (row.current, row.target) == (10, 10)
    assert row.completed_at == start + timedelta(hours=9)


def test_the_block_flushes_what_is_left_when_it_ends(cohort, django_capture_on_commit_callbacks):
    newcomer = member_of(cohort)
    others = [UserFactory() for _ in range(10)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with backfill(coalesce=[GOALS_REFRESH]):
            for other in others:
                with django_capture_on_commit_callbacks(execute=True):
                    follow_create(actor=newcomer, followee=other)
        assert backfilling() is None
    assert callbacks  # the flush's job, handed over after the commit
    assert _follow_goal(newcomer).completed_at is not None


def test_a_rolled_back_write_asks_for_nothing(cohort, django_capture_on_commit_callbacks):
    newcomer = member_of(cohort)
    other = UserFactory()
    with backfill(coalesce=[GOALS_REFRESH]) as batch:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
            follow_create(actor=newcomer, followee=other)
            raise RuntimeError("the write fails")
        assert batch.pending == {}
        assert batch.deferred == 0


def test_backfill_blocks_do_not_nest():
    with backfill(), pytest.raises(RuntimeError), backfill():
        pass


def _mention(recipient, actor):
    return svc.notify(recipient=recipient, event=Event.MENTION, text="Olive mentioned you", url="/boards/", actor=actor)


def test_history_notifications_are_settled_without_an_e_mail(
    leader, other_leader, django_capture_on_commit_callbacks, mailoutbox
):
    with backfill() as batch:
        with (
            time_machine.travel(timezone.now() - timedelta(days=30), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            old = _mention(leader, other_leader)
        # Today's notification (after the block began) is e-mailed exactly as outside the block.
        with django_capture_on_commit_callbacks(execute=True):
            new = _mention(leader, other_leader)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.count, old.emailed_count) == (1, 1)  # settled: no sweeper e-mails it later
    assert not EmailDelivery.objects.filter(notification=old).exists()
    assert batch.counts == {"history e-mails not rendered": 1}
    assert EmailDelivery.objects.filter(notification=new).count() == 1
    assert [m.to for m in mailoutbox] == [[leader.email]]
    assert Notification.objects.filter(recipient=leader).count() == 2
