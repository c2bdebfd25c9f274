"""The scheduled-publish job through a real Celery worker process (CI runs these against Redis)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from blogs.models import Entry
from blogs.services import entries as entry_services
from blogs.services import publishing
from blogs.tasks import publish_due_entries
from metrics.verbs import Verb
from portal.notifications import Event
from portal.notifications.models import Notification
from tests.conftest import wait_for
from tests.factories import FollowFactory

from .conftest import activities


@pytest.mark.worker
def test_worker_publishes_a_due_entry_once_and_tells_followers(celery_worker, leader, other_leader):
    FollowFactory(follower=other_leader, followee=leader)
    entry = entry_services.entry_create(actor=leader, title="Scheduled thoughts", body="<p>Ready</p>")
    entry = publishing.entry_schedule(actor=leader, entry=entry, publish_at=timezone.now() + timedelta(seconds=2))
    wait_for(lambda: timezone.now() > entry.publish_at + timedelta(milliseconds=50), timeout=10)

    # Beat's job, enqueued twice, as when beat fires while an earlier run is still queued.
    publish_due_entries.delay()
    publish_due_entries.delay()

    wait_for(lambda: Entry.objects.get(pk=entry.pk).status == Entry.Status.PUBLISHED, timeout=60)
    wait_for(
        lambda: Notification.objects.filter(recipient=other_leader, event=Event.FOLLOWED_ENTRY).exists(), timeout=60
    )
    published = Entry.objects.get(pk=entry.pk)
    assert published.published_at >= entry.publish_at
    assert published.announced_at is not None
    assert activities(Verb.ENTRY_PUBLISHED, actor=leader).count() == 1
    assert Notification.objects.filter(recipient=other_leader, event=Event.FOLLOWED_ENTRY).count() == 1
