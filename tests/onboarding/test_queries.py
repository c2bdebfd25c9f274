"""Query counts that do not grow with the cohort: the home page and the facilitator's goal table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from onboarding.models import Goal, GoalProgress, Lesson
from onboarding.services.goals import goal_progress_update
from onboarding.services.lessons import lesson_complete
from tests.factories import FollowFactory, member_of

pytestmark = pytest.mark.django_db


def grow_cohort(cohort, n):
    """n members, each with stored goal progress (some done), follows and a completed lesson."""
    goals = list(Goal.objects.filter(stage__ladder__cohort__isnull=True))
    lesson = Lesson.objects.get(slug="how-to-reply")
    people = [member_of(cohort) for _ in range(n)]
    rows = []
    for i, person in enumerate(people):
        for j, goal in enumerate(goals):
            done = (i + j) % 3 == 0
            rows.append(
                GoalProgress(
                    goal=goal,
                    user=person,
                    current=1 if done else 0,
                    target=1,
                    completed_at=timezone.now() if done else None,
                )
            )
    GoalProgress.objects.bulk_create(rows)
    return people, lesson


def count(client, url):
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_facilitator_goal_table_same_queries_for_5_and_200_members(client, cohort, facilitator):
    client.force_login(facilitator)
    url = reverse("onboarding:cohort-goals", args=[cohort.slug])
    grow_cohort(cohort, 5)
    small = count(client, url)
    grow_cohort(cohort, 195)
    large = count(client, url)
    assert small == large <= 20, (small, large)
    assert client.get(url).content.decode().count("<tr>") == 201  # header row + 200 members


def test_home_page_same_queries_whatever_the_cohort_size_and_history(client, cohort, leader):
    client.force_login(leader)
    _people, lesson = grow_cohort(cohort, 5)
    goal_progress_update(user=leader)
    small = count(client, reverse("home"))
    more, _ = grow_cohort(cohort, 195)
    for person in more[:40]:
        FollowFactory(follower=leader, followee=person)
    lesson_complete(actor=leader, lesson=lesson)
    goal_progress_update(user=leader)
    large = count(client, reverse("home"))
    assert small == large <= 12, (small, large)  # the budget of every page (issue 13; 25 before)


def test_learn_page_queries_do_not_grow_with_progress(client, leader):
    client.force_login(leader)
    url = reverse("onboarding:index")
    small = count(client, url)
    for lesson in Lesson.objects.all():
        lesson_complete(actor=leader, lesson=lesson)
    assert count(client, url) == small
