"""Calendar feeds (RFC 5545) behind the person's feed token, and one session as an .ics download."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from blogs.services.feeds import feed_token_ensure, feed_token_regenerate
from onboarding.facilitation.models import ScheduledPrompt
from tests.factories import (
    CohortSessionFactory,
    GoalFactory,
    GoalLadderFactory,
    GoalStageFactory,
    ScheduledPromptFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(cohort, other_cohort):
    """Two sessions and a ladder for the cohort; a session of another cohort; prompts the facilitator times."""
    first = CohortSessionFactory(cohort=cohort, number=1, title="Why leaders post", starts_at=_at(2026, 12, 10, 9))
    second = CohortSessionFactory(cohort=cohort, number=2, title="Listening at scale", starts_at=_at(2027, 1, 14, 14))
    CohortSessionFactory(cohort=other_cohort, number=1, title="Someone else's session")
    cohort.starts_on = date(2026, 12, 1)
    cohort.save()
    ladder = GoalLadderFactory(cohort=cohort)
    crawl = GoalStageFactory(ladder=ladder, kind="crawl", title="First steps", deadline_days=14)
    walk = GoalStageFactory(
        ladder=ladder, kind="walk", title="Regular voice", deadline_days=None, deadline_date=date(2027, 2, 1)
    )
    GoalFactory(stage=crawl, title="Reply to three colleagues")
    GoalFactory(stage=walk, title="Publish a blog entry")
    prompt = ScheduledPromptFactory(cohort=cohort, title="What did you try this week?", release_at=_at(2026, 12, 11, 8))
    ScheduledPromptFactory(cohort=cohort, title="Withdrawn idea", status=ScheduledPrompt.Status.CANCELLED)
    return {"sessions": (first, second), "prompt": prompt}


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.get_default_timezone())


def _events(body: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _feed(client, user) -> bytes:
    token = feed_token_ensure(user=user)
    response = client.get(reverse("lms:calendar-feed", args=[token.key]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def test_a_leaders_calendar_has_their_sessions_and_goal_deadlines(client, leader, cohort, programme):
    events = _events(_feed(client, leader))
    first, second = programme["sessions"]
    session = events[f"session-{first.pk}@127.0.0.1"]
    assert str(session["SUMMARY"]) == "Northern Lights: Why leaders post"
    assert session.decoded("DTSTART") == first.starts_at
    assert session.decoded("DTEND") - session.decoded("DTSTART") == timedelta(minutes=90)
    assert str(session["URL"]).endswith(cohort.get_absolute_url())
    assert f"session-{second.pk}@127.0.0.1" in events
    deadlines = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events.values() if "Goal deadline" in e["SUMMARY"]}
    assert deadlines == {
        "Goal deadline: Crawl (First steps)": date(2026, 12, 15),  # 14 days after the cohort started
        "Goal deadline: Walk (Regular voice)": date(2027, 2, 1),
    }
    assert not any("Someone else" in str(e["SUMMARY"]) for e in events.values()), "only their own cohorts"
    assert not any("Starter prompt" in str(e["SUMMARY"]) for e in events.values()), "prompt times: facilitators only"


def test_a_facilitator_also_sees_when_prompts_go_out(client, facilitator, programme):
    events = _events(_feed(client, facilitator))
    prompt = programme["prompt"]
    event = events[f"prompt-{prompt.pk}@127.0.0.1"]
    assert str(event["SUMMARY"]) == "Starter prompt goes out: What did you try this week?"
    assert event.decoded("DTSTART") == prompt.release_at
    assert not any("Withdrawn" in str(e["SUMMARY"]) for e in events.values()), "cancelled prompts are left out"


def test_the_feed_is_valid_rfc5545_and_survives_a_round_trip(client, leader, programme):
    body = _feed(client, leader)
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in body.split(b"\r\n")), "lines folded at 75 octets"
    cal = Calendar.from_ical(body)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]).startswith("-//Keystone//")
    for event in cal.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event
    # Imported into the calendar library and written out again: the same events, field for field.
    again = Calendar.from_ical(cal.to_ical())
    assert [
        (str(e["UID"]), str(e["SUMMARY"]), e.decoded("DTSTART"), e.decoded("DTEND")) for e in again.walk("VEVENT")
    ] == [(str(e["UID"]), str(e["SUMMARY"]), e.decoded("DTSTART"), e.decoded("DTEND")) for e in cal.walk("VEVENT")]
    assert len(cal.walk("VEVENT")) == 4


def test_a_reset_token_or_an_unknown_one_is_a_404(client, leader, programme):
    old = feed_token_ensure(user=leader).key
    assert client.get(reverse("lms:calendar-feed", args=[old])).status_code == 200
    feed_token_regenerate(actor=leader)
    assert client.get(reverse("lms:calendar-feed", args=[old])).status_code == 404
    assert client.get(reverse("lms:calendar-feed", args=["not-a-token"])).status_code == 404


def test_an_inactive_persons_calendar_is_gone(client, leader, programme):
    key = feed_token_ensure(user=leader).key
    leader.is_active = False
    leader.save()
    assert client.get(reverse("lms:calendar-feed", args=[key])).status_code == 404


def test_the_feed_costs_the_same_queries_however_much_is_scheduled(
    client, facilitator, cohort, programme, django_assert_num_queries
):
    url = reverse("lms:calendar-feed", args=[feed_token_ensure(user=facilitator).key])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        small = _events(client.get(url).content)
    for n in range(3, 13):
        CohortSessionFactory(cohort=cohort, number=n)
        ScheduledPromptFactory(cohort=cohort)
    with django_assert_num_queries(len(before.captured_queries)):
        big = _events(client.get(url).content)
    assert len(big) == len(small) + 20


def test_one_session_downloads_as_ics(client, leader, programme):
    first = programme["sessions"][0]
    url = reverse("lms:session-ics", args=[first.pk])
    assert client.get(url).status_code == 302, "sign-in first"
    client.force_login(leader)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="northern-lights-session-1.ics"'
    events = _events(response.content)
    assert list(events) == [f"session-{first.pk}@127.0.0.1"], "the same UID as in the feed, so no duplicate"
    assert events[f"session-{first.pk}@127.0.0.1"].decoded("DTSTART") == first.starts_at
    assert client.get(reverse("lms:session-ics", args=[99999])).status_code == 404


def test_session_download_follows_the_cohort_page(client, other_cohort, programme):
    """Cohort pages (and their sessions) are open to every signed-in person, so is the download."""
    from tests.factories import member_of

    outsider = member_of(other_cohort)
    client.force_login(outsider)
    first = programme["sessions"][0]
    assert first.title in client.get(first.cohort.get_absolute_url()).content.decode()
    assert client.get(reverse("lms:session-ics", args=[first.pk])).status_code == 200


def test_cohort_page_and_feeds_page_link_the_calendar(client, leader, cohort, programme):
    client.force_login(leader)
    page = client.get(cohort.get_absolute_url()).content.decode()
    assert reverse("lms:session-ics", args=[programme["sessions"][0].pk]) in page
    feeds = client.get(reverse("blogs:feeds")).content.decode()
    assert reverse("lms:calendar-feed", args=[feed_token_ensure(user=leader).key]) in feeds
