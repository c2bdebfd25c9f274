"""The home page's reads compiled once per thread (portal.prepared_models, issue 13) give what their querysets give,
for every person, and the windows of "Who to follow" move with the clock."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from metrics.verbs import Verb
from onboarding.selectors import path as onboarding_path
from portal.prepared import _local
from portal.prepared_models import prepared_objects
from portal.selectors import home
from tests.factories import BoardFactory, FollowFactory, TopicFactory, member_of
from tests.onboarding.helpers import record


def shape(obj, depth: int = 2) -> tuple:
    """An instance as data: its class, its fields and annotations, and what select_related put on it."""
    values = {k: v for k, v in vars(obj).items() if k not in ("_state", "_prefetched_objects_cache")}
    if not depth:
        return type(obj), values
    related = {k: v if v is None else shape(v, depth - 1) for k, v in obj._state.fields_cache.items()}
    return type(obj), values, related


def _builds(person):
    return [
        ("viewer", home._viewer, ()),
        ("pymk", home._people_you_may_know, ()),
        ("who", home._who_to_follow, ()),
        ("membership", onboarding_path._path_membership, ()),
        ("prompt", onboarding_path._newest_open_prompt, ()),
        *(
            (
                f"facts{p}{c}",
                partial(onboarding_path._person_facts_query, with_profile=bool(p), with_cohort_facts=bool(c)),
                (),
            )
            for p in (0, 1)
            for c in (0, 1)
        ),
    ]


@pytest.fixture
def world(cohort, leader, other_leader, facilitator, analyst):
    FollowFactory(follower=other_leader, followee=leader)
    topic = TopicFactory(board=BoardFactory(cohort=cohort), author=facilitator)
    record(facilitator, Verb.TOPIC_CREATED, target=topic, cohort=cohort)
    for _ in range(2):
        replier = member_of(cohort, profile__management_level=2)
        record(replier, Verb.POST_CREATED, target=topic.first_post, context=topic, cohort=cohort)
    return [leader, other_leader, facilitator, analyst, replier]


def test_compiled_reads_give_what_the_querysets_give_for_everyone(world):
    for person in world * 2:  # the second round runs on the kept plans
        for name, build, _ in _builds(person):
            compiled = prepared_objects(f"test.home.{name}", build, person.pk, now_relative=name == "who")
            assert [shape(o) for o in compiled] == [shape(o) for o in build(person.pk)], (name, person)


def test_the_practice_step_is_the_reply_to_prompt_criterion(world):
    from onboarding.selectors import criteria

    done = []
    for person in world * 2:
        measure, _ = criteria.REGISTRY["reply_to_prompt"].measure(criteria.Facts(person), {"n": 1})
        step = next(s for s in onboarding_path.path_state(person).steps if s.key == "practice")
        assert step.done == measure.met, person
        done.append(step.done)
    assert True in done and False in done


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite passes datetimes as text: no plan there")
def test_who_to_follow_keeps_its_windows_relative_to_now(world):
    prepared_objects("test.home.windows", home._who_to_follow, world[0].pk, now_relative=True)
    _plan, moving = _local.plans["test.home.windows"]
    assert {span for _, span in moving} == {timedelta(days=30), timedelta(days=90)}


def test_who_to_follow_counts_only_the_window(client, cohort, leader):
    """A reply 89 days old counts as received, one 91 days old does not (the compiled window is 90 days)."""
    author = member_of(cohort, profile__display_name="Rhea Replied", profile__management_level=2)
    topic = TopicFactory(board=BoardFactory(cohort=cohort), author=author)
    record(author, Verb.TOPIC_CREATED, target=topic, cohort=cohort)
    for days in (89, 91):
        replier = member_of(cohort, profile__management_level=3)
        activity = record(replier, Verb.POST_CREATED, target=topic.first_post, context=topic, cohort=cohort)
        activity.created_at = timezone.now() - timedelta(days=days)
        activity.save()
    client.force_login(leader)
    for _ in range(2):
        suggestions = client.get(reverse("home")).context["who_to_follow"]
        (rhea,) = [s for s in suggestions if s.person == author]
        assert rhea.replies_received == 1


def test_each_person_gets_their_own_home_page(client, world):
    for person in world[:2] * 2:
        client.force_login(person)
        response = client.get(reverse("home"))
        assert f"Welcome, {person.display_name}" in response.content.decode()
        assert person not in [s.person for s in response.context["who_to_follow"]]
        assert person not in response.context["people_you_may_know"]


def _stages_as_prefetched(user, cohort):
    """The goal stages as the onboarding card read them before issue 13 (prefetch_related)."""
    from django.db.models import Exists, OuterRef, Prefetch, Subquery

    from onboarding.models import Goal, GoalLadder, GoalProgress, GoalStage
    from onboarding.selectors.goals import own_or_default_pk

    ladder_pk = own_or_default_pk(GoalLadder.objects.all(), cohort.pk if cohort is not None else None)
    mine = GoalProgress.objects.filter(user=user, goal=OuterRef("pk"))
    goals = Goal.objects.order_by("position", "pk").annotate(
        my_has_progress=Exists(mine),
        my_current=Subquery(mine.values("current")[:1]),
        my_completed_at=Subquery(mine.values("completed_at")[:1]),
    )
    stages = list(GoalStage.objects.filter(ladder_id=ladder_pk).prefetch_related(Prefetch("goals", queryset=goals)))
    return sorted(stages, key=lambda s: s.order)


def test_goal_stages_compiled_are_the_prefetched_ones(world, cohort, other_cohort):
    from onboarding.selectors.goals import _my_ladder_stages
    from onboarding.services.goals import goal_progress_update

    for person in world:
        goal_progress_update(user=person)
    for person in world * 2:
        for where in (cohort, other_cohort, None):
            compiled, expected = _my_ladder_stages(person, where), _stages_as_prefetched(person, where)
            assert [shape(s, 0) for s in compiled] == [shape(s, 0) for s in expected]
            assert [[shape(g, 0) for g in s.goals.all()] for s in compiled] == [
                [shape(g, 0) for g in s.goals.all()] for s in expected
            ]
            assert all(g.stage is s for s in compiled for g in s.goals.all())
            assert any(s.goals.all() for s in compiled)
