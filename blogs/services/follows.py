"""Following blog authors (the people follow from the portal) and tags."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

import metrics
from metrics.verbs import Verb
from portal.people.models import Follow, User
from portal.people.services.people import follow_create, follow_delete, primary_cohort

from .. import permissions
from ..models import Tag, TagFollow


def author_follow(*, actor: User, author: User) -> Follow:
    """Follow a blog author: the same follow as on people pages (records FOLLOWED once)."""
    return follow_create(actor=actor, followee=author)


def author_unfollow(*, actor: User, author: User) -> bool:
    return follow_delete(actor=actor, followee=author)


def tag_follow_create(*, actor: User, tag: Tag) -> TagFollow:
    """Follow a tag: new entries with it reach the Following page and feed. Idempotent."""
    if not permissions.can_follow_tags(actor):
        raise PermissionDenied("Sign in to follow tags.")
    try:
        with transaction.atomic():
            follow = TagFollow.objects.create(user=actor, tag=tag)
            metrics.record(actor=actor, verb=Verb.TAG_FOLLOWED, target=tag, cohort=primary_cohort(actor))
    except IntegrityError:
        return TagFollow.objects.get(user=actor, tag=tag)
    return follow


def tag_follow_delete(*, actor: User, tag: Tag) -> bool:
    """Stop following a tag. Returns whether a follow existed."""
    with transaction.atomic():
        deleted, _ = TagFollow.objects.filter(user=actor, tag=tag).delete()
        if deleted:
            metrics.record(actor=actor, verb=Verb.TAG_UNFOLLOWED, target=tag, cohort=primary_cohort(actor))
    return bool(deleted)
