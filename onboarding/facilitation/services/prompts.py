"""Scheduling starter prompts: write, clone from the library, edit, reorder, cancel, keep times in step.

Releasing them (the job, early release, "release now") lives in ``services.release``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape

import metrics
from forums.models import Board
from metrics.verbs import Verb
from portal.people.models import Cohort, CohortSession, User

from .. import selectors, timing
from ..library import fill_placeholders
from ..models import PromptTemplate, ScheduledPrompt
from ._common import clean_body, clean_kind, clean_title, require_facilitator

MAX_OFFSET_DAYS = 60


@dataclass(frozen=True)
class When:
    """When a prompt goes out: relative to ``session``, at an absolute ``release_at``, or (neither) when
    released by hand or early because its board went quiet."""

    session: CohortSession | None = None
    offset_days: int = 0
    at_time: time | None = None
    release_at: datetime | None = None

    @classmethod
    def relative(cls, session: CohortSession, offset_days: int, at_time: time | None = None) -> When:
        return cls(session=session, offset_days=offset_days, at_time=at_time)

    @classmethod
    def absolute(cls, release_at: datetime) -> When:
        return cls(release_at=release_at)


def _resolve_when(cohort: Cohort, when: When) -> dict:
    """The timing fields of a prompt, validated, with ``release_at`` resolved in the cohort's zone."""
    if when.session is not None:
        if when.session.cohort_id != cohort.pk:
            raise ValidationError({"session": "Choose one of this cohort's sessions."})
        if not -MAX_OFFSET_DAYS <= int(when.offset_days) <= MAX_OFFSET_DAYS:
            raise ValidationError({"offset_days": f"Choose up to {MAX_OFFSET_DAYS} days before or after."})
        release_at = timing.resolve(
            session_starts_at=when.session.starts_at,
            offset_days=int(when.offset_days),
            at_time=when.at_time,
            tz=selectors.cohort_zone(cohort),
        )
        return {
            "session": when.session,
            "offset_days": int(when.offset_days),
            "at_time": when.at_time,
            "release_at": release_at,
        }
    if when.release_at is not None and timezone.is_naive(when.release_at):
        raise ValidationError({"release_at": "The release time needs a time zone."})
    return {"session": None, "offset_days": 0, "at_time": None, "release_at": when.release_at}


def prompt_release_moment(*, cohort: Cohort, when: When) -> datetime | None:
    """When a prompt with this timing would go out (None: only by hand or when its board goes quiet)."""
    return _resolve_when(cohort, when)["release_at"]


def _check_board(cohort: Cohort, board: Board) -> None:
    if board.cohort_id != cohort.pk:
        raise ValidationError({"board": "Choose one of this cohort's boards."})


def prompt_schedule(
    *,
    actor: User,
    cohort: Cohort,
    board: Board,
    title: str,
    body: str,
    kind: str = "discussion",
    when: When | None = None,
    source: PromptTemplate | None = None,
    is_welcome: bool = False,
) -> ScheduledPrompt:
    """Put a prompt in a cohort's schedule.

    Guarantees: only the cohort's facilitators (and admins); the board and session belong to the cohort;
    title and body are validated and the body sanitised (ValidationError keyed by field); the release
    moment is resolved in the cohort's time zone; recorded as prompt_scheduled. A time already past
    means "at the next run of the release job" (within a minute).
    """
    require_facilitator(actor, cohort)
    _check_board(cohort, board)
    fields = _resolve_when(cohort, when or When())
    title, body, kind = clean_title(title), clean_body(body), clean_kind(kind)
    with transaction.atomic():
        prompt = ScheduledPrompt.objects.create(
            cohort=cohort,
            board=board,
            source=source,
            title=title,
            body=body,
            kind=kind,
            is_welcome=is_welcome,
            created_by=actor,
            **fields,
        )
        metrics.record(
            actor=actor,
            verb=Verb.PROMPT_SCHEDULED,
            target=prompt,
            context=board,
            cohort=cohort,
            data={"session": fields["session"].number if fields["session"] else None, "welcome": is_welcome},
        )
    return prompt


def prompt_clone(
    *,
    actor: User,
    template: PromptTemplate,
    cohort: Cohort,
    board: Board,
    session: CohortSession | None = None,
    is_welcome: bool = False,
) -> ScheduledPrompt:
    """Copy a library prompt into a cohort's schedule in one step, at the template's suggested timing
    around ``session`` (no session: queued without a time). {cohort} and {board} are filled in."""
    if template.archived_at is not None:
        raise ValidationError("This prompt was removed from the library.")
    names = {"cohort": cohort.name, "board": board.title}
    escaped = {key: escape(value) for key, value in names.items()}
    when = When.relative(session, template.suggested_offset_days, template.suggested_time) if session else When()
    return prompt_schedule(
        actor=actor,
        cohort=cohort,
        board=board,
        title=fill_placeholders(template.title, **names),
        body=fill_placeholders(template.body, **escaped),
        kind=template.kind,
        when=when,
        source=template,
        is_welcome=is_welcome,
    )


