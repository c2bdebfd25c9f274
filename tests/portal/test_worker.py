import pytest

from portal.models import JobHeartbeat
from portal.tasks import heartbeat
from tests.conftest import wait_for


@pytest.mark.worker
def test_a_real_worker_runs_an_enqueued_job(celery_worker):
    heartbeat.delay()
    row = wait_for(lambda: JobHeartbeat.objects.filter(name="beat").first())
    assert row.last_run_at is not None
