"""Never a blank board: new cohort boards open with a welcome prompt, quiet boards get their next prompt
early (and the facilitator hears why), and a board with nothing queued asks facilitators to queue one."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from forums.models import Topic
from forums.services import board_create, topic_create
from metrics.models import Activity
from metrics.verbs import Verb
from onboarding.facilitation import services
from onboarding.facilitation.models import PromptTemplate, ScheduledPrompt
from portal.notifications import Event
from portal.notifications.models import Notification
from tests.factories import BoardFactory, ScheduledPromptFactory

pytestmark = pytest.mark.django_db


def test_a_new_cohort_board_opens_with_a_welcome_prompt(facilitator, leader, cohort, on_commit_now):
    board = board_create(actor=facilitator, cohort=cohort, title="Harbour talk")

    topic = Topic.objects.get(board=board)
    assert topic.title == "Welcome to Harbour talk: introduce yourself in three lines"
    assert cohort.name in topic.first_post.body
    assert topic.author == facilitator
    prompt = ScheduledPrompt.objects.get(board=board)
    assert prompt.is_welcome and prompt.status == "released" and prompt.released_topic == topic
    assert Activity.objects.filter(verb=Verb.PROMPT_RELEASED, target_id=topic.pk).exists()
    assert Notification.objects.filter(recipient=leader, event=Event.STARTER_PROMPT).exists()


def test_no_welcome_on_organisation_wide_boards_or_when_switched_off(admin_user, facilitator, cohort):
    board_create(actor=admin_user, cohort=None, title="Everyone")
    services.facilitation_settings_update(
        actor=facilitator, cohort=cohort, quiet_days=5, timezone_name="", welcome_prompt=False
    )
    board_create(actor=facilitator, cohort=cohort, title="No welcome here")
    assert not Topic.objects.exists()
    assert not ScheduledPrompt.objects.exists()


def test_a_board_is_still_created_when_the_welcome_prompt_cannot_be_made(facilitator, cohort):
    PromptTemplate.objects.filter(key="welcome-three-lines").update(archived_at=timezone.now())
    board = board_create(actor=facilitator, cohort=cohort, title="Still here")
    assert board.pk and not Topic.objects.filter(board=board).exists()


def _quiet_board(cohort, facilitator, author, *, days_ago: int):
    board = BoardFactory(cohort=cohort, title="Lounge", slug="lounge")
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        topic_create(actor=author, board=board, title="An older conversation", body="<p>Hello.</p>")
    later = ScheduledPromptFactory(
        cohort=cohort, board=board, created_by=facilitator, title="Next week's prompt",
        release_at=timezone.now() + timedelta(days=8),
    )  # fmt: skip
    first = ScheduledPromptFactory(
        cohort=cohort, board=board, created_by=facilitator, title="This week's prompt",
        release_at=timezone.now() + timedelta(days=2),
    )  # fmt: skip
    return board, first, later


def test_a_quiet_board_gets_its_next_prompt_early_and_the_facilitator_is_told(
    facilitator, leader, cohort, on_commit_now
):
    _board, first, later = _quiet_board(cohort, facilitator, leader, days_ago=6)

    assert services.quiet_boards_release() == [first.pk]

    first.refresh_from_db()
    later.refresh_from_db()
    assert first.status == "released" and first.released_early
    assert later.status == "queued"
    note = Notification.objects.get(recipient=facilitator, event=Event.STARTER_PROMPT)
    assert "no new topic for 5 days" in note.text and "went out early" in note.text
    assert Activity.objects.get(verb=Verb.PROMPT_RELEASED).data["early"] is True
    # The early prompt is a new topic: the board is not quiet any more, so nothing else goes out.
    assert services.quiet_boards_release() == []


def test_a_board_with_a_recent_topic_is_left_alone(facilitator, leader, cohort):
    _quiet_board(cohort, facilitator, leader, days_ago=3)
    assert services.quiet_boards_release() == []


def test_the_quiet_days_are_a_per_cohort_setting(facilitator, leader, cohort, on_commit_now):
    _quiet_board(cohort, facilitator, leader, days_ago=3)
    services.facilitation_settings_update(
        actor=facilitator, cohort=cohort, quiet_days=2, timezone_name="", welcome_prompt=True
    )
    assert len(services.quiet_boards_release()) == 1


def test_zero_quiet_days_switches_early_release_off(facilitator, leader, cohort):
    _quiet_board(cohort, facilitator, leader, days_ago=30)
    services.facilitation_settings_update(
        actor=facilitator, cohort=cohort, quiet_days=0, timezone_name="", welcome_prompt=True
    )
    assert services.quiet_boards_release() == []


def test_a_board_that_never_had_a_topic_counts_from_its_creation(facilitator, cohort, on_commit_now):
    with time_machine.travel(timezone.now() - timedelta(days=10), tick=False):
        board = BoardFactory(cohort=cohort)
    ScheduledPromptFactory(cohort=cohort, board=board, created_by=facilitator, release_at=None)
    assert len(services.quiet_boards_release()) == 1
    assert Topic.objects.filter(board=board).count() == 1


def test_the_board_page_shows_facilitators_a_call_to_action_when_nothing_is_queued(
    client, facilitator, leader, analyst, cohort
):
    board = BoardFactory(cohort=cohort, title="Lounge", slug="lounge")
    client.force_login(facilitator)
    page = client.get(board.get_absolute_url()).content.decode()
    assert "Nothing is queued for this board" in page
    assert "Queue a prompt" in page

    ScheduledPromptFactory(cohort=cohort, board=board, title="Coming up on Thursday")
    page = client.get(board.get_absolute_url()).content.decode()
    assert "Nothing is queued" not in page
    assert "Next to go out: <strong>Coming up on Thursday</strong>" in page

    for person in (leader, analyst):
        client.force_login(person)
        page = client.get(board.get_absolute_url()).content.decode()
        assert "Coming up on Thursday" not in page and "Queue a prompt" not in page
    client.force_login(leader)
    assert "Ask for a private review" in client.get(board.get_absolute_url()).content.decode()


def test_the_console_lists_boards_with_nothing_queued(client, facilitator, cohort):
    BoardFactory(cohort=cohort, title="Empty corner", slug="empty-corner")
    client.force_login(facilitator)
    page = client.get(f"/facilitate/cohorts/{cohort.slug}/").content.decode()
    assert "Nothing queued for 1 board" in page and "Empty corner" in page
