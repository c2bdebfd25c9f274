"""The admin's xAPI page: who may see it, what it shows, "Send now", flat query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.models import XapiCursor
from metrics.verbs import Verb
from tests.conftest import ROLES
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

ALLOWED = {"admin"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "name"), [("get", "lms:xapi"), ("post", "lms:xapi-send")])
def test_only_admins_reach_the_xapi_page(as_role, role, method, name):
    client, _ = as_role(role)
    response = getattr(client, method)(reverse(name))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in ALLOWED:
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert response["Location"] == reverse("lms:xapi")
    else:
        assert response.status_code == 403


def test_page_says_off_by_default(as_role, settings):
    settings.XAPI_ENDPOINT = ""
    client, _ = as_role("admin")
    page = client.get(reverse("lms:xapi")).content.decode()
    assert "Off." in page and "XAPI_ENDPOINT" in page
    assert "Send now" not in page
    response = client.post(reverse("lms:xapi-send"), follow=True)
    assert "xAPI is off" in response.content.decode()


def test_page_shows_cursor_backlog_and_last_error_never_the_secret(as_role, settings, leader):
    settings.XAPI_ENDPOINT = "https://lrs.example.org/xAPI"
    settings.XAPI_KEY, settings.XAPI_SECRET = "keystone", "s3cret-never-shown"
    sent = ActivityFactory(actor=leader, verb=Verb.POST_CREATED, target_id=1)
    for verb in (Verb.POST_CREATED, Verb.COMMENTED, Verb.LESSON_COMPLETED, Verb.SIGNED_IN):
        ActivityFactory(actor=leader, verb=verb, target_id=2)
    XapiCursor.objects.create(
        name="lrs",
        last_activity_id=sent.pk,
        consecutive_failures=2,
        next_attempt_at=timezone.now(),
        last_error="ConnectionError: the LRS refused the connection",
        last_error_at=timezone.now(),
        sent_total=1,
    )
    client, _ = as_role("admin")
    page = client.get(reverse("lms:xapi")).content.decode()
    assert f"activity #{sent.pk} of #{sent.pk + 4}" in page
    assert "3 statements waiting" in page, "sign-ins are not statements"
    assert "ConnectionError: the LRS refused the connection" in page
    assert "Failed attempts in a row" in page
    assert "https://lrs.example.org/xAPI" in page
    assert "s3cret-never-shown" not in page


def test_page_costs_the_same_queries_however_long_the_log(as_role, settings, leader, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.XAPI_ENDPOINT = "https://lrs.example.org/xAPI"
    client, _ = as_role("admin")
    ActivityFactory(actor=leader, verb=Verb.POST_CREATED, target_id=1)
    client.get(reverse("lms:xapi"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("lms:xapi"))
    ActivityFactory.create_batch(60, actor=leader, verb=Verb.COMMENTED, target_id=3)
    with django_assert_num_queries(len(before.captured_queries)):
        assert "61 statements waiting" in client.get(reverse("lms:xapi")).content.decode()


def test_send_now_delivers_to_the_lrs_and_the_page_shows_the_new_cursor(as_role, lrs, leader):
    first = ActivityFactory(actor=leader, verb=Verb.POST_CREATED, target_id=7, context_id=3)
    last = ActivityFactory(actor=leader, verb=Verb.COMMENTED, target_id=8, context_id=4)
    client, _ = as_role("admin")
    response = client.post(reverse("lms:xapi-send"), follow=True)  # tasks run eagerly in unit tests
    page = response.content.decode()
    assert "Sending now" in page
    assert f"activity #{last.pk} of #{last.pk}" in page and "0 statements waiting" in page
    assert sorted(s["object"]["id"].rsplit("/", 2)[-2] for s in lrs.statements()) == ["comment", "post"]
    assert first.pk < last.pk
