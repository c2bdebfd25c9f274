"""A reply posted while Redis (cache and broker) is down: saved, normal page, follow-up kept for later."""

import pytest
from django.urls import reverse

from forums.models import Post
from portal.outbox import OutboxJob
from tests.conftest import _free_port


@pytest.mark.django_db(transaction=True)
def test_reply_with_redis_down_is_saved_with_its_normal_page(client, settings, topic, other_leader, broker_down):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.DegradingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_free_port()}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    client.force_login(other_leader)
    response = client.post(reverse("forums:topic-reply", args=[topic.pk]), {"body": "Kept through the outage"})
    assert response.status_code == 302
    assert Post.objects.filter(topic=topic, body__contains="Kept through the outage").count() == 1
    assert OutboxJob.objects.filter(task="forums.tasks.post_created_notify", sent_at__isnull=True).count() == 1
