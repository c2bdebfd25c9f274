"""The weekly sponsor summary: due once a week, aggregates only, sent exactly once per cohort and week."""

from __future__ import annotations

import socket
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from metrics import tasks
from metrics.models import SentSummary
from metrics.rollup import rollup_run
from metrics.summaries import due_summaries, summary_send, summary_week
from tests.factories import ActivityFactory, UserFactory, member_of

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 6, 15)


@pytest.fixture
def sponsored(cohort):
    cohort.sponsor = UserFactory(email="sponsor@keystone.example", profile__display_name="Sam Sponsor")
    cohort.starts_on = date(2026, 5, 1)
    cohort.save()
    return cohort


def test_the_due_week_turns_over_at_the_summary_hour_on_monday(settings):
    settings.METRICS_SUMMARY_WEEKDAY, settings.METRICS_SUMMARY_HOUR = 0, 7
    before = datetime(2026, 6, 15, 6, 59, tzinfo=LONDON)
    after = datetime(2026, 6, 15, 7, 0, tzinfo=LONDON)
    assert summary_week(before) == date(2026, 6, 1)
    assert summary_week(after) == date(2026, 6, 8)
    assert summary_week(datetime(2026, 6, 21, 23, 0, tzinfo=LONDON)) == date(2026, 6, 8)


@pytest.mark.django_db
def test_only_sponsored_cohorts_not_yet_sent_are_due(sponsored, other_cohort):
    now = datetime(2026, 6, 15, 9, 0, tzinfo=LONDON)
    assert due_summaries(now) == [(sponsored.pk, date(2026, 6, 8))]
    SentSummary.objects.create(cohort=sponsored, week_start=date(2026, 6, 8), recipient="x@y.z", sent_at=now)
    assert due_summaries(now) == []


@pytest.mark.django_db
def test_the_summary_holds_aggregates_only_behind_the_privacy_floor(sponsored):
    people = [member_of(sponsored, profile__display_name=f"Private Person {i}") for i in range(6)]
    for i, person in enumerate(people):
        at = datetime(2026, 6, 10, 12, tzinfo=LONDON)
        ActivityFactory(actor=person, cohort=sponsored, verb="signed_in", created_at=at)
        if i < 3:
            ActivityFactory(actor=person, cohort=sponsored, verb="post_created", created_at=at)
    rollup_run()
    assert summary_send(cohort_id=sponsored.pk, week_start=date(2026, 6, 8)) is True
    (message,) = mail.outbox
    assert message.to == ["sponsor@keystone.example"]
    assert "Northern Lights" in message.subject and "8 June 2026" in message.subject
    text = message.body
    html = message.alternatives[0][0]
    assert "People active: 6 (week before: 0; change +6)" in text
    assert "Contributors: hidden (fewer than 5 people)" in text  # three people wrote: hidden
    assert "hidden (fewer than 5 people)" in html
    for person in people:
        assert person.profile.display_name not in text and person.profile.display_name not in html
        assert person.email not in text


@pytest.mark.django_db
def test_sending_twice_sends_one_email(sponsored):
    week = date(2026, 6, 8)
    assert summary_send(cohort_id=sponsored.pk, week_start=week) is True
    assert summary_send(cohort_id=sponsored.pk, week_start=week) is False
    assert len(mail.outbox) == 1
    row = SentSummary.objects.get()
    assert row.sent_at is not None and row.recipient == "sponsor@keystone.example"


@pytest.mark.django_db
def test_the_hourly_job_sends_each_cohort_once_per_week(sponsored, other_cohort):
    other_cohort.sponsor = UserFactory(email="other.sponsor@keystone.example")
    other_cohort.starts_on = date(2026, 5, 1)
    other_cohort.save()
    with time_machine.travel(datetime(2026, 6, 15, 7, 20, tzinfo=LONDON), tick=False):
        assert sorted(tasks.sponsor_summaries_due()) == sorted([sponsored.pk, other_cohort.pk])
        assert tasks.sponsor_summaries_due() == []
    with time_machine.travel(datetime(2026, 6, 16, 7, 20, tzinfo=LONDON), tick=False):
        assert tasks.sponsor_summaries_due() == []
    assert sorted(m.to[0] for m in mail.outbox) == ["other.sponsor@keystone.example", "sponsor@keystone.example"]
    with time_machine.travel(datetime(2026, 6, 22, 7, 20, tzinfo=LONDON), tick=False):
        tasks.sponsor_summaries_due()
    assert len(mail.outbox) == 4
    assert set(SentSummary.objects.values_list("week_start", flat=True)) == {date(2026, 6, 8), date(2026, 6, 15)}


@pytest.mark.django_db
def test_a_mail_server_that_is_down_loses_nothing_and_sends_once_when_back(sponsored, settings, smtp_server):
    week = date(2026, 6, 8)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    settings.EMAIL_PORT = closed_port
    with pytest.raises(OSError):
        summary_send(cohort_id=sponsored.pk, week_start=week)
    assert not SentSummary.objects.filter(sent_at__isnull=False).exists()
    settings.EMAIL_PORT = smtp_server.port
    assert summary_send(cohort_id=sponsored.pk, week_start=week) is True
    assert summary_send(cohort_id=sponsored.pk, week_start=week) is False
    (delivered,) = smtp_server.messages
    message = delivered["message"]
    assert delivered["to"] == ["sponsor@keystone.example"]
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type() for part in message.iter_parts()}
    assert parts == {"text/plain", "text/html"}


@pytest.mark.django_db
def test_no_sponsor_no_email(cohort):
    assert summary_send(cohort_id=cohort.pk, week_start=date(2026, 6, 8)) is False
    assert not mail.outbox
    assert due_summaries(datetime(2026, 6, 15, 9, tzinfo=LONDON) + timedelta(hours=1)) == []
