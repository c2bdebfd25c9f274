"""The forums' demo content: boards per cohort and for everyone, 90 days of history consistent with the people
seed (growth, a quiet cohort, uneven levels), moderation to show, and a second run that adds nothing."""

from collections import Counter

import pytest
from django.utils import timezone

from demo import forums as forums_demo
from demo.org import QUIET_COHORT
from demo.people import demo_people_seed
from forums.models import Board, Flag, ModerationAction, Post, Reaction, Topic
from forums.selectors import review_queue_count
from metrics.models import Activity
from metrics.verbs import Verb


@pytest.fixture
def org(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    return demo_people_seed(now=timezone.now())


@pytest.mark.django_db
def test_demo_boards_topics_and_history(org):
    forums_demo.seed(org)
    assert Board.objects.filter(cohort__isnull=True).count() == 2
    for cohort in org.cohorts:
        assert Board.objects.filter(cohort=cohort).count() == 2
    posts_by_cohort = Counter(
        Post.objects.filter(topic__board__cohort__isnull=False).values_list("topic__board__cohort", flat=True)
    )
    quiet = org.cohorts[QUIET_COHORT]
    active = [c for i, c in enumerate(org.cohorts) if i != QUIET_COHORT]
    assert all(posts_by_cohort[c.pk] > 3 * posts_by_cohort[quiet.pk] for c in active), posts_by_cohort
    # growth: the last month has more posts than the first
    first = org.day(0)
    days = [(p - first).days for p in Post.objects.values_list("created_at", flat=True)]
    assert sum(1 for d in days if d >= 60) > sum(1 for d in days if d < 30)
    # the activity log matches what was written, back-dated
    assert Activity.objects.filter(verb=Verb.TOPIC_CREATED).count() == Topic.objects.count()
    assert Activity.objects.filter(verb=Verb.POST_CREATED).count() == Post.objects.filter(number__gt=1).count()
    assert Activity.objects.filter(verb=Verb.TOPIC_FIRST_RESPONSE).exists()
    assert Activity.objects.filter(verb=Verb.POST_CREATED, created_at__lt=org.day(30)).exists()
    # senior executives write less than middle managers, per head
    posts_by_level = Counter(Post.objects.values_list("author__profile__management_level", flat=True))
    heads = Counter(u.profile.management_level for u in org.leaders)
    assert posts_by_level[1] / heads[1] < posts_by_level[2] / heads[2]
    assert Reaction.objects.exists()
    # something to moderate and something already moderated
    assert review_queue_count(org.facilitators[0]) == 1
    assert ModerationAction.objects.filter(action="flag_hide_message").exists()
    assert Topic.objects.filter(is_locked=True).exists() and Topic.objects.filter(slow_mode_minutes=15).exists()
    # newcomers are sent to the pinned welcome topic: it must take replies (issue 17)
    welcome = Topic.objects.filter(client_key__startswith="demo-welcome").first()
    assert welcome is not None and welcome.is_pinned and not welcome.is_locked


@pytest.mark.django_db
def test_demo_seed_is_idempotent(org):
    forums_demo.seed(org)
    counts = (Board.objects.count(), Topic.objects.count(), Post.objects.count(), Reaction.objects.count(),
              Flag.objects.count(), Activity.objects.count())  # fmt: skip
    forums_demo.seed(org)
    assert counts == (Board.objects.count(), Topic.objects.count(), Post.objects.count(), Reaction.objects.count(),
                      Flag.objects.count(), Activity.objects.count())  # fmt: skip
