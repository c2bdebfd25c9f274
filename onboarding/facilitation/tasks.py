"""Facilitation jobs. Beat: the release job every minute, the quiet-board sweep every 15 minutes.
Follow-ups after a write commits: notifications. Each task takes ids, re-loads rows and is idempotent."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

log = logging.getLogger(__name__)


@shared_task(name="facilitation.release_due_prompts")
def release_due_prompts() -> int:
    """Release every starter prompt whose time has come (exactly once, even when two runs overlap)."""
    from .services.release import prompts_release_due

    return len(prompts_release_due())


@shared_task(name="facilitation.release_quiet_boards")
def release_quiet_boards() -> int:
    """Never a blank board: a cohort board quiet for its cohort's ``quiet_days`` gets its next prompt early."""
    from .services.release import quiet_boards_release

    return len(quiet_boards_release())


def _tell(users: Iterable, *, text: str | Callable, event: str, **kwargs) -> int:
    """Notify each of ``users`` (``text`` may be a function of the user); returns how many were notified."""
    from portal.notifications.services import notify

    sent = 0
    for user in users:
        body = text(user) if callable(text) else text
        sent += bool(notify(recipient=user, event=event, text=body[:300], **kwargs))
    return sent


def _facilitators(cohort_id: int):
    from portal.people.models import Membership, User

    return User.objects.filter(
        is_active=True, memberships__cohort_id=cohort_id, memberships__kind=Membership.Kind.FACILITATOR
    ).distinct()


def _review_team(cohort_id: int, *also: int, leave_out: int | None = None):
    """The cohort's facilitators (the only people besides the author who see a review), plus ``also``."""
    from portal.people.models import User

    from .permissions import review_facilitator_ids

    ids = review_facilitator_ids(cohort_id) | set(also)
    ids.discard(leave_out)
    return User.objects.filter(pk__in=ids, is_active=True)


@shared_task(name="facilitation.prompt_released_notify")
def prompt_released_notify(prompt_id: int) -> int:
    """Tell the cohort's members about a released prompt (once), and its facilitators when it went out early.

    Members who watch the board are left out: the forums already told them about the new topic.
    """
    from forums.models import Watch
    from portal.notifications import Event
    from portal.people.models import Membership, User

    from . import selectors
    from .models import ScheduledPrompt

    with transaction.atomic():
        claimed = ScheduledPrompt.objects.filter(
            pk=prompt_id, status=ScheduledPrompt.Status.RELEASED, notified_at__isnull=True
        ).update(notified_at=timezone.now())
        prompt = (
            ScheduledPrompt.objects.select_related("board", "cohort", "released_topic__author")
            .filter(pk=prompt_id)
            .first()
        )
        if not claimed or prompt is None or prompt.released_topic is None:
            return 0
        topic = prompt.released_topic
        watchers = Watch.objects.filter(board=prompt.board, watching=True).values("user_id")
        members = User.objects.filter(
            is_active=True, memberships__cohort=prompt.cohort, memberships__kind=Membership.Kind.MEMBER
        ).exclude(pk__in=watchers)
        sent = _tell(
            members,
            event=Event.STARTER_PROMPT,
            text=f"New starter prompt on {prompt.board.title}: “{topic.title}”",
            url=topic.get_absolute_url(),
            actor=topic.author,
            target=topic,
            group_key=f"starter-prompt-{prompt.cohort_id}",
        )
        if prompt.released_early:
            days = selectors.cohort_settings(prompt.cohort).quiet_days
            _tell(
                _facilitators(prompt.cohort_id),
                event=Event.STARTER_PROMPT,
                text=(
                    f"{prompt.board.title} had no new topic for {days} days, so “{topic.title}” went out early. "
                    "Queue another prompt to keep the board going."
                ),
                url=reverse("facilitation:schedule", args=[prompt.cohort.slug]),
                target=topic,
            )
    return sent


@shared_task(name="facilitation.prompt_failed_notify")
def prompt_failed_notify(prompt_id: int) -> int:
    """Tell the cohort's facilitators that a prompt could not be released, and why."""
    from portal.notifications import Event

    from .models import ScheduledPrompt

    prompt = ScheduledPrompt.objects.filter(pk=prompt_id, status=ScheduledPrompt.Status.FAILED).first()
    if prompt is None:
        return 0
    with transaction.atomic():
        return _tell(
            _facilitators(prompt.cohort_id),
            event=Event.STARTER_PROMPT,
            text=f"“{prompt.title}” could not be released: {prompt.problem}",
            url=reverse("facilitation:prompt-edit", args=[prompt.pk]),
            group_key=f"prompt-failed-{prompt.pk}",
        )


def _load_review(review_id: int):
    from .models import ReviewRequest

    review = ReviewRequest.objects.select_related("author__profile", "topic").filter(pk=review_id).first()
    return review if review is not None and review.is_open else None


@shared_task(name="facilitation.review_requested_notify")
def review_requested_notify(review_id: int) -> int:
    """Tell the cohort's facilitators that a leader asked for a private review."""
    from portal.notifications import Event

    review = _load_review(review_id)
    if review is None:
        return 0
    with transaction.atomic():
        return _tell(
            _review_team(review.cohort_id, leave_out=review.author_id),
            event=Event.REVIEW_COMMENT,
            text=f"{review.author.display_name} asked you to look at a draft before they post it",
            url=review.get_absolute_url(),
            actor=review.author,
            target=review,
            group_key=f"review-{review.pk}",
        )


@shared_task(name="facilitation.review_comment_notify")
def review_comment_notify(comment_id: int) -> int:
    """A comment on a private review: the author hears about facilitators' comments, facilitators about
    the author's answers and each other's."""
    from portal.notifications import Event

    from .models import ReviewComment

    comment = ReviewComment.objects.select_related("review__topic", "author__profile").filter(pk=comment_id).first()
    if comment is None:
        return 0
    review = comment.review
    name = comment.author.display_name

    def text(user) -> str:
        whose = "your draft" if user.pk == review.author_id else "the draft"
        return f"{name} commented on {whose} “{review.heading}”"

    with transaction.atomic():
        return _tell(
            _review_team(review.cohort_id, review.author_id, leave_out=comment.author_id),
            event=Event.REVIEW_COMMENT,
            text=text,
            url=f"{review.get_absolute_url()}#comment-{comment.pk}",
            actor=comment.author,
            target=review,
            group_key=f"review-{review.pk}",
        )


@shared_task(name="facilitation.review_revised_notify")
def review_revised_notify(review_id: int, revision: int) -> int:
    """The author saved a new version: tell the facilitators, so they can look again."""
    from portal.notifications import Event

    review = _load_review(review_id)
    if review is None or review.revision != revision:
        return 0
    with transaction.atomic():
        return _tell(
            _review_team(review.cohort_id, leave_out=review.author_id),
            event=Event.REVIEW_COMMENT,
            text=f"{review.author.display_name} revised “{review.heading}” (version {revision})",
            url=review.get_absolute_url(),
            actor=review.author,
            target=review,
            group_key=f"review-{review.pk}",
        )
