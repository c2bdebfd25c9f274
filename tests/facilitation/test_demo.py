"""The facilitation demo seed on a small organisation: prompts around each cohort's sessions written through the
services at their moments in the past, replies after them, one early release on a quiet board; idempotent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from demo import facilitation as demo
from demo.org import SESSIONS, DemoOrg, PersonTraits, demo_rng
from forums.models import Post
from metrics.models import Activity
from metrics.verbs import Verb
from onboarding.facilitation.models import BuddyPair, Nudge, ReviewRequest, ScheduledPrompt
from tests.factories import BoardFactory, CohortFactory, CohortSessionFactory, facilitator_of, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    now = timezone.now()
    start = now - timedelta(days=90)
    cohorts = [CohortFactory() for _ in range(3)]
    org = DemoOrg(start=start, now=now, rng=demo_rng(), cohorts=cohorts)
    for index, cohort in enumerate(cohorts):
        people = [member_of(cohort) for _ in range(8)]
        org.leaders += people
        org.leaders_by_cohort[cohort.pk] = people
        org.facilitators.append(facilitator_of(cohort))
        for person in people:
            org.joined[person.pk] = start
            org.traits[person.pk] = PersonTraits(kind="leader", cohort_index=index, level=2, engagement=1.5)
        org.sessions[cohort.pk] = [
            CohortSessionFactory(cohort=cohort, number=n, title=title, starts_at=org.day(day + 2 * index, 14))
            for n, (day, title) in enumerate(SESSIONS, start=1)
        ]
        for n in range(2):
            BoardFactory(cohort=cohort, position=n, created_at=start)
    for person in org.facilitators:
        org.joined[person.pk] = start
    return org


def test_seed_releases_prompts_on_time_with_replies_and_twice_is_once(org):
    demo.seed(org)

    released = ScheduledPrompt.objects.filter(status="released")
    assert released.count() >= 3 * 6  # before and after each of three sessions, in every cohort
    for prompt in released.exclude(released_early=True):
        assert prompt.released_at == prompt.release_at < org.now
        activity = Activity.objects.get(verb=Verb.PROMPT_RELEASED, target_id=prompt.released_topic_id)
        assert abs(activity.created_at - prompt.release_at) < timedelta(seconds=5)
        assert activity.data["timing"] in ("before_session", "after_session")
    assert set(released.values_list("released_timing", flat=True)) >= {"before_session", "after_session"}
    # replies come after the prompt, from its cohort's members
    replies = Post.objects.filter(client_key__startswith="demo-fp-").select_related("topic__starter_prompt")
    assert replies.count() > 10
    for reply in replies:
        assert reply.created_at > reply.topic.created_at
    # still to come: two weeks after the last session, and one kept in the queue without a time
    queued = ScheduledPrompt.objects.filter(status="queued")
    assert not queued.filter(release_at__lte=org.now).exists()  # nothing due was left behind
    assert queued.filter(source__key=demo.AFTER_LAST).count() == 3
    assert queued.filter(release_at__isnull=True).count() == 3
    # the quiet board's prompt went out early
    assert ScheduledPrompt.objects.filter(released_early=True).count() == 3
    assert ReviewRequest.objects.filter(status="published").count() == 3
    assert ReviewRequest.objects.filter(status="open").count() == 3
    assert BuddyPair.objects.count() == 6
    assert Nudge.objects.filter(cohort=org.cohorts[2]).exists()

    counts = (ScheduledPrompt.objects.count(), Post.objects.count(), Activity.objects.count(), Nudge.objects.count())
    demo.seed(org)
    assert (
        ScheduledPrompt.objects.count(), Post.objects.count(), Activity.objects.count(), Nudge.objects.count()
    ) == counts  # fmt: skip
