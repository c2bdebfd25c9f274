"""The onboarding part of `seed_demo`: consistent with the activity history, and idempotent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db.models import Min

from demo import org as demo
from metrics.models import Activity
from metrics.verbs import CONTRIBUTION_VERBS, Verb
from onboarding.models import GoalProgress, LessonProgress, PolicyAcknowledgement, SurveyResponse
from tests.onboarding.helpers import ensure_defaults

TODAY = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)


class _Sink:
    def write(self, text):
        pass

    def flush(self):
        pass


def seed():
    with time_machine.travel(TODAY, tick=False):
        call_command("seed_demo", stdout=_Sink(), stderr=_Sink())


def counts():
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.app_label == "onboarding"}


@pytest.mark.django_db(transaction=True)
def test_demo_onboarding_is_consistent_and_idempotent(monkeypatch):
    ensure_defaults()  # an earlier transactional test may have flushed the shipped content
    apps_seeded = tuple(a for a in demo.SEED_APPS if a in ("forums", "blogs", "onboarding"))
    monkeypatch.setattr(demo, "SEED_APPS", apps_seeded)
    seed()
    leaders = demo.DEMO_DOMAIN
    assert LessonProgress.objects.filter(user__email__endswith=leaders, completed_at__isnull=False).count() > 60
    assert SurveyResponse.objects.filter(round="before").count() > 40
    assert SurveyResponse.objects.filter(round="after").count() > 5
    assert GoalProgress.objects.filter(completed_at__isnull=False).exists()
    # Nobody posted before acknowledging the policy.
    first_posts = dict(
        Activity.objects.filter(verb__in=CONTRIBUTION_VERBS).values_list("actor_id").annotate(first=Min("created_at"))
    )
    acks = dict(PolicyAcknowledgement.objects.values_list("user_id").annotate(first=Min("acknowledged_at")))
    for actor_id, first in first_posts.items():
        assert actor_id in acks and acks[actor_id] <= first, actor_id
    # Goal completions carry the moment the criterion was met, never after the seed's "now".
    completed = Activity.objects.filter(verb=Verb.GOAL_COMPLETED)
    assert completed.count() == GoalProgress.objects.filter(completed_at__isnull=False).count()
    assert not completed.filter(created_at__gt=TODAY).exists()
    # The after round scored higher on average than the before round.
    before = [a.score for r in SurveyResponse.objects.filter(round="before") for a in r.answers.all()]
    after = [a.score for r in SurveyResponse.objects.filter(round="after") for a in r.answers.all()]
    assert sum(after) / len(after) > sum(before) / len(before)

    first = counts()
    activities = Activity.objects.count()
    seed()
    assert counts() == first
    assert Activity.objects.count() == activities
