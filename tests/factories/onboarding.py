import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from onboarding.models import (
    CoachTerm,
    Goal,
    GoalLadder,
    GoalStage,
    Lesson,
    LessonStep,
    PolicyAcknowledgement,
    PolicyVersion,
    Survey,
    SurveyItem,
)


class LessonFactory(DjangoModelFactory):
    class Meta:
        model = Lesson

    slug = factory.Sequence(lambda n: f"lesson-{n}")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    summary = "What this lesson is about."

    @factory.post_generation
    def steps(self, create, extracted, **kwargs):
        if create:
            for i, (title, body) in enumerate(extracted or [("First step", "<p>Read this.</p>")], 1):
                LessonStep.objects.create(lesson=self, position=i, title=title, body_html=body)


class PolicyVersionFactory(DjangoModelFactory):
    """Only for tests that need a specific version history; migrations ship version 1.0."""

    class Meta:
        model = PolicyVersion

    major = factory.Sequence(lambda n: n + 2)
    minor = 0
    title = "Social media policy"
    body_html = "<p>Be kind, keep secrets secret.</p>"
    published_at = factory.LazyFunction(timezone.now)


class PolicyAcknowledgementFactory(DjangoModelFactory):
    class Meta:
        model = PolicyAcknowledgement

    user = factory.SubFactory("tests.factories.portal.UserFactory")
    version = factory.LazyFunction(lambda: PolicyVersion.objects.order_by("-major", "-minor").first())


class CoachTermFactory(DjangoModelFactory):
    class Meta:
        model = CoachTerm

    list = CoachTerm.List.BANNED
    term = factory.Sequence(lambda n: f"Project Codename{n}")


class SurveyFactory(DjangoModelFactory):
    class Meta:
        model = Survey

    slug = factory.Sequence(lambda n: f"survey-{n}")
    title = factory.Sequence(lambda n: f"Survey {n}")
    audience = Survey.Audience.LEADERS

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if create:
            for i, text in enumerate(extracted or ["I feel ready.", "I know the policy."], 1):
                SurveyItem.objects.create(survey=self, position=i, text=text, theme=f"Theme {i}")


class GoalLadderFactory(DjangoModelFactory):
    class Meta:
        model = GoalLadder

    name = factory.Sequence(lambda n: f"Ladder {n}")


class GoalStageFactory(DjangoModelFactory):
    class Meta:
        model = GoalStage

    ladder = factory.SubFactory(GoalLadderFactory)
    kind = GoalStage.Kind.CRAWL
    title = "Crawl"
    deadline_days = 14


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = Goal

    stage = factory.SubFactory(GoalStageFactory)
    title = "Connect with 2 colleagues"
    criterion = "follow_colleagues"
    params = factory.LazyFunction(lambda: {"n": 2})


def acknowledge_policy(user):
    """The user acknowledges the current policy version (as the service would)."""
    from onboarding.services.policy import policy_acknowledge

    return policy_acknowledge(actor=user)
