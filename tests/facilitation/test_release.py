"""The release job: due prompts become topics exactly once, with the session and timing the dashboards read,
members are told, and a prompt that cannot go out is set aside with the reason."""

import threading
from datetime import time, timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from forums.models import Topic
from metrics.models import Activity
from metrics.verbs import Verb
from onboarding.facilitation import services, tasks
from onboarding.facilitation.models import ScheduledPrompt
from onboarding.facilitation.services import When
from portal.notifications import Event
from portal.notifications.models import Notification
from portal.people.models import Membership
from tests.conftest import wait_for
from tests.factories import ScheduledPromptFactory, facilitator_of

pytestmark = pytest.mark.django_db


def due_prompt(facilitator, cohort, board, session=None, **kwargs):
    when = When.relative(session, -2, time(9, 0)) if session else When.absolute(timezone.now() - timedelta(minutes=1))
    return services.prompt_schedule(
        actor=facilitator,
        cohort=cohort,
        board=board,
        title=kwargs.get("title", "What decision did you make this week?"),
        body="<p>Share the reasoning, not only the outcome.</p>",
        kind=kwargs.get("kind", "question"),
        when=when,
    )


def test_a_due_prompt_becomes_a_topic_with_its_session_and_timing(
    facilitator, leader, cohort, board, sessions, on_commit_now
):
    prompt = due_prompt(facilitator, cohort, board, session=sessions[0])
    released = services.prompts_release_due(now=sessions[0].starts_at - timedelta(days=1))

    assert released == [prompt.pk]
    prompt.refresh_from_db()
    topic = prompt.released_topic
    assert (topic.title, topic.board, topic.author, topic.kind) == (
        "What decision did you make this week?",
        board,
        facilitator,
        "question",
    )
    assert "Share the reasoning" in topic.first_post.body
    assert prompt.status == "released"
    assert (prompt.released_session_number, prompt.released_timing) == (1, "before_session")
    activity = Activity.objects.get(verb=Verb.PROMPT_RELEASED)
    assert (activity.target_type.model, activity.target_id) == ("topic", topic.pk)
    assert activity.cohort == cohort
    assert activity.actor == facilitator
    assert activity.data == {
        "prompt": prompt.pk,
        "title": prompt.title,
        "session": 1,
        "timing": "before_session",
        "early": False,
    }
    # The leader is told; the facilitator who posted it is not.
    note = Notification.objects.get(recipient=leader, event=Event.STARTER_PROMPT)
    assert topic.title in note.text and note.url == topic.get_absolute_url()
    assert not Notification.objects.filter(recipient=facilitator, event=Event.STARTER_PROMPT).exists()


def test_a_prompt_that_is_not_due_stays_queued(facilitator, cohort, board, sessions):
    prompt = due_prompt(facilitator, cohort, board, session=sessions[2])
    assert services.prompts_release_due() == []
    prompt.refresh_from_db()
    assert prompt.status == "queued" and prompt.released_topic is None


def test_running_the_job_twice_releases_once(facilitator, cohort, board, on_commit_now):
    prompt = due_prompt(facilitator, cohort, board)
    assert services.prompts_release_due() == [prompt.pk]
    assert services.prompts_release_due() == []
    assert services.prompt_release(prompt_id=prompt.pk) is None
    assert Topic.objects.filter(board=board).count() == 1
    assert Activity.objects.filter(verb=Verb.PROMPT_RELEASED).count() == 1


def test_members_hear_once_even_if_the_notification_task_runs_twice(facilitator, leader, cohort, board, on_commit_now):
    prompt = due_prompt(facilitator, cohort, board)
    services.prompts_release_due()
    assert tasks.prompt_released_notify(prompt.pk) == 0
    note = Notification.objects.get(recipient=leader, event=Event.STARTER_PROMPT)
    assert note.count == 1


