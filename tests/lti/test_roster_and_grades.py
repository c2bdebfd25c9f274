"""NRPS roster sync and AGS: goal stages as line items, scores posted once per change, outages lose nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from lms.lti.models import CourseCohort, RosterEntry, ScorePosted, StageLineItem
from lms.lti.services.grades import ladder_publish, scores_post
from lms.lti.services.roster import roster_sync
from portal.people.models import Invitation, Membership, User

from .conftest import launch
from .simulator import LEARNER

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(client, platform, registration, people):
    launch(client, platform, "sub-teacher")
    client.logout()
    return CourseCohort.objects.select_related("cohort", "context").get()


@pytest.fixture
def teacher(course):
    return User.objects.get(email="tam.teacher@lms.example")


def test_roster_sync_invites_new_people_once_and_marks_leavers_without_deleting(
    platform, course, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    platform.add("sub-new", "Nia Newcomer", "nia@lms.example", [LEARNER])
    with django_capture_on_commit_callbacks(execute=True):
        result = roster_sync(actor=teacher, course=course)
    invited = set(Invitation.objects.filter(cohort=course.cohort).values_list("email", flat=True))
    assert invited == {"lou.learner@lms.example", "nia@lms.example"}
    assert sorted(result.invited) == sorted(invited)
    assert len(mailoutbox) == 2  # the invitation e-mails, via portal's invitation service

    # Nothing new: a second sync invites nobody again.
    again = roster_sync(actor=teacher, course=course)
    assert again.invited == []
    assert Invitation.objects.filter(cohort=course.cohort).count() == 2

    # Nia leaves the course; Lou becomes inactive: both marked, nobody deleted.
    del platform.course.members["sub-new"]
    platform.course.members["sub-learner"].status = "Inactive"
    third = roster_sync(actor=teacher, course=course)
    assert sorted(third.left) == ["Lou Learner", "Nia Newcomer"]
    left = RosterEntry.objects.filter(course=course, left_at__isnull=False)
    assert {e.lti_user.sub for e in left} == {"sub-new", "sub-learner"}
    assert Invitation.objects.filter(cohort=course.cohort).count() == 2
    assert Membership.objects.filter(user=teacher, cohort=course.cohort).exists()
    # And back again: the mark is cleared.
    platform.course.members["sub-learner"].status = "Active"
    fourth = roster_sync(actor=teacher, course=course)
    assert fourth.returned == ["Lou Learner"]


def test_roster_sync_outage_changes_nothing(platform, course, teacher):
    platform.fail_services = True
    with pytest.raises(Exception):  # noqa: B017  (the library's service exception)
        roster_sync(actor=teacher, course=course)
    assert not RosterEntry.objects.exists()
    assert not Invitation.objects.exists()


def test_only_the_cohort_facilitators_sync_or_publish(platform, course, people):
    from tests.factories import UserFactory

    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        roster_sync(actor=stranger, course=course)
    with pytest.raises(PermissionDenied):
        ladder_publish(actor=stranger, course=course)


@pytest.fixture
def ladder(course):
    from tests.factories import GoalFactory, GoalLadderFactory, GoalStageFactory

    ladder = GoalLadderFactory(cohort=course.cohort, name="Course ladder")
    crawl = GoalStageFactory(ladder=ladder, kind="crawl", title="Crawl: first steps", deadline_days=30)
    GoalFactory(stage=crawl, title="Reply once", criterion="reply", params={"n": 1})
    walk = GoalStageFactory(ladder=ladder, kind="walk", title="Walk: join in", deadline_days=60)
    GoalFactory(stage=walk, title="Start a topic", criterion="start_topics", params={"n": 1})
    GoalFactory(stage=walk, title="Reply three times", criterion="reply", params={"n": 3})
    return ladder


def test_publish_creates_one_column_per_stage_and_again_creates_none(platform, course, teacher, ladder):
    rows = ladder_publish(actor=teacher, course=course)
    assert len(rows) == 2
    labels = sorted(item["label"] for item in platform.course.lineitems.values())
    assert labels == ["Keystone: Crawl: first steps", "Keystone: Walk: join in"]
    assert sorted(item["scoreMaximum"] for item in platform.course.lineitems.values()) == [1, 2]
    ladder_publish(actor=teacher, course=course)
    assert len(platform.course.lineitems) == 2
    assert StageLineItem.objects.count() == 2


def _learner_in_course(client, platform):
    from tests.factories.onboarding import acknowledge_policy

    launch(client, platform, "sub-learner")
    client.logout()
    learner = User.objects.get(email="lou.learner@lms.example")
    acknowledge_policy(learner)
    return learner


def _reply(user, cohort):
    from forums.services import post_reply
    from tests.factories import BoardFactory, TopicFactory

    board = BoardFactory(cohort=cohort)
    topic = TopicFactory(board=board)
    return post_reply(actor=user, topic=topic, body="<p>Here is my first reply.</p>")


def test_progress_posts_scores_once_per_change(
    client, platform, course, teacher, ladder, django_capture_on_commit_callbacks
):
    learner = _learner_in_course(client, platform)
    with django_capture_on_commit_callbacks(execute=True):
        ladder_publish(actor=teacher, course=course)
    first = len(platform.scores_received)
    assert first == 2  # one "nothing yet" score per stage for the learner
    assert {s["activityProgress"] for s in platform.scores_received} == {"Initialized"}

    from onboarding.tasks import goals_refresh

    _reply(learner, course.cohort)
    # Onboarding's job recomputes the goals after the reply commits (run here as the worker would,
    # since this test's transaction never commits); the score follows from its success.
    # The score job is handed over through the job outbox when the refresh's work commits.
    with django_capture_on_commit_callbacks(execute=True):
        goals_refresh.apply(args=[learner.pk])
    crawl = [s for s in platform.scores_received[first:] if s["scoreMaximum"] == 1]
    assert crawl and crawl[-1]["scoreGiven"] == 1 and crawl[-1]["activityProgress"] == "Completed"
    assert "on time" in crawl[-1]["comment"]
    posted = len(platform.scores_received)

    # Nothing changed: running the job again sends nothing.
    assert scores_post(course=course) == 0
    assert len(platform.scores_received) == posted
    assert ScorePosted.objects.count() == 2


def test_score_outage_is_retried_and_loses_nothing(
    client, platform, course, teacher, ladder, django_capture_on_commit_callbacks
):
    from lms.lti.tasks import scores_sync_course

    _learner_in_course(client, platform)
    platform.fail_services = True
    with pytest.raises(Exception), django_capture_on_commit_callbacks(execute=True):  # noqa: B017
        ladder_publish(actor=teacher, course=course)  # columns created; the scores fail (retried, then raised)
    assert not ScorePosted.objects.exists()
    platform.fail_services = False
    assert scores_sync_course.apply(args=[course.pk]).get() == 2
    assert ScorePosted.objects.count() == 2
    assert scores_sync_course.apply(args=[course.pk]).get() == 0
