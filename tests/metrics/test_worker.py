"""The beat rollup through a real Celery worker process (run against Redis and PostgreSQL in CI)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from metrics.models import DailyVerbCount, RollupState
from metrics.tasks import rollup
from portal.celery import app
from portal.models import JobHeartbeat
from tests.conftest import wait_for
from tests.factories import ActivityFactory


def test_beat_runs_the_rollup_every_few_minutes(settings):
    entry = app.conf.beat_schedule["metrics-rollup"]
    assert entry["task"] == rollup.name == "metrics.tasks.rollup"
    assert app.conf.beat_schedule["metrics-sponsor-summaries"]["task"] == "metrics.tasks.sponsor_summaries_due"


@pytest.mark.worker
def test_the_worker_rolls_up_new_activity_and_then_a_late_row(celery_worker, leader, cohort):
    now = timezone.now()
    for days in (0, 0, 1):
        ActivityFactory(actor=leader, cohort=cohort, verb="post_created", created_at=now - timedelta(days=days))
    rollup.delay()
    wait_for(lambda: JobHeartbeat.objects.filter(name="metrics-rollup").exists(), timeout=60)
    # (Other apps' jobs may record activities of their own, e.g. a goal met: count the posts.)
    posts = DailyVerbCount.objects.filter(verb="post_created")
    assert sorted(posts.values_list("count", flat=True)) == [1, 2]
    mark = RollupState.objects.get().last_activity_id

    # A late row for yesterday, then the next beat run.
    ActivityFactory(actor=leader, cohort=cohort, verb="post_created", created_at=now - timedelta(days=1))
    JobHeartbeat.objects.all().delete()
    rollup.delay()
    wait_for(lambda: JobHeartbeat.objects.filter(name="metrics-rollup").exists(), timeout=60)
    assert RollupState.objects.get().last_activity_id > mark
    assert sorted(posts.values_list("count", flat=True)) == [2, 2]