def test_members_who_watch_the_board_are_told_by_the_forums_only(facilitator, leader, cohort, board, on_commit_now):
    from forums.services import watch_set

    watch_set(user=leader, board=board, watching=True)
    due_prompt(facilitator, cohort, board)
    services.prompts_release_due()
    assert Notification.objects.filter(recipient=leader, event=Event.WATCHED_TOPIC).count() == 1
    assert not Notification.objects.filter(recipient=leader, event=Event.STARTER_PROMPT).exists()


def test_cancelled_prompts_never_go_out(facilitator, cohort, board):
    prompt = due_prompt(facilitator, cohort, board)
    services.prompt_cancel(actor=facilitator, prompt=prompt)
    assert services.prompts_release_due() == []
    assert not Topic.objects.exists()


def test_posted_as_another_facilitator_when_the_scheduler_left(facilitator, cohort, board, on_commit_now):
    colleague = facilitator_of(cohort, profile__display_name="Cam Colleague")
    prompt = due_prompt(facilitator, cohort, board)
    Membership.objects.filter(user=facilitator, cohort=cohort).delete()
    services.prompts_release_due()
    prompt.refresh_from_db()
    assert prompt.released_topic.author == colleague


def test_a_prompt_nobody_can_post_is_set_aside_with_the_reason(facilitator, cohort, board, on_commit_now):
    admin_facilitator = facilitator_of(cohort)
    prompt = due_prompt(facilitator, cohort, board)
    Membership.objects.filter(cohort=cohort, kind="facilitator").delete()
    Membership.objects.create(user=admin_facilitator, cohort=cohort, kind="facilitator")
    admin_facilitator.is_active = False
    admin_facilitator.save()

    assert services.prompts_release_due() == []
    prompt.refresh_from_db()
    assert prompt.status == "failed"
    assert "add a facilitator" in prompt.problem
    assert not Topic.objects.exists()
    assert services.prompts_release_due() == []  # not retried every minute until someone fixes it


def test_editing_a_failed_prompt_queues_it_again(facilitator, cohort, board):
    prompt = ScheduledPromptFactory(cohort=cohort, board=board, status="failed", problem="No author.")
    services.prompt_update(
        actor=facilitator, prompt=prompt, board=board, title=prompt.title, body=prompt.body, kind="discussion",
        when=When.absolute(timezone.now() + timedelta(hours=1)),
    )  # fmt: skip
    prompt.refresh_from_db()
    assert (prompt.status, prompt.problem) == ("queued", "")


def test_a_released_prompt_cannot_be_edited_or_cancelled(facilitator, cohort, board, on_commit_now):
    from django.core.exceptions import ValidationError

    prompt = due_prompt(facilitator, cohort, board)
    services.prompts_release_due()
    with pytest.raises(ValidationError, match="already released"):
        services.prompt_cancel(actor=facilitator, prompt=prompt)
    with pytest.raises(ValidationError, match="already released"):
        services.prompt_update(
            actor=facilitator, prompt=prompt, board=board, title="Changed title", body="<p>x</p>", kind="discussion",
            when=When(),
        )  # fmt: skip


def test_release_now_by_hand(facilitator, other_facilitator, cohort, board, on_commit_now):
    from django.core.exceptions import PermissionDenied

    prompt = ScheduledPromptFactory(cohort=cohort, board=board, created_by=facilitator, release_at=None)
    with pytest.raises(PermissionDenied):
        services.prompt_release(prompt_id=prompt.pk, actor=other_facilitator)
    topic = services.prompt_release(prompt_id=prompt.pk, actor=facilitator)
    assert topic.title == prompt.title
    prompt.refresh_from_db()
    assert prompt.released_timing == "unscheduled"


def test_the_beat_schedule_runs_the_release_job_every_minute():
    from portal.celery import app

    entry = app.conf.beat_schedule["facilitation-release-prompts"]
    assert entry["task"] == "facilitation.release_due_prompts"
    assert str(entry["schedule"]._orig_minute) == "*"


