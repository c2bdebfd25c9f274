import factory
from factory.django import DjangoModelFactory

from metrics.models import Activity
from metrics.verbs import Verb


class ActivityFactory(DjangoModelFactory):
    """Only for tests that need raw history; production code writes Activity through metrics.record()."""

    class Meta:
        model = Activity

    actor = factory.SubFactory("tests.factories.portal.UserFactory")
    verb = Verb.POST_CREATED
    management_level = factory.LazyAttribute(lambda o: o.actor.profile.management_level)
