"""Reactions: like, thanks, insightful. One of each kind per person per post."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

import metrics
from metrics.verbs import Verb
from portal.jobs import enqueue_on_commit
from portal.people.models import User

from .. import permissions
from ..models import Post, Reaction
from ._common import activity_cohort


def reaction_toggle(*, actor: User, post: Post, kind: str) -> bool:
    """Add ``kind`` to ``post`` for ``actor``, or take it back if it is there. Returns True when added.

    Guarantees: one reaction per kind per person per post (a unique constraint, so a double click
    cannot make two); no reactions to one's own or removed posts; the author is notified of new
    reactions grouped per post, after commit.
    """
    if kind not in Reaction.Kind.values:
        raise ValidationError("Choose like, thanks or insightful.")
    post = Post.objects.select_related("topic__board__cohort").get(pk=post.pk)
    if not permissions.can_react(actor, post):
        raise PermissionDenied("You cannot react to this post.")
    topic = post.topic
    cohort = activity_cohort(topic.board, actor)
    with transaction.atomic():
        deleted, _ = Reaction.objects.filter(post=post, user=actor, kind=kind).delete()
        if deleted:
            metrics.record(
                actor=actor, verb=Verb.UNREACTED, target=post, context=topic, cohort=cohort, data={"kind": kind}
            )
            return False
        try:
            with transaction.atomic():
                reaction = Reaction.objects.create(post=post, user=actor, kind=kind)
        except IntegrityError:  # the same click arrived twice at once: the first one counts
            return True
        metrics.record(actor=actor, verb=Verb.REACTED, target=post, context=topic, cohort=cohort, data={"kind": kind})
        enqueue_on_commit("forums.tasks.reaction_notify", reaction.pk)
    return True
