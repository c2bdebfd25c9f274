"""Bookmarks (save a post or an entry for later) and mutes (a topic or a person): a person's own choices."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction

from portal.people.models import User

from .. import permissions
from ..models import Bookmark, Mute, Topic
from ..personal import saveable_for_model


def bookmark_set(*, actor: User, target: models.Model, saved: bool) -> bool:
    """Save ``target`` for later (``saved=True``) or forget it; returns whether it is saved now.

    Guarantees: only kinds registered with ``forums.personal.register_saveable`` can be saved, and
    only by someone who can see the target (PermissionDenied otherwise); saving twice keeps one row
    (the unique constraint decides a race); removing what is not saved changes nothing.
    """
    kind = saveable_for_model(type(target))
    if kind is None:
        raise PermissionDenied("This cannot be saved.")
    content_type = ContentType.objects.get_for_model(target)
    mine = Bookmark.objects.filter(user=actor, content_type=content_type, object_id=target.pk)
    if not saved:
        mine.delete()
        return False
    if not kind.visible(actor, target):
        raise PermissionDenied("You cannot see this.")
    try:
        with transaction.atomic():
            Bookmark.objects.get_or_create(user=actor, content_type=content_type, object_id=target.pk)
    except IntegrityError:
        pass  # saved at the same moment by another request: one row is what we want
    return True


def mute_topic_set(*, actor: User, topic: Topic, muted: bool) -> bool:
    """Mute a topic (no notifications from it, collapsed in lists) or unmute it; returns the new state.

    Guarantees: only a topic the person can see; muting twice keeps one row.
    """
    if muted and not permissions.can_mute_topic(actor, topic):
        raise PermissionDenied("You cannot see this topic.")
    return _mute_set(actor=actor, muted=muted, topic=topic)


def mute_person_set(*, actor: User, person: User, muted: bool) -> bool:
    """Mute another person (no notifications about what they do, their posts collapsed) or unmute them.

    Guarantees: nobody mutes themselves; muting twice keeps one row.
    """
    if muted and not permissions.can_mute_person(actor, person):
        raise PermissionDenied("You cannot mute this person.")
    return _mute_set(actor=actor, muted=muted, person=person)


def _mute_set(*, actor: User, muted: bool, **target) -> bool:
    rows = Mute.objects.filter(user=actor, **target)
    if not muted:
        rows.delete()
        return False
    try:
        with transaction.atomic():
            Mute.objects.get_or_create(user=actor, **target)
    except IntegrityError:
        pass
    return True
