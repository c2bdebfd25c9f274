import secrets
from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from portal.notifications.models import Notification
from portal.people.models import (
    Cohort,
    CohortSession,
    Follow,
    Invitation,
    ManagementLevel,
    Membership,
    Profile,
    Role,
    User,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    """A leader with a complete profile. ``roles=("facilitator",)`` adds roles; ``profile__...`` sets fields."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@keystone.example")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    profile = factory.RelatedFactory("tests.factories.portal.ProfileFactory", factory_related_name="user")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        names = [Role.LEADER, *(extracted or ())]
        self.groups.add(*[Group.objects.get_or_create(name=str(n))[0] for n in names])
        if create:
            self.save()

    @factory.post_generation
    def policy_acknowledged(self, create, extracted, **kwargs):
        """People in tests have acknowledged the current social media policy, so onboarding's publish gate
        lets them post; ``policy_acknowledged=False`` makes someone who has not."""
        if create and extracted is not False:
            from onboarding.models import PolicyAcknowledgement, PolicyVersion

            version = PolicyVersion.objects.order_by("-major", "-minor").first()
            if version is not None:
                PolicyAcknowledgement.objects.get_or_create(user=self, version=version)


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory, profile=None)
    display_name = factory.Sequence(lambda n: f"Test Person {n}")
    job_title = "Head of Testing"
    department = "Operations"
    management_level = ManagementLevel.MIDDLE
    completed_at = factory.LazyFunction(timezone.now)


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Cohort {n}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    description = "A test cohort."


class CohortSessionFactory(DjangoModelFactory):
    class Meta:
        model = CohortSession

    cohort = factory.SubFactory(CohortFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda o: f"Session {o.number}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    cohort = factory.SubFactory(CohortFactory)
    kind = Membership.Kind.MEMBER


def member_of(cohort: Cohort, **kwargs) -> User:
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, cohort=cohort)
    return user


def facilitator_of(cohort: Cohort, **kwargs) -> User:
    user = UserFactory(roles=(Role.FACILITATOR,), **kwargs)
    MembershipFactory(user=user, cohort=cohort, kind=Membership.Kind.FACILITATOR)
    return user


class FollowFactory(DjangoModelFactory):
    class Meta:
        model = Follow

    follower = factory.SubFactory(UserFactory)
    followee = factory.SubFactory(UserFactory)


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@keystone.example")
    display_name = factory.Sequence(lambda n: f"Invited Person {n}")
    cohort = factory.SubFactory(CohortFactory)
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    event = "mention"
    text = "Someone mentioned you"
