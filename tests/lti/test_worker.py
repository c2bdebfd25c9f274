"""Gradebook scores through a real Celery worker process: posted once, retried after an LMS outage."""

from __future__ import annotations

import pytest

from lms.lti.models import CourseCohort, ScorePosted
from lms.lti.services.grades import ladder_publish
from lms.lti.tasks import scores_sync_all
from portal.people.models import User
from tests.conftest import wait_for

from .conftest import launch


@pytest.mark.worker
def test_worker_posts_scores_once_and_retries_after_an_outage(celery_worker, client, platform, registration, people):
    from tests.factories import GoalFactory, GoalLadderFactory, GoalStageFactory

    _proc, log = celery_worker
    launch(client, platform, "sub-teacher")
    client.logout()
    launch(client, platform, "sub-learner")
    course = CourseCohort.objects.get()
    teacher = User.objects.get(email="tam.teacher@lms.example")
    ladder = GoalLadderFactory(cohort=course.cohort)
    stage = GoalStageFactory(ladder=ladder, kind="crawl", title="Crawl", deadline_days=30)
    GoalFactory(stage=stage, title="Reply once", criterion="reply", params={"n": 1})

    # The LMS's score service is down when the columns are published: the job fails and is retried.
    platform.fail_services = True
    ladder_publish(actor=teacher, course=course)
    wait_for(lambda: "Retry in" in log.read_text(), timeout=60)
    assert not ScorePosted.objects.exists()
    platform.fail_services = False
    wait_for(lambda: ScorePosted.objects.count() == 1, timeout=90)
    assert len([s for s in platform.scores_received if s["userId"] == "sub-learner"]) == 1

    # The periodic sweep, twice: nothing changed, so nothing is sent again.
    done_before = log.read_text().count("succeeded")
    scores_sync_all.delay()
    scores_sync_all.delay()
    wait_for(lambda: log.read_text().count("succeeded") >= done_before + 4, timeout=60)  # 2 sweeps + 2 course jobs
    assert len(platform.scores_received) == 1
    assert ScorePosted.objects.count() == 1
