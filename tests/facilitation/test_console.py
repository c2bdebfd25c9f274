"""The cohort console: every member with where they are, the filters, the queues, the prompt timeline; and
its cost, which does not grow with the cohort (5 members or 200: the same number of queries)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums.services import topic_create
from onboarding.facilitation import console
from onboarding.facilitation.models import ScheduledPrompt
from onboarding.models import Goal, GoalProgress, Survey
from onboarding.selectors.path import path_state
from onboarding.services.path import cohort_onboarding_update, path_mark_seen, path_skip
from onboarding.services.surveys import survey_submit
from tests.factories import (
    FlagFactory,
    NudgeFactory,
    PromptTemplateFactory,
    ReviewRequestFactory,
    ScheduledPromptFactory,
    member_of,
)
from tests.factories.onboarding import acknowledge_policy

pytestmark = pytest.mark.django_db


def answer_survey(user):
    survey = Survey.objects.filter(audience="leaders", is_active=True, cohort__isnull=True).first()
    scores = {str(item.pk): 4 for item in survey.items.all()}
    survey_submit(actor=user, survey=survey, round="before", scores=scores)


def rows_by_name(cohort):
    return {row.user.display_name: row for row in console.member_rows(cohort)}


def test_each_member_with_onboarding_goals_activity_posts_and_survey(facilitator, leader, other_leader, cohort, board):
    acknowledge_policy(leader)
    answer_survey(leader)
    path_mark_seen(user=leader, step="welcome")
    topic_create(actor=leader, board=board, title="My first topic here", body="<p>Hello.</p>")

    rows = rows_by_name(cohort)

    assert set(rows) == {"Lee Leader", "Olive Other"}  # members only, not the facilitator
    lee, olive = rows["Lee Leader"], rows["Olive Other"]
    assert (lee.posts, lee.entries, lee.survey_done, lee.never_posted) == (1, 0, True, False)
    assert (olive.posts, olive.survey_done, olive.never_posted) == (0, False, True)
    assert lee.last_active is not None and lee.last_active > timezone.now() - timedelta(minutes=1)
    assert lee.steps_finished > olive.steps_finished
    assert lee.goals_total == olive.goals_total > 0


def test_the_bulk_onboarding_steps_agree_with_onboardings_own_path(facilitator, cohort, board):
    people = [member_of(cohort) for _ in range(5)]
    acknowledge_policy(people[1])
    answer_survey(people[2])
    path_mark_seen(user=people[2], step="welcome")
    path_mark_seen(user=people[3], step="goals")
    acknowledge_policy(people[3])
    answer_survey(people[3])
    cohort_onboarding_update(actor=facilitator, cohort=cohort, optional_steps=["survey", "lesson"])
    path_skip(user=people[4], step="survey")  # optional for this cohort: skipping it finishes it
    path_skip(user=people[0], step="lesson")
    rows = {row.user.pk: row for row in console.member_rows(cohort)}
    for person in people:
        state = path_state(person)
        expected_next = state.next_step.label if state.next_step else ""
        assert (rows[person.pk].steps_finished, rows[person.pk].next_step) == (state.done_count, expected_next)


def test_filters(facilitator, leader, other_leader, cohort, board):
    quiet = member_of(cohort, profile__display_name="Quinn Quiet")
    with time_machine.travel(timezone.now() - timedelta(days=20), tick=False):
        topic_create(actor=quiet, board=board, title="Long ago, my one post", body="<p>x</p>")
    topic_create(actor=leader, board=board, title="Fresh from today", body="<p>x</p>")
    goal = Goal.objects.filter(stage__ladder__cohort__isnull=True).first()
    GoalProgress.objects.filter(user=other_leader).delete()
    rows = console.member_rows(cohort)
    now = timezone.now()

    def names(**kwargs):
        return sorted(r.user.display_name for r in console.filter_rows(rows, console.MemberFilters(**kwargs), now=now))

    assert names(quiet_days=14) == ["Olive Other", "Quinn Quiet"]  # never active counts as quiet
    assert names(never_posted=True) == ["Olive Other"]
    assert names(quiet_days=14, never_posted=True) == ["Olive Other"]
    behind = {r.user.display_name for r in rows if r.behind}
    assert names(behind=True) == sorted(behind)
    assert goal is not None


def test_the_console_page_shows_queues_members_and_the_timeline(
    client, facilitator, leader, other_leader, cohort, board, sessions
):
    ReviewRequestFactory(author=leader, cohort=cohort, board=board)
    post = topic_create(actor=leader, board=board, title="Waiting for an answer", body="<p>x</p>").first_post
    FlagFactory(target=post, cohort=cohort, flagger=facilitator)
    ScheduledPromptFactory(cohort=cohort, board=board, session=sessions[0], title="Before we meet",
                           release_at=sessions[0].starts_at - timedelta(days=2))  # fmt: skip
    NudgeFactory(cohort=cohort, recipient=leader, sender=facilitator)
    client.force_login(facilitator)

    page = client.get(reverse("facilitation:console", args=[cohort.slug])).content.decode()

    assert '1</span> <span class="facil-count__label">draft waiting' in page
    assert '1</span> <span class="facil-count__label">first post without an answer' in page
    assert '1</span> <span class="facil-count__label">flagged item' in page
    assert "Lee Leader" in page and "Olive Other" in page
    assert "Session 1: Session 1" in page and "Before we meet" in page
    assert "until" in page  # Lee was nudged: no more nudges until the interval passes


def test_the_filters_answer_htmx_with_the_table_only(client, facilitator, leader, other_leader, cohort, board):
    topic_create(actor=leader, board=board, title="Lee has posted", body="<p>x</p>")
    client.force_login(facilitator)
    url = reverse("facilitation:console", args=[cohort.slug]) + "?never_posted=on"
    response = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="member-table")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>" not in page and 'id="member-table"' in page
    assert "Olive Other" in page and "Lee Leader" not in page
    assert "1 of 2 members shown" in page


def test_a_bad_filter_is_a_form_error(client, facilitator, cohort):
    client.force_login(facilitator)
    response = client.get(reverse("facilitation:console", args=[cohort.slug]) + "?quiet=lots")
    assert response.status_code == 400
    assert "Enter a whole number" in response.content.decode()


# ---------------------------------------------------------------- cost
def grow(cohort, board, n, facilitator):
    """n members with some history each: posts, nudges, goal progress; plus prompts on the timeline."""
    goals = list(Goal.objects.filter(stage__ladder__cohort__isnull=True))
    people = [member_of(cohort) for _ in range(n)]
    progress = []
    for i, person in enumerate(people):
        if i % 3 == 0:
            topic_create(actor=person, board=board, title=f"Post by member number {person.pk}", body="<p>x</p>")
        if i % 4 == 0:
            NudgeFactory(cohort=cohort, recipient=person, sender=facilitator)
        progress += [
            GoalProgress(goal=g, user=person, current=1, target=1, completed_at=timezone.now() if (i + j) % 2 else None)
            for j, g in enumerate(goals)
        ]
    GoalProgress.objects.bulk_create(progress)
    for _ in range(max(1, n // 20)):
        ScheduledPromptFactory(cohort=cohort, board=board)
        PromptTemplateFactory(owner=facilitator)
    first = ScheduledPrompt.objects.first()
    ScheduledPrompt.objects.filter(pk=first.pk).update(status="released", released_at=timezone.now())
    return people


def count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_console_costs_the_same_with_5_and_200_members(client, cohort, board, facilitator):
    client.force_login(facilitator)
    url = reverse("facilitation:console", args=[cohort.slug])
    grow(cohort, board, 5, facilitator)
    small = count(client, url)
    grow(cohort, board, 195, facilitator)
    large = count(client, url)
    assert small == large <= 40, (small, large)
    # issue 13: one page of the table (its size does not grow with the cohort); the summary counts everyone
    html = client.get(url).content.decode()
    assert html.count('name="member"') == 50
    assert "50 of 200 members shown" not in html and "200 of 200 members shown" in html
    assert "Page 1 of 4" in html
    last = client.get(url, {"page": 4}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="member-table").content.decode()
    assert last.count('name="member"') == 50 and "Page 4 of 4" in last and "<html" not in last
    assert client.get(url, {"page": "x"}).status_code == 200  # a bad page number is page 1


def test_goal_deadlines_are_computed_once_per_stage_and_zone_not_per_member(cohort, board, facilitator, monkeypatch):
    from onboarding.selectors import goals as goal_selectors

    grow(cohort, board, 30, facilitator)
    calls = []
    real = goal_selectors.deadline_instant
    monkeypatch.setattr(goal_selectors, "deadline_instant", lambda day, tz: calls.append(day) or real(day, tz))
    stages, rows = goal_selectors.cohort_goal_table(cohort)
    assert len(rows) == 30 and rows[0].cells
    assert len(calls) == len(stages)  # everyone here shares one time zone


def test_queue_schedule_library_and_nudge_pages_cost_the_same_with_more_rows(client, cohort, board, facilitator):
    client.force_login(facilitator)
    urls = [
        reverse("facilitation:first-timers"),
        reverse("facilitation:schedule", args=[cohort.slug]),
        reverse("facilitation:library") + f"?cohort={cohort.slug}",
        reverse("facilitation:nudge", args=[cohort.slug]),
    ]
    grow(cohort, board, 5, facilitator)
    small = [count(client, url) for url in urls]
    grow(cohort, board, 60, facilitator)
    assert [count(client, url) for url in urls] == small


def test_facilitators_find_the_tools_in_the_header_and_everyone_their_reviews(client, facilitator, leader):
    client.force_login(facilitator)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("facilitation:index")}"' in page
    client.force_login(leader)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("facilitation:index")}"' not in page
    assert f'href="{reverse("facilitation:reviews")}">Private reviews' in page
