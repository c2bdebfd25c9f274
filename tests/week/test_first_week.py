"""A leader's first week without guessing (issue 17): where sign-up lands, what "Continue" opens, which
prompt the practice step names, and what a new policy version blocks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from forums.services import post_reply, topic_lock_set
from onboarding.models import Lesson
from onboarding.selectors.path import path_state
from onboarding.services.lessons import lesson_complete
from onboarding.services.path import path_mark_seen
from onboarding.services.policy import policy_acknowledge, policy_publish
from onboarding.services.surveys import survey_submit
from portal.people.adapters import AccountAdapter
from tests.factories import BoardFactory, TopicFactory, member_of
from tests.factories.facilitation import ScheduledPromptFactory

pytestmark = pytest.mark.django_db


def released_prompt(cohort, facilitator, *, title, board=None, hours_ago=1):
    from onboarding.facilitation.services.release import prompt_release

    board = board or BoardFactory(cohort=cohort)
    prompt = ScheduledPromptFactory(cohort=cohort, board=board, title=title, created_by=facilitator,
                                    release_at=timezone.now() - timedelta(hours=hours_ago))  # fmt: skip
    return prompt_release(prompt_id=prompt.pk, now=timezone.now() - timedelta(hours=hours_ago))


def up_to_the_lesson(user):
    """Welcome seen, survey answered, policy acknowledged, profile complete."""
    from onboarding.models import Survey

    path_mark_seen(user=user, step="welcome")
    survey = Survey.objects.get(slug="leader-readiness")
    survey_submit(actor=user, survey=survey, round="before", scores={i.pk: 3 for i in survey.items.all()})
    policy_acknowledge(actor=user)


# ---------------------------------------------------------------- landing after sign-up
def test_sign_up_lands_on_the_paths_current_step(client, cohort):
    newcomer = member_of(cohort, policy_acknowledged=False)
    request = RequestFactory().get("/")
    assert AccountAdapter(request).get_signup_redirect_url(request) == reverse("onboarding:path-next")

    client.force_login(newcomer)
    response = client.get(reverse("onboarding:path-next"))
    assert response.status_code == 302 and response["Location"] == reverse("onboarding:welcome")


def test_path_next_follows_progress_and_ends_on_the_path_page(client, leader):
    up_to_the_lesson(leader)
    client.force_login(leader)
    first = Lesson.objects.get(slug="how-a-discussion-board-works")
    assert client.get(reverse("onboarding:path-next"))["Location"] == reverse("onboarding:lesson-detail",
                                                                              args=[first.slug])  # fmt: skip


# ---------------------------------------------------------------- "Continue" opens the lesson itself
def test_lesson_step_opens_the_next_unfinished_lesson(client, leader):
    up_to_the_lesson(leader)
    state = path_state(leader)
    assert state.next_step.key == "lesson"
    assert state.next_step.url == reverse("onboarding:lesson-detail", args=["how-a-discussion-board-works"])

    client.force_login(leader)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{state.next_step.url}">Continue</a>' in home
    assert 'href="/learn/#curriculum">Continue' not in home


# ---------------------------------------------------------------- the practice step names the prompt
def test_practice_step_names_and_links_the_newest_open_prompt(client, leader, cohort, facilitator):
    up_to_the_lesson(leader)
    lesson_complete(actor=leader, lesson=Lesson.objects.get(slug="how-a-discussion-board-works"))
    board = BoardFactory(cohort=cohort)
    released_prompt(cohort, facilitator, title="What did you delegate this week?", board=board, hours_ago=48)
    newest = released_prompt(cohort, facilitator, title="Who helped you this month?", board=board, hours_ago=2)
    locked = released_prompt(cohort, facilitator, title="A locked one", board=board, hours_ago=1)
    topic_lock_set(actor=facilitator, topic=locked, locked=True)

    state = path_state(leader)
    step = state.next_step
    assert step.key == "practice"
    assert step.url == newest.get_absolute_url()  # the newest prompt that still takes replies
    assert "“Who helped you this month?”" in step.text

    client.force_login(leader)
    practice = client.get(reverse("onboarding:practice")).content.decode()
    assert f'href="{newest.get_absolute_url()}">Reply to “Who helped you this month?”</a>' in practice

    # Replying to the prompt the step names completes the step.
    post_reply(actor=leader, topic=newest, body="<p>Hello all, my deputy did, by covering a night shift.</p>")
    assert path_state(leader).next_step.key == "goals"


def test_practice_step_without_any_prompt_says_so(client, leader):
    up_to_the_lesson(leader)
    lesson_complete(actor=leader, lesson=Lesson.objects.get(slug="how-a-discussion-board-works"))
    assert path_state(leader).next_step.url == reverse("onboarding:practice")
    client.force_login(leader)
    assert "No starter prompt is open in your cohort yet" in client.get(reverse("onboarding:practice")).content.decode()


def test_prompts_of_other_cohorts_are_not_named(leader, other_cohort, other_facilitator):
    up_to_the_lesson(leader)
    released_prompt(other_cohort, other_facilitator, title="Not for you")
    assert "Not for you" not in path_state(leader).steps[5].text


# ---------------------------------------------------------------- starter prompts marked in topic lists
def test_topic_lists_mark_starter_prompts(client, leader, cohort, facilitator, django_assert_num_queries):
    board = BoardFactory(cohort=cohort)
    released_prompt(cohort, facilitator, title="A prompt to answer", board=board)
    TopicFactory(board=board, author=leader, title="An ordinary topic")
    client.force_login(leader)

    html = client.get(board.get_absolute_url()).content.decode()
    row = html.split("A prompt to answer", 1)[1].split("</li>", 1)[0]
    assert "Starter prompt" in row
    assert "Starter prompt" not in html.split("An ordinary topic", 1)[1].split("</li>", 1)[0]
    latest = client.get(reverse("forums:latest")).content.decode()
    assert "badge--prompt" in latest

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(board.get_absolute_url())
    for i in range(6):
        released_prompt(cohort, facilitator, title=f"Another prompt {i}", board=board)
    with django_assert_num_queries(len(before.captured_queries)):
        html = client.get(board.get_absolute_url()).content.decode()
    assert html.count("badge--prompt") == 7


# ---------------------------------------------------------------- a new major policy version
def test_new_major_policy_asks_once_then_blocks_only_publishing(client, leader, cohort, admin_user):
    from django.core.exceptions import ValidationError

    from onboarding.gate import PublishRefused

    topic = TopicFactory(board=BoardFactory(cohort=cohort), title="Open for replies")
    policy_acknowledge(actor=leader)
    policy_publish(actor=admin_user, title="Policy", body_html="<p>v2</p>", major=True)
    client.force_login(leader)  # a sign-in

    first = client.get(reverse("home"))
    assert first.status_code == 302 and "reason=new-version" in first["Location"]  # asked at sign-in
    page = client.get(first["Location"]).content.decode()
    assert "Not now, carry on reading" in page

    assert client.get(reverse("home")).status_code == 200  # asked once: reading goes on
    assert client.get(topic.get_absolute_url()).status_code == 200
    assert client.get(reverse("blogs:index")).status_code == 200
    with pytest.raises((PublishRefused, ValidationError)):
        post_reply(actor=leader, topic=topic, body="<p>Hello all, a first reply here?</p>")


def test_new_major_policy_does_not_block_ld_authoring(client, analyst, admin_user):
    policy_acknowledge(actor=analyst)
    policy_publish(actor=admin_user, title="Policy", body_html="<p>v2</p>", major=True)
    client.force_login(analyst)
    client.get(reverse("home"))  # the one question at sign-in
    assert client.get(reverse("onboarding:manage")).status_code == 200
    assert client.get(reverse("onboarding:lesson-create")).status_code == 200


def test_authoring_opens_even_as_the_first_page_after_sign_in(client, analyst, admin_user):
    policy_acknowledge(actor=analyst)
    policy_publish(actor=admin_user, title="Policy", body_html="<p>v2</p>", major=True)
    client.force_login(analyst)
    response = client.get(reverse("onboarding:manage"))
    # asked once, with a way straight back to the page they wanted
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'href="/learn/manage/">Not now, carry on reading</a>' in page
    assert client.get(reverse("onboarding:manage")).status_code == 200


# ---------------------------------------------------------------- facilitators
def test_facilitation_pages_offer_invitations_and_link_the_queue(client, facilitator, cohort):
    client.force_login(facilitator)
    index = client.get(reverse("facilitation:index")).content.decode()
    invite = f"{reverse('invitations:create')}?cohort={cohort.slug}"
    assert f'href="{invite}">Invite people' in index
    assert f'href="{reverse("facilitation:first-timers")}?cohort={cohort.slug}">0' in index
    console = client.get(reverse("facilitation:console", args=[cohort.slug])).content.decode()
    assert f'href="{invite}">Invite people</a>' in console
    form = client.get(invite).content.decode()
    assert f'value="{cohort.pk}" selected' in form


def test_a_release_time_already_past_is_warned_about_not_sent_by_surprise(client, facilitator, cohort):
    from onboarding.facilitation.models import ScheduledPrompt

    board = BoardFactory(cohort=cohort)
    client.force_login(facilitator)
    url = reverse("facilitation:prompt-create", args=[cohort.slug])
    data = {"board": board.pk, "title": "How did the week go?", "body": "<p>Tell us one thing.</p>",
            "kind": "discussion", "mode": "absolute", "release_at": "2020-01-06T09:00", "offset_days": 0,
            "direction": "before"}  # fmt: skip

    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "has already passed" in html and "Its time has passed: send it out now" in html
    assert 'value="How did the week go?"' in html  # nothing typed is lost
    assert not ScheduledPrompt.objects.exists()

    response = client.post(url, {**data, "send_now": "on"})
    assert response.status_code == 302
    assert ScheduledPrompt.objects.get().title == "How did the week go?"


def test_a_future_release_time_needs_no_confirmation(client, facilitator, cohort):
    from onboarding.facilitation.models import ScheduledPrompt

    board = BoardFactory(cohort=cohort)
    client.force_login(facilitator)
    when = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT09:00")
    data = {"board": board.pk, "title": "Next week", "body": "<p>x y z</p>", "kind": "discussion",
            "mode": "absolute", "release_at": when, "offset_days": 0, "direction": "before"}  # fmt: skip
    response = client.post(reverse("facilitation:prompt-create", args=[cohort.slug]), data)
    assert response.status_code == 302 and ScheduledPrompt.objects.count() == 1
