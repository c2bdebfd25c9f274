"""Schedule resolution: "2 days before session 1" and "the morning after session 2", across time zones and
daylight-saving changes, and kept in step when a session moves or the cohort's zone changes."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from onboarding.facilitation import selectors, services, timing
from onboarding.facilitation.models import ScheduledPrompt
from onboarding.facilitation.services import When
from tests.factories import CohortSessionFactory

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
MORNING = time(8, 0)


def test_two_days_before_keeps_the_sessions_local_time():
    session = datetime(2025, 3, 12, 14, 0, tzinfo=LONDON)
    at = timing.resolve(session_starts_at=session, offset_days=-2, at_time=None, tz=LONDON)
    assert at == datetime(2025, 3, 10, 14, 0, tzinfo=LONDON)


def test_two_days_before_at_nine():
    session = datetime(2025, 3, 12, 14, 0, tzinfo=LONDON)
    at = timing.resolve(session_starts_at=session, offset_days=-2, at_time=time(9, 0), tz=LONDON)
    assert at.astimezone(LONDON) == datetime(2025, 3, 10, 9, 0, tzinfo=LONDON)


def test_the_morning_after_across_the_clocks_going_forward():
    # Session 2 on Saturday 29 March 2025, 18:00 GMT; British Summer Time starts that night.
    session = datetime(2025, 3, 29, 18, 0, tzinfo=LONDON)
    at = timing.resolve(session_starts_at=session, offset_days=1, at_time=MORNING, tz=LONDON)
    assert at.astimezone(LONDON).hour == 8
    assert at == datetime(2025, 3, 30, 7, 0, tzinfo=UTC)  # 08:00 BST


def test_the_morning_after_is_the_next_day_in_the_cohorts_zone_not_the_servers():
    # 23:30 UTC on 10 June is 19:30 in New York (still the 10th) but already the 11th in London.
    session = datetime(2025, 6, 10, 23, 30, tzinfo=UTC)
    new_york = timing.resolve(session_starts_at=session, offset_days=1, at_time=MORNING, tz=NEW_YORK)
    london = timing.resolve(session_starts_at=session, offset_days=1, at_time=MORNING, tz=LONDON)
    assert new_york == datetime(2025, 6, 11, 8, 0, tzinfo=NEW_YORK)
    assert london == datetime(2025, 6, 12, 8, 0, tzinfo=LONDON)


def test_a_time_the_clock_skips_lands_after_the_jump():
    at = timing.local_moment(datetime(2025, 3, 30).date(), time(1, 30), LONDON)
    assert at == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)  # 02:30 BST: 01:30 local never happened
    assert at.astimezone(LONDON).hour == 2


def test_a_time_that_happens_twice_means_the_first():
    at = timing.local_moment(datetime(2025, 10, 26).date(), time(1, 30), LONDON)
    assert at == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)  # 01:30 BST, before the clocks go back


@pytest.mark.parametrize(
    ("release", "expected"),
    [(-1, "before_session"), (0, "after_session"), (1, "after_session")],
)
def test_timing_of_compares_with_the_session_start(release, expected):
    session = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)
    assert timing.timing_of(release_at=session + timedelta(minutes=release), session_starts_at=session) == expected
    assert timing.timing_of(release_at=session, session_starts_at=None) == "unscheduled"


@pytest.mark.parametrize(
    ("offset", "at", "text"),
    [
        (-2, time(9, 0), "2 days before session 1 at 09:00"),
        (-1, None, "1 day before session 1"),
        (1, MORNING, "The morning after session 1"),
        (3, None, "3 days after session 1"),
        (0, None, "As session 1 starts"),
    ],
)
def test_wording(offset, at, text):
    assert timing.describe(offset_days=offset, at_time=at, session_number=1) == text


# ---------------------------------------------------------------- through the services
def test_scheduling_relative_to_a_session_stores_the_resolved_moment(facilitator, cohort, board, sessions):
    prompt = services.prompt_schedule(
        actor=facilitator,
        cohort=cohort,
        board=board,
        title="Before we meet: what do you want?",
        body="<p>Tell us.</p>",
        when=When.relative(sessions[0], -2, time(9, 0)),
    )
    local = sessions[0].starts_at.astimezone(LONDON)
    assert prompt.release_at == datetime.combine(local.date() - timedelta(days=2), time(9, 0), LONDON)
    assert prompt.session == sessions[0]


def test_the_cohorts_own_zone_is_used(facilitator, cohort, board):
    session = CohortSessionFactory(cohort=cohort, number=1, starts_at=datetime(2031, 6, 10, 23, 30, tzinfo=UTC))
    services.facilitation_settings_update(
        actor=facilitator, cohort=cohort, quiet_days=5, timezone_name="America/New_York", welcome_prompt=True
    )
    cohort.refresh_from_db()
    prompt = services.prompt_schedule(
        actor=facilitator, cohort=cohort, board=board, title="The morning after", body="<p>How was it?</p>",
        when=When.relative(session, 1, MORNING),
    )  # fmt: skip
    assert prompt.release_at == datetime(2031, 6, 11, 8, 0, tzinfo=NEW_YORK)


def test_a_moved_session_moves_its_queued_prompts_but_not_released_ones(facilitator, cohort, board, sessions):
    queued = services.prompt_schedule(
        actor=facilitator, cohort=cohort, board=board, title="Two days before", body="<p>x</p>",
        when=When.relative(sessions[1], -2, time(9, 0)),
    )  # fmt: skip
    released_at = datetime(2020, 1, 1, tzinfo=UTC)
    done = services.prompt_schedule(
        actor=facilitator, cohort=cohort, board=board, title="Already out", body="<p>x</p>",
        when=When.relative(sessions[1], -1),
    )  # fmt: skip
    ScheduledPrompt.objects.filter(pk=done.pk).update(status="released", released_at=released_at)
    before = ScheduledPrompt.objects.get(pk=done.pk).release_at

    sessions[1].starts_at += timedelta(days=7)
    sessions[1].save()
    assert services.prompt_times_sync() == 1

    queued.refresh_from_db()
    assert queued.release_at.astimezone(LONDON).date() == sessions[1].starts_at.astimezone(LONDON).date() - timedelta(
        days=2
    )
    assert ScheduledPrompt.objects.get(pk=done.pk).release_at == before


def test_changing_the_cohorts_zone_re_times_queued_prompts(facilitator, cohort, board, sessions):
    prompt = services.prompt_schedule(
        actor=facilitator, cohort=cohort, board=board, title="The morning after", body="<p>x</p>",
        when=When.relative(sessions[0], 1, MORNING),
    )  # fmt: skip
    services.facilitation_settings_update(
        actor=facilitator, cohort=cohort, quiet_days=5, timezone_name="Asia/Tokyo", welcome_prompt=True
    )
    prompt.refresh_from_db()
    tokyo = ZoneInfo("Asia/Tokyo")
    assert prompt.release_at.astimezone(tokyo).time() == MORNING
    assert selectors.cohort_zone(cohort).key == "Asia/Tokyo"


def test_bad_timing_is_a_form_error_not_a_crash(facilitator, cohort, other_cohort, board):
    from django.core.exceptions import ValidationError

    foreign = CohortSessionFactory(cohort=other_cohort, number=1)
    with pytest.raises(ValidationError) as error:
        services.prompt_schedule(
            actor=facilitator, cohort=cohort, board=board, title="A good title", body="<p>x</p>",
            when=When.relative(foreign, -2),
        )  # fmt: skip
    assert "session" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.prompt_schedule(
            actor=facilitator, cohort=cohort, board=board, title="A good title", body="<p>x</p>",
            when=When(release_at=datetime(2030, 1, 1)),  # naive on purpose
        )  # fmt: skip
    assert "release_at" in error.value.message_dict
    assert not ScheduledPrompt.objects.exists()
