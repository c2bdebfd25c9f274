"""Releasing starter prompts as topics: on schedule (the job), early (a quiet board), or by hand.

Exactly once: a release claims the prompt row (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so a
second job run skips a row another is releasing, then a conditional ``UPDATE ... WHERE status='queued'``
that only one transaction can win, also on SQLite where the whole database is the lock) and creates the
topic through ``forums.services.topic_create`` in the same transaction; ``released_topic`` is one-to-one
and the topic carries an idempotency key per prompt, so even a bug elsewhere cannot attach two topics.
If anything fails, the claim rolls back with the topic and the prompt is still queued.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone

import metrics
from forums import permissions as forum_permissions
from forums.models import Board, Topic
from forums.services import DuplicateSubmission, topic_create
from metrics.verbs import Verb
from onboarding.selectors.policy import has_acknowledged_current
from portal.jobs import enqueue_on_commit
from portal.people.models import Cohort, Membership, User

from .. import selectors, timing
from ..models import ScheduledPrompt

log = logging.getLogger(__name__)


class ReleaseError(Exception):
    """A prompt could not become a topic; ``message`` says why, for the facilitators."""

    def __init__(self, message: str, *, retry: bool = False):
        super().__init__(message)
        self.message = message
        self.retry = retry  # a passing condition (try again next run), not something to fix


def client_key(prompt_id: int) -> str:
    return f"starter-prompt-{prompt_id}"


def _release_author(prompt: ScheduledPrompt) -> User:
    """Who the topic is posted as: the facilitator who scheduled it, else another of the cohort's
    facilitators, as long as they may still post on the board."""
    board = prompt.board
    candidates: list[User] = []
    if prompt.created_by is not None and prompt.created_by.is_active:
        candidates.append(prompt.created_by)
    candidates += list(
        User.objects.filter(
            is_active=True,
            memberships__cohort_id=prompt.cohort_id,
            memberships__kind=Membership.Kind.FACILITATOR,
        ).order_by("memberships__joined_at", "pk")
    )
    allowed = [user for user in candidates if forum_permissions.can_post_in_board(user, board)]
    if not allowed:
        raise ReleaseError("Nobody who may post on this board is left to post it as: add a facilitator to the cohort.")
    # Onboarding's gate refuses anyone who has not acknowledged the social media policy: prefer someone who has.
    for user in allowed:
        if has_acknowledged_current(user):
            return user
    raise ReleaseError(
        f"{allowed[0].display_name} has not acknowledged the social media policy yet, so the prompt cannot be "
        "posted in their name. Acknowledge it on the Learn page, then edit the prompt to queue it again."
    )


def prompt_release(
    *, prompt_id: int, early: bool = False, actor: User | None = None, now: datetime | None = None
) -> Topic | None:
    """Turn one queued prompt into a topic on its board, exactly once.

    Returns the new topic, or None when the prompt is no longer queued (released, cancelled) or another
    run holds it at this moment. ``actor`` (a facilitator pressing "release now") must facilitate the
    cohort. Guarantees: the topic, the prompt's status, and the prompt_released activity (with the session
    and before/after timing the dashboards compare) commit together; members are told after commit;
    a refusal by the forums (board rules, text) raises ReleaseError and leaves the prompt queued.
    """
    now = now or timezone.now()
    with transaction.atomic():
        prompt = (
            ScheduledPrompt.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("board", "cohort", "session", "created_by")
            .filter(pk=prompt_id, status=ScheduledPrompt.Status.QUEUED)
            .first()
        )
        if prompt is None:
            return None
        if actor is not None and not forum_permissions.can_moderate_board(actor, prompt.board):
            raise PermissionDenied("Only this cohort's facilitators may release its prompts.")
        claimed = ScheduledPrompt.objects.filter(
            pk=prompt.pk, status=ScheduledPrompt.Status.QUEUED, released_topic__isnull=True
        ).update(status=ScheduledPrompt.Status.RELEASED, released_at=now, updated_at=now)
        if claimed != 1:
            return None
        author = _release_author(prompt)
        try:
            topic = topic_create(
                actor=author,
                board=prompt.board,
                title=prompt.title,
                body=prompt.body,
                kind=prompt.kind,
                client_key=client_key(prompt.pk),
                # The facilitator wrote and scheduled it on purpose: the coach's warnings do not hold it back
                # (its hard blocks, such as a banned term, still do, and the prompt is set aside with the reason).
                post_anyway=True,
            )
        except DuplicateSubmission as duplicate:
            if duplicate.existing.client_key != client_key(prompt.pk):
                # The same title went up on this board a moment ago: try again after the forums' window.
                raise ReleaseError("A topic with the same title was just posted here.", retry=True) from None
            topic = duplicate.existing
        except (ValidationError, PermissionDenied) as error:
            raise ReleaseError(_reason(error)) from None
        session = prompt.session
        released_timing = timing.timing_of(
            release_at=prompt.release_at, session_starts_at=session.starts_at if session else None
        )
        ScheduledPrompt.objects.filter(pk=prompt.pk).update(
            released_topic=topic,
            released_early=early,
            released_session_number=session.number if session else None,
            released_timing=released_timing,
            problem="",
        )
        metrics.record(
            actor=prompt.created_by or author,
            verb=Verb.PROMPT_RELEASED,
            target=topic,
            context=prompt.board,
            cohort=prompt.cohort,
            data={
                "prompt": prompt.pk,
                "title": prompt.title,
                "session": session.number if session else None,
                "timing": released_timing,
                "early": early,
            },
        )
        prompt_pk = prompt.pk
        enqueue_on_commit("facilitation.prompt_released_notify", prompt_pk)
    return topic


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)[:280]
    return str(error)[:280] or "The board refused the topic."


def prompt_mark_failed(*, prompt_id: int, problem: str) -> bool:
    """Set a queued prompt aside as "needs attention" with the reason, and tell the cohort's facilitators.
    Returns False when it was no longer queued (nothing to report)."""
    with transaction.atomic():
        marked = ScheduledPrompt.objects.filter(pk=prompt_id, status=ScheduledPrompt.Status.QUEUED).update(
            status=ScheduledPrompt.Status.FAILED, problem=problem[:300], updated_at=timezone.now()
        )
        if marked:
            enqueue_on_commit("facilitation.prompt_failed_notify", prompt_id)
    return bool(marked)


def _release_or_report(prompt_id: int, *, early: bool = False, now: datetime | None = None) -> Topic | None:
    try:
        return prompt_release(prompt_id=prompt_id, early=early, now=now)
    except ReleaseError as error:
        if error.retry:
            log.info("Starter prompt %s deferred: %s", prompt_id, error.message)
        else:
            log.warning("Starter prompt %s could not be released: %s", prompt_id, error.message)
            prompt_mark_failed(prompt_id=prompt_id, problem=error.message)
        return None


def prompts_release_due(*, now: datetime | None = None, limit: int | None = None) -> list[int]:
    """Release every queued prompt whose moment has come (oldest first); return the ids this run released.

    Safe to run twice at once (two beat ticks, two workers): each prompt is released by exactly one run.
    """
    from .prompts import prompt_times_sync

    now = now or timezone.now()
    prompt_times_sync()
    due = list(
        ScheduledPrompt.objects.filter(status=ScheduledPrompt.Status.QUEUED, release_at__lte=now)
        .order_by("release_at", "pk")
        .values_list("pk", flat=True)[: limit or settings.FACILITATION_RELEASE_BATCH]
    )
    return [pk for pk in due if _release_or_report(pk, now=now) is not None]


def next_queued(board: Board) -> ScheduledPrompt | None:
    return (
        ScheduledPrompt.objects.filter(board=board, status=ScheduledPrompt.Status.QUEUED)
        .order_by(F("release_at").asc(nulls_last=True), "pk")
        .first()
    )


def quiet_boards(*, now: datetime | None = None) -> list[Board]:
    """Cohort boards that have had no new topic for their cohort's ``quiet_days`` and have a prompt queued."""
    now = now or timezone.now()
    newest = (
        Topic.objects.filter(board=OuterRef("pk"), is_visible=True)
        .order_by()
        .values("board")
        .annotate(newest=Max("created_at"))
        .values("newest")
    )
    boards = (
        Board.objects.filter(cohort__isnull=False)
        .filter(Q(scheduled_prompts__status=ScheduledPrompt.Status.QUEUED))
        .distinct()
        .annotate(newest_topic=Subquery(newest))
        .select_related("cohort__facilitation")
    )
    quiet: list[Board] = []
    for board in boards:
        days = selectors.cohort_settings(cast(Cohort, board.cohort)).quiet_days
        if not days:
            continue
        since = board.newest_topic or board.created_at
        if since <= now - timedelta(days=days):
            quiet.append(board)
    return quiet


def quiet_boards_release(*, now: datetime | None = None) -> list[int]:
    """Never a blank board: release the next queued prompt of every quiet cohort board early.

    The released topic is itself a new topic, so a board gets at most one early prompt per quiet spell.
    Facilitators are told which prompt went out early and why. Returns the released prompts' ids.
    """
    now = now or timezone.now()
    released = []
    for board in quiet_boards(now=now):
        prompt = next_queued(board)
        if prompt is not None and _release_or_report(prompt.pk, early=True, now=now) is not None:
            released.append(prompt.pk)
    return released
