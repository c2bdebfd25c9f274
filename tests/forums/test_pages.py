"""Every forum page renders for the people who may see it (detailed rules live in the other test modules)."""

import pytest
from django.urls import reverse

from forums.services import flag_create, post_reply


@pytest.mark.django_db
def test_pages_render_for_members_and_facilitators(client, leader, other_leader, facilitator, topic, board, org_board):
    reply = post_reply(actor=other_leader, topic=topic, body="<p>Hello @Lee Leader, <b>me too</b></p>")
    client.force_login(leader)
    urls = [
        reverse("forums:index"),
        reverse("forums:latest"),
        board.get_absolute_url(),
        topic.get_absolute_url(),
        reverse("forums:topic-create", args=[board.slug]),
        reverse("forums:topic-reply", args=[topic.pk]) + f"?quote={reply.pk}",
        reverse("forums:post-history", args=[reply.pk]),
        reverse("forums:search") + "?q=coffee",
        reverse("forums:flag-create", args=["post", reply.pk]),
        reverse("forums:post-edit", args=[topic.first_post.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    flag_create(actor=leader, target=reply, reason="off_topic")
    client.force_login(facilitator)
    queue = client.get(reverse("forums:review-queue"))
    assert "Hide and send the message" in queue.content.decode()
    for url in [reverse("forums:audit-log"), topic.get_absolute_url(), reverse("forums:board-create")]:
        assert client.get(url).status_code == 200, url