def _lock_open(prompt: ScheduledPrompt) -> ScheduledPrompt:
    prompt = ScheduledPrompt.objects.select_for_update(of=("self",)).select_related("cohort").get(pk=prompt.pk)
    if not prompt.is_open:
        raise ValidationError(
            "This prompt was already released." if prompt.status == ScheduledPrompt.Status.RELEASED else
            "This prompt was cancelled.",
            code="closed",
        )  # fmt: skip
    return prompt


def prompt_update(
    *,
    actor: User,
    prompt: ScheduledPrompt,
    board: Board,
    title: str,
    body: str,
    kind: str,
    when: When,
) -> ScheduledPrompt:
    """Change a prompt that has not gone out yet (a released one is a topic now: edit it on the board).

    Guarantees: the same checks as scheduling; a prompt that needed attention is queued again with its
    problem cleared; the row is locked, so an edit racing the release job either lands before the release
    or is refused with "already released".
    """
    require_facilitator(actor, prompt.cohort_id)
    title, body, kind = clean_title(title), clean_body(body), clean_kind(kind)
    with transaction.atomic():
        prompt = _lock_open(prompt)
        _check_board(prompt.cohort, board)
        fields = _resolve_when(prompt.cohort, when)
        for name, value in {**fields, "board": board, "title": title, "body": body, "kind": kind}.items():
            setattr(prompt, name, value)
        prompt.status = ScheduledPrompt.Status.QUEUED
        prompt.problem = ""
        prompt.updated_at = timezone.now()
        prompt.save()
        metrics.record(
            actor=actor, verb=Verb.PROMPT_EDITED, target=prompt, cohort=prompt.cohort, data={"action": "edit"}
        )
    return prompt


def prompt_cancel(*, actor: User, prompt: ScheduledPrompt) -> ScheduledPrompt:
    """Take a prompt out of the schedule before it goes out. Cancelling a released prompt is refused."""
    require_facilitator(actor, prompt.cohort_id)
    with transaction.atomic():
        prompt = _lock_open(prompt)
        prompt.status = ScheduledPrompt.Status.CANCELLED
        prompt.updated_at = timezone.now()
        prompt.save(update_fields=["status", "updated_at"])
        metrics.record(actor=actor, verb=Verb.PROMPT_CANCELLED, target=prompt, cohort=prompt.cohort)
    return prompt


TIMING_FIELDS = ("session", "offset_days", "at_time", "release_at")


def prompt_move(*, actor: User, prompt: ScheduledPrompt, direction: str) -> ScheduledPrompt:
    """Move a prompt one place earlier or later in its cohort's queue.

    The slots stay where they are and the prompts trade places: the prompt takes its neighbour's timing
    and the neighbour takes its own. Only prompts that have not gone out take part; a no-op at either end.
    """
    if direction not in ("up", "down"):
        raise ValidationError("Move a prompt up or down.")
    require_facilitator(actor, prompt.cohort_id)
    with transaction.atomic():
        open_statuses = [ScheduledPrompt.Status.QUEUED, ScheduledPrompt.Status.FAILED]
        queue = list(
            ScheduledPrompt.objects.select_for_update(of=("self",))
            .filter(cohort_id=prompt.cohort_id, status__in=open_statuses)
            .order_by(F("release_at").asc(nulls_last=True), "pk")
        )
        index = next((i for i, p in enumerate(queue) if p.pk == prompt.pk), None)
        if index is None:
            raise ValidationError("Only prompts that have not gone out can be moved.", code="closed")
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(queue):
            return queue[index]
        mine, theirs = queue[index], queue[other]
        now = timezone.now()
        swapped = {name: getattr(theirs, name) for name in TIMING_FIELDS}
        for name in TIMING_FIELDS:
            setattr(theirs, name, getattr(mine, name))
            setattr(mine, name, swapped[name])
        for row in (mine, theirs):
            row.updated_at = now
            row.save(update_fields=[*TIMING_FIELDS, "updated_at"])
        metrics.record(
            actor=actor,
            verb=Verb.PROMPT_EDITED,
            target=mine,
            cohort=mine.cohort,
            data={"action": "move", "direction": direction},
        )
    return mine


def prompt_times_sync(*, cohort_ids: list[int] | None = None) -> int:
    """Re-resolve the release moment of queued session-relative prompts (a session moved, or the
    cohort's time zone changed). Returns how many changed. Idempotent; the release job calls it first."""
    qs = ScheduledPrompt.objects.filter(status=ScheduledPrompt.Status.QUEUED, session__isnull=False).select_related(
        "session", "cohort__facilitation"
    )
    if cohort_ids is not None:
        qs = qs.filter(cohort_id__in=cohort_ids)
    changed = 0
    for prompt in qs:
        release_at = timing.resolve(
            session_starts_at=cast(CohortSession, prompt.session).starts_at,
            offset_days=prompt.offset_days,
            at_time=prompt.at_time,
            tz=selectors.cohort_zone(prompt.cohort),
        )
        if release_at != prompt.release_at:
            # Conditional: a prompt released meanwhile keeps the moment it went out.
            changed += ScheduledPrompt.objects.filter(pk=prompt.pk, status=ScheduledPrompt.Status.QUEUED).update(
                release_at=release_at
            )
    return changed
