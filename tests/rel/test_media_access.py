"""Protected media: Django decides (``/_media-auth`` for Caddy's forward_auth), the proxy sends the file."""

import pytest
from django.test import Client

from forums.models import Attachment
from tests.factories import TopicFactory, member_of, reply_to

pytestmark = pytest.mark.django_db


def ask(client, uri):
    return client.get("/_media-auth", HTTP_X_FORWARDED_URI=uri).status_code


@pytest.fixture
def cohort_image(board, leader):
    topic = TopicFactory(board=board, author=leader)
    post = reply_to(topic, leader)
    Attachment.objects.create(
        uploader=leader, post=post, image="forums/2026/05/plan.webp", thumb="forums/2026/05/t.webp"
    )
    return "/media/forums/2026/05/plan.webp"


def test_members_of_the_cohort_may_see_its_images(client, leader, cohort_image):
    client.force_login(leader)
    assert ask(client, cohort_image) == 204
    assert ask(client, cohort_image.replace("plan", "t")) == 204  # the thumbnail too


def test_signed_out_and_other_cohorts_may_not(cohort_image, other_cohort):
    assert ask(Client(), cohort_image) == 401
    outsider = Client()
    outsider.force_login(member_of(other_cohort))
    assert ask(outsider, cohort_image) == 404  # as if it did not exist


def test_someone_who_left_the_cohort_loses_access(client, leader, cohort, cohort_image):
    from portal.people.models import Membership

    member = member_of(cohort)
    client.force_login(member)
    assert ask(client, cohort_image) == 204
    Membership.objects.filter(user=member, cohort=cohort).delete()
    assert ask(client, cohort_image) == 404


def test_a_draft_image_is_its_uploaders_only(client, leader, other_leader):
    Attachment.objects.create(uploader=leader, image="forums/2026/05/draft.webp", thumb="forums/2026/05/dt.webp")
    client.force_login(leader)
    assert ask(client, "/media/forums/2026/05/draft.webp") == 204
    client.force_login(other_leader)
    assert ask(client, "/media/forums/2026/05/draft.webp") == 404


@pytest.mark.parametrize(
    "uri", ["/media/../secret", "/media/forums/../../etc/passwd", "/media/unknown/x.png", "/static/x", "/media/"]
)
def test_odd_paths_and_unregistered_folders_are_refused(client, leader, uri):
    client.force_login(leader)
    assert ask(client, uri) == 404
