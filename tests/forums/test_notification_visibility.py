"""A forum notification never shows a post its recipient can no longer read."""

import pytest

from forums.services import post_reply
from portal.notifications.models import Notification
from portal.notifications.permissions import notification_visible
from portal.people.models import Membership
from tests.factories.forums import BoardFactory, TopicFactory


@pytest.mark.django_db
def test_reply_notification_hidden_after_the_author_leaves_the_cohort(
    cohort, leader, other_leader, django_capture_on_commit_callbacks
):
    board = BoardFactory(cohort=cohort)
    topic = TopicFactory(board=board, author=leader)
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(actor=other_leader, topic=topic, body="<p>Here is what worked for my team.</p>")
    notification = Notification.objects.get(recipient=leader)
    assert notification_visible(leader, notification)

    Membership.objects.filter(user=leader, cohort=cohort).delete()
    leader = type(leader).objects.get(pk=leader.pk)  # drop the per-request permission caches

    assert not notification_visible(leader, notification)
