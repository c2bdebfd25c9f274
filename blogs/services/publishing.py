"""Publishing entries: schedule, publish now, unpublish, and the scheduled-publish job.

Publishing has one entry point for people (``entry_publish``, ``entry_schedule``; the editor reaches
them through ``entries.entry_save``) and one for the job (``entry_publish_due``); both pass through
``publish_preflight`` so checks that must hold before anything goes out live in one place.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

import metrics
from metrics.verbs import Verb
from portal.jobs import enqueue_on_commit
from portal.people.models import User
from portal.richtext import plain_text

from ..models import Entry
from ._common import check_editable, entry_cohort

logger = logging.getLogger(__name__)


def publish_preflight(*, actor: User, entry: Entry) -> None:
    """Checks that must pass before an entry may go out (now or at a scheduled time).

    Raises ValidationError with a message for the writer. The onboarding app's policy gate and
    coach check belong here, so every way of publishing passes through them.
    """
    if not entry.title.strip():
        raise ValidationError({"title": "Give your entry a title before publishing."})
    if not plain_text(entry.body) and "<img" not in entry.body:
        raise ValidationError({"body": "Write something in the body before publishing."})


def _announce_on_commit(entry: Entry) -> None:
    entry_id = entry.pk
    enqueue_on_commit("blogs.tasks.entry_announce", entry_id)


def entry_schedule(*, actor: User, entry: Entry, publish_at: datetime | None) -> Entry:
    """Schedule a draft (or reschedule) to be published by the job at ``publish_at``.

    Guarantees: the time is in the future, else a ``publish_at`` error and nothing changes; a
    published entry cannot be scheduled (unpublish it first); nothing is recorded until it publishes.
    """
    check_editable(actor, entry)
    if publish_at is None:
        raise ValidationError({"publish_at": "Choose the date and time to publish."})
    if timezone.is_naive(publish_at):
        raise ValidationError({"publish_at": "Choose a date and time with a time zone."})
    if publish_at <= timezone.now():
        raise ValidationError({"publish_at": "That time has already passed. Choose a time in the future."})
    with transaction.atomic():
        entry = Entry.objects.select_for_update().select_related("blog").get(pk=entry.pk)
        if entry.is_published:
            raise ValidationError("This entry is already published. Unpublish it first to schedule it again.")
        publish_preflight(actor=actor, entry=entry)
        entry.status = Entry.Status.SCHEDULED
        entry.publish_at = publish_at
        entry.modified_at = timezone.now()
        entry.save(update_fields=["status", "publish_at", "modified_at"])
    return entry


def entry_unschedule(*, actor: User, entry: Entry) -> Entry:
    """Turn a scheduled entry back into a draft; it will not be published by the job."""
    check_editable(actor, entry)
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.is_scheduled:
            entry.status = Entry.Status.DRAFT
            entry.publish_at = None
            entry.save(update_fields=["status", "publish_at"])
    return entry


def _mark_published(entry: Entry, *, actor: User, now: datetime) -> None:
    """Flip to published and record it: the caller holds the row (lock or conditional update)."""
    first = entry.published_at is None
    entry.status = Entry.Status.PUBLISHED
    entry.publish_at = None
    if first:
        entry.published_at = now
    entry.modified_at = now
    entry.save(update_fields=["status", "publish_at", "published_at", "modified_at"])
    _after_publish(entry, actor=actor, first=first)


def _after_publish(entry: Entry, *, actor: User, first: bool) -> None:
    """Record the publication (in the caller's transaction) and tell followers after commit, once per entry."""
    metrics.record(
        actor=actor, verb=Verb.ENTRY_PUBLISHED, target=entry, cohort=entry_cohort(entry), data={"first": first}
    )
    if entry.announced_at is None:
        _announce_on_commit(entry)


def entry_publish(*, actor: User, entry: Entry) -> Entry:
    """Publish an entry now.

    Guarantees: passes ``publish_preflight``; records ENTRY_PUBLISHED once, in the same transaction;
    followers are told (once per entry, after commit, in the background). Publishing a published
    entry changes nothing.
    """
    check_editable(actor, entry)
    with transaction.atomic():
        entry = Entry.objects.select_for_update().select_related("blog", "author").get(pk=entry.pk)
        if entry.is_published:
            return entry
        publish_preflight(actor=actor, entry=entry)
        _mark_published(entry, actor=actor, now=timezone.now())
    return entry


def entry_unpublish(*, actor: User, entry: Entry) -> Entry:
    """Take a published entry back to draft (readers no longer see it); records ENTRY_UNPUBLISHED."""
    check_editable(actor, entry)
    with transaction.atomic():
        entry = Entry.objects.select_for_update().select_related("blog").get(pk=entry.pk)
        if not entry.is_published:
            return entry
        entry.status = Entry.Status.DRAFT
        entry.modified_at = timezone.now()
        entry.save(update_fields=["status", "modified_at"])
        metrics.record(actor=actor, verb=Verb.ENTRY_UNPUBLISHED, target=entry, cohort=entry_cohort(entry))
    return entry


# ---------------------------------------------------------------- the job
def entry_publish_due(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Publish scheduled entries whose time has come; return the ids this call published.

    Guarantees: each entry is published, and ENTRY_PUBLISHED recorded, exactly once even when the job
    runs twice or two workers race: on PostgreSQL candidates are locked with SKIP LOCKED so workers
    split the work, and the status flip is a conditional UPDATE that only one caller can win. The
    activity is recorded at the moment the job publishes, by the entry's author as actor.
    """
    now = now or timezone.now()
    published: list[int] = []
    with transaction.atomic():
        due = Entry.objects.filter(status=Entry.Status.SCHEDULED, publish_at__lte=now).order_by("publish_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        for entry in due.select_related("blog", "author", "author__profile")[:limit]:
            try:
                with transaction.atomic():
                    publish_preflight(actor=entry.author, entry=entry)
            except ValidationError as exc:
                # It can no longer go out (e.g. the body was emptied): back to draft, the author can fix it.
                if Entry.objects.filter(pk=entry.pk, status=Entry.Status.SCHEDULED).update(
                    status=Entry.Status.DRAFT, publish_at=None
                ):
                    logger.warning("Scheduled entry %s not published: %s", entry.pk, exc)
                continue
            won = Entry.objects.filter(pk=entry.pk, status=Entry.Status.SCHEDULED, publish_at__lte=now).update(
                status=Entry.Status.PUBLISHED,
                publish_at=None,
                published_at=Coalesce(F("published_at"), Value(now)),
                modified_at=now,
            )
            if not won:
                continue  # another run published it a moment ago
            first = entry.published_at is None
            entry.status, entry.publish_at, entry.modified_at = Entry.Status.PUBLISHED, None, now
            entry.published_at = entry.published_at or now
            _after_publish(entry, actor=entry.author, first=first)
            published.append(entry.pk)
    return published
