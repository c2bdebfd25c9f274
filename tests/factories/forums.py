"""Forum factories. Content made here bypasses the services (fast fixtures for reads and permissions);
tests of rules create content through forums.services."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from forums.models import Board, Flag, Post, PostRevision, Reaction, Topic


class BoardFactory(DjangoModelFactory):
    class Meta:
        model = Board

    cohort = None
    title = factory.Sequence(lambda n: f"Board {n}")
    slug = factory.Sequence(lambda n: f"board-{n}")
    description = "Where we talk about things."
    guidelines = "Be kind. Be specific."
    position = factory.Sequence(lambda n: n)


class TopicFactory(DjangoModelFactory):
    """A topic with its opening post (number 1) and revision, counters consistent."""

    class Meta:
        model = Topic
        skip_postgeneration_save = True

    board = factory.SubFactory(BoardFactory)
    title = factory.Sequence(lambda n: f"A topic worth discussing {n}")
    author = factory.SubFactory("tests.factories.portal.UserFactory")
    highest_number = 1
    last_post_number = 1
    last_poster = factory.SelfAttribute("author")

    @factory.post_generation
    def opening(self, create, extracted, **kwargs):
        if not create:
            return
        body = extracted or "<p>What do you all think about this?</p>"
        post = Post.objects.create(
            topic=self,
            number=1,
            author=self.author,
            body=body,
            search_text=f"{self.title}\n{body}",
            created_at=self.created_at,
        )
        PostRevision.objects.create(post=post, number=1, title=self.title, body=body, editor=self.author)
        Topic.objects.filter(pk=self.pk).update(first_post=post, last_post=post)
        self.first_post = self.last_post = post


def reply_to(topic: Topic, author, body: str = "<p>A thoughtful reply.</p>", **kwargs) -> Post:
    """Add a reply directly (no service): keeps numbers and counters consistent."""
    number = topic.highest_number + 1
    now = kwargs.pop("created_at", timezone.now())
    post = Post.objects.create(
        topic=topic, number=number, author=author, body=body, search_text=body, created_at=now, **kwargs
    )
    PostRevision.objects.create(post=post, number=1, body=body, editor=author)
    Topic.objects.filter(pk=topic.pk).update(
        highest_number=number,
        last_post_number=number,
        reply_count=topic.reply_count + 1,
        last_post=post,
        last_post_at=now,
        last_poster=author,
    )
    topic.refresh_from_db()
    return post


class ReactionFactory(DjangoModelFactory):
    class Meta:
        model = Reaction

    kind = Reaction.Kind.LIKE


class FlagFactory(DjangoModelFactory):
    class Meta:
        model = Flag

    reason = Flag.Reason.OFF_TOPIC
