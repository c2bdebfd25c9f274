"""Facilitation factories. Rows made here bypass the services (fast fixtures for reads and permissions);
tests of rules go through onboarding.facilitation.services."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from onboarding.facilitation.models import (
    BuddyPair,
    CohortFacilitation,
    Nudge,
    PromptTemplate,
    ReviewRequest,
    ReviewRevision,
    ScheduledPrompt,
)


class CohortFacilitationFactory(DjangoModelFactory):
    class Meta:
        model = CohortFacilitation
        django_get_or_create = ("cohort",)

    cohort = factory.SubFactory("tests.factories.portal.CohortFactory")
    quiet_days = 5


class PromptTemplateFactory(DjangoModelFactory):
    class Meta:
        model = PromptTemplate

    title = factory.Sequence(lambda n: f"A prompt worth answering {n}")
    body = "<p>What is one thing you learned this week?</p>"
    category = "lessons"
    suggested_offset_days = -2
    owner = factory.SubFactory("tests.factories.portal.UserFactory")


class ScheduledPromptFactory(DjangoModelFactory):
    """A queued prompt on a board of its cohort, due in a day unless told otherwise."""

    class Meta:
        model = ScheduledPrompt

    board = factory.SubFactory("tests.factories.forums.BoardFactory", cohort=factory.SelfAttribute("..cohort"))
    cohort = factory.SubFactory("tests.factories.portal.CohortFactory")
    title = factory.Sequence(lambda n: f"Starter prompt number {n}")
    body = "<p>Tell us about a decision you made this week.</p>"
    release_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    created_by = None


class ReviewRequestFactory(DjangoModelFactory):
    """An open review of a new topic on a board of the cohort, with its first revision."""

    class Meta:
        model = ReviewRequest
        skip_postgeneration_save = True

    author = factory.SubFactory("tests.factories.portal.UserFactory")
    cohort = factory.SubFactory("tests.factories.portal.CohortFactory")
    kind = ReviewRequest.Kind.TOPIC
    board = factory.SubFactory("tests.factories.forums.BoardFactory", cohort=factory.SelfAttribute("..cohort"))
    title = "Is this too blunt for a first post?"
    body = "<p>Our depot missed its target and I want to say why, plainly.</p>"

    @factory.post_generation
    def first_revision(self, create, extracted, **kwargs):
        if create:
            ReviewRevision.objects.create(review=self, number=1, title=self.title, body=self.body)


class BuddyPairFactory(DjangoModelFactory):
    class Meta:
        model = BuddyPair

    cohort = factory.SubFactory("tests.factories.portal.CohortFactory")


class NudgeFactory(DjangoModelFactory):
    class Meta:
        model = Nudge

    cohort = factory.SubFactory("tests.factories.portal.CohortFactory")
    recipient = factory.SubFactory("tests.factories.portal.UserFactory")
    message = "Hello, we have missed you on the board."