# ---------------------------------------------------------------- two job runs at the same moment
def _race(n: int, target) -> list:
    """Run ``target`` in ``n`` threads that start together, each on its own database connection."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_job_runs_release_each_prompt_exactly_once(facilitator, cohort, board):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks (SELECT ... FOR UPDATE SKIP LOCKED) need PostgreSQL.")
    prompts = [due_prompt(facilitator, cohort, board, title=f"Concurrent prompt number {i}") for i in range(6)]

    results = _race(4, services.prompts_release_due)

    released = sorted(pk for run in results for pk in run)
    assert released == sorted(p.pk for p in prompts)  # every prompt released by exactly one run
    assert Topic.objects.filter(board=board).count() == 6
    assert Activity.objects.filter(verb=Verb.PROMPT_RELEASED).count() == 6
    assert set(ScheduledPrompt.objects.values_list("status", flat=True)) == {"released"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_releases_of_one_prompt_make_one_topic(facilitator, cohort, board):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks (SELECT ... FOR UPDATE SKIP LOCKED) need PostgreSQL.")
    prompt = due_prompt(facilitator, cohort, board)

    results = _race(3, lambda: services.prompt_release(prompt_id=prompt.pk))

    assert sum(1 for topic in results if topic is not None) == 1
    assert Topic.objects.filter(board=board).count() == 1
    assert Activity.objects.filter(verb=Verb.PROMPT_RELEASED).count() == 1


# ---------------------------------------------------------------- the real worker
@pytest.mark.worker
def test_the_release_job_runs_in_the_real_worker(celery_worker, facilitator, leader, cohort, board):
    prompt = due_prompt(facilitator, cohort, board)

    tasks.release_due_prompts.delay()

    topic_id = wait_for(lambda: ScheduledPrompt.objects.get(pk=prompt.pk).released_topic_id)
    assert Topic.objects.get(pk=topic_id).title == prompt.title
    # The follow-up (telling members) is queued after commit and also runs in the worker.
    wait_for(lambda: Notification.objects.filter(recipient=leader, event=Event.STARTER_PROMPT).exists())


# ---------------------------------------------------------------- onboarding's publish gate
def test_a_coach_warning_does_not_hold_a_scheduled_prompt_back(facilitator, cohort, board, on_commit_now):
    prompt = services.prompt_schedule(
        actor=facilitator, cohort=cohort, board=board, title="What would you share more widely?",
        body="<p>Think of something that is not confidential but rarely shared.</p>",
        when=When.absolute(timezone.now() - timedelta(minutes=1)),
    )  # fmt: skip
    assert services.prompts_release_due() == [prompt.pk]
    assert Activity.objects.filter(verb=Verb.COACH_OVERRIDDEN, actor=facilitator).exists()


def test_posted_as_a_colleague_who_acknowledged_the_policy(facilitator, cohort, board, on_commit_now):
    from onboarding.models import PolicyAcknowledgement

    colleague = facilitator_of(cohort, profile__display_name="Cam Colleague")
    prompt = due_prompt(facilitator, cohort, board)
    PolicyAcknowledgement.objects.filter(user=facilitator).delete()
    services.prompts_release_due()
    prompt.refresh_from_db()
    assert prompt.released_topic.author == colleague


def test_nobody_acknowledged_the_policy_sets_the_prompt_aside(facilitator, cohort, board, on_commit_now):
    from onboarding.models import PolicyAcknowledgement

    prompt = due_prompt(facilitator, cohort, board)
    PolicyAcknowledgement.objects.filter(user=facilitator).delete()
    services.prompts_release_due()
    prompt.refresh_from_db()
    assert prompt.status == "failed"
    assert "Fay Facilitator has not acknowledged the social media policy" in prompt.problem
    note = Notification.objects.get(recipient=facilitator, event=Event.STARTER_PROMPT)
    assert "could not be released" in note.text
