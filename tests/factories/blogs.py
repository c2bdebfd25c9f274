import secrets

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from blogs.models import Blog, Comment, Entry, EntryRead, FeedToken, Tag, TagFollow


class BlogFactory(DjangoModelFactory):
    """A personal blog; pass ``kind=Blog.Kind.COHORT, owner=None, cohort=...`` for a cohort blog."""

    class Meta:
        model = Blog
        django_get_or_create = ("kind", "owner", "cohort")

    kind = Blog.Kind.PERSONAL
    owner = factory.SubFactory("tests.factories.portal.UserFactory")
    cohort = None
    title = factory.LazyAttribute(lambda o: f"{o.owner.display_name}'s blog" if o.owner else "Cohort blog")
    slug = factory.Sequence(lambda n: f"blog-{n}")


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"topic {n}")
    slug = factory.LazyAttribute(lambda o: o.name.replace(" ", "-").lower())


class EntryFactory(DjangoModelFactory):
    """A published, organisation-wide entry on its author's blog (status/visibility overridable)."""

    class Meta:
        model = Entry
        skip_postgeneration_save = True

    blog = factory.SubFactory(BlogFactory)
    author = factory.LazyAttribute(lambda o: o.blog.owner)
    title = factory.Sequence(lambda n: f"What I learned in week {n}")
    slug = factory.Sequence(lambda n: f"entry-{n}")
    summary = "A short note on trying something new."
    body = "<p>I tried replying to a colleague's post and it went better than I feared.</p>"
    word_count = 14
    status = Entry.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    entry = factory.SubFactory(EntryFactory)
    author = factory.SubFactory("tests.factories.portal.UserFactory")
    body = "<p>Thank you, this helped me.</p>"


class EntryReadFactory(DjangoModelFactory):
    class Meta:
        model = EntryRead

    entry = factory.SubFactory(EntryFactory)
    reader = factory.SubFactory("tests.factories.portal.UserFactory")


class TagFollowFactory(DjangoModelFactory):
    class Meta:
        model = TagFollow

    user = factory.SubFactory("tests.factories.portal.UserFactory")
    tag = factory.SubFactory(TagFactory)


class FeedTokenFactory(DjangoModelFactory):
    class Meta:
        model = FeedToken

    user = factory.SubFactory("tests.factories.portal.UserFactory")
    key = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
