"""Blog jobs: the scheduled-publish beat job and the notifications that follow a publish or a comment.

Tasks take ids, re-load rows and are idempotent: running one twice changes nothing the second time.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.mentions import mentioned_ids
from portal.notifications import Event
from portal.notifications.models import Notification
from portal.notifications.services import notify
from portal.people.models import Role, User


@shared_task(name="blogs.tasks.publish_due_entries")
def publish_due_entries() -> int:
    """Beat job (every minute): publish scheduled entries whose time has come."""
    from .services.publishing import entry_publish_due

    return len(entry_publish_due())


def followers_who_may_read(entry) -> list[int]:
    """Ids of people following the entry's author or one of its tags who may read it (author excluded)."""
    tag_ids = list(entry.tags.values_list("pk", flat=True))
    people = User.objects.filter(is_active=True).filter(
        Q(following_set__followee_id=entry.author_id) | Q(tag_follows__tag_id__in=tag_ids)
    )
    if entry.cohort_id:
        people = people.filter(
            Q(memberships__cohort_id=entry.cohort_id)
            | Q(is_superuser=True)
            | Q(groups__name__in=[Role.ADMIN, Role.ANALYST])
        )
    return sorted(set(people.exclude(pk=entry.author_id).values_list("pk", flat=True)))


@shared_task(name="blogs.tasks.entry_announce")
def entry_announce(entry_id: int) -> int:
    """Tell the followers of a newly published entry, in batches of BLOGS_FANOUT_BATCH people.

    Runs once per entry: ``announced_at`` is claimed with a conditional UPDATE before any batch goes out.
    """
    from .models import Entry

    now = timezone.now()
    claimed = Entry.objects.filter(pk=entry_id, status=Entry.Status.PUBLISHED, announced_at__isnull=True).update(
        announced_at=now
    )
    if not claimed:
        return 0
    entry = Entry.objects.get(pk=entry_id)
    recipients = followers_who_may_read(entry)
    size = settings.BLOGS_FANOUT_BATCH
    for start in range(0, len(recipients), size):
        entry_announce_batch.delay(entry_id, recipients[start : start + size])
    return len(recipients)


@shared_task(name="blogs.tasks.entry_announce_batch")
def entry_announce_batch(entry_id: int, user_ids: list[int]) -> int:
    """Notify one batch of followers about an entry; people already notified about it are skipped."""
    from . import permissions
    from .models import Entry

    entry = Entry.objects.select_related("blog", "author__profile").filter(pk=entry_id).first()
    if entry is None or not entry.is_published:
        return 0
    already = set(
        Notification.objects.filter(
            recipient_id__in=user_ids,
            event=Event.FOLLOWED_ENTRY,
            target_type=ContentType.objects.get_for_model(Entry),
            target_id=entry.pk,
        ).values_list("recipient_id", flat=True)
    )
    sent = 0
    url = entry.get_absolute_url()
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(pk__in=already):
        if not permissions.can_view_entry(user, entry):
            continue
        with transaction.atomic():
            notify(
                recipient=user,
                event=Event.FOLLOWED_ENTRY,
                text=f"{entry.author.display_name} published “{entry.title}”",
                url=url,
                actor=entry.author,
                target=entry,
                group_key=f"followed-entry:{entry.pk}",
            )
        sent += 1
    return sent


@shared_task(name="blogs.tasks.comment_notify")
def comment_notify(comment_id: int) -> int:
    """Tell the entry's author, the person replied to and the people mentioned about a new comment, once.

    Each person is told once (an author who is also mentioned gets the comment notification), and only
    people who can read the entry.
    """
    from . import permissions
    from .models import Comment

    claimed = Comment.objects.filter(pk=comment_id, notified_at__isnull=True).update(notified_at=timezone.now())
    if not claimed:
        return 0
    comment = Comment.objects.select_related("entry__blog", "entry__author", "author__profile", "parent__author").get(
        pk=comment_id
    )
    if not comment.is_visible:
        return 0
    entry = comment.entry
    name = comment.author.display_name
    to_tell = [(entry.author, Event.ENTRY_COMMENT, f"{name} commented on “{entry.title}”", f"entry-comment:{entry.pk}")]
    if comment.parent is not None:
        parent = comment.parent
        text = f"{name} replied to your comment on “{entry.title}”"
        to_tell.append((parent.author, Event.ENTRY_COMMENT, text, f"comment-reply:{parent.pk}"))
    mentioned = User.objects.filter(pk__in=mentioned_ids(comment.body), is_active=True).order_by("pk")
    text = f"{name} mentioned you in a comment on “{entry.title}”"
    to_tell += [(person, Event.MENTION, text, "") for person in mentioned]
    sent = 0
    told: set[int] = {comment.author_id}
    with transaction.atomic():
        for recipient, event, text, group_key in to_tell:
            if recipient.pk in told or not permissions.can_view_entry(recipient, entry):
                continue
            notify(
                recipient=recipient,
                event=event,
                text=text,
                url=comment.get_absolute_url(),
                actor=comment.author,
                target=comment,
                group_key=group_key,
            )
            told.add(recipient.pk)
            sent += 1
    return sent
