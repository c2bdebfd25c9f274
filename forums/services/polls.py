"""Polls in topics: attach one to a new topic, vote once (single or multiple choice), results after voting."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import metrics
from metrics.payloads import PollVotedPayload
from metrics.verbs import Verb
from portal.people.models import User

from .. import permissions
from ..models import Board, Poll, PollBallot, PollChoice, PollOption, Topic
from ._common import activity_cohort
from .topics import topic_create

MIN_OPTIONS = 2
MAX_OPTIONS = 10


def _clean_options(options: list[str]) -> list[str]:
    seen: set[str] = set()
    cleaned = []
    for raw in options:
        label = " ".join((raw or "").split())[:120]
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            cleaned.append(label)
    if len(cleaned) < MIN_OPTIONS:
        raise ValidationError({"poll_options": f"A poll needs at least {MIN_OPTIONS} different options."})
    if len(cleaned) > MAX_OPTIONS:
        raise ValidationError({"poll_options": f"A poll can have at most {MAX_OPTIONS} options."})
    return cleaned


def poll_create(
    *,
    actor: User,
    topic: Topic,
    question: str,
    options: list[str],
    multiple: bool = False,
    closes_at: datetime | None = None,
) -> Poll:
    """Attach a poll to ``topic``.

    Guarantees: only the topic's author (or a moderator of its board) adds a poll, and a topic has at
    most one; the question is required, options are trimmed, de-duplicated and between 2 and 10; a
    close date must lie in the future. Poll and options commit together.
    """
    if topic.author_id != actor.pk and not permissions.can_moderate_board(actor, topic.board):
        raise PermissionDenied("Only the topic's author can add a poll.")
    question = " ".join((question or "").split())[:200]
    if not question:
        raise ValidationError({"poll_question": "Write the poll's question."})
    labels = _clean_options(options)
    if closes_at is not None and closes_at <= timezone.now():
        raise ValidationError({"poll_closes_at": "Choose a closing time in the future."})
    with transaction.atomic():
        if Poll.objects.filter(topic=topic).exists():
            raise ValidationError("This topic already has a poll.")
        poll = Poll.objects.create(topic=topic, question=question, multiple=multiple, closes_at=closes_at)
        PollOption.objects.bulk_create(
            [PollOption(poll=poll, position=i, label=label) for i, label in enumerate(labels, start=1)]
        )
    return poll


def topic_create_with_poll(
    *,
    actor: User,
    board: Board,
    title: str,
    body: str,
    kind: str = Topic.Kind.DISCUSSION,
    client_key: str = "",
    post_anyway: bool = False,
    question: str,
    options: list[str],
    multiple: bool = False,
    closes_at: datetime | None = None,
) -> Topic:
    """Start a topic that carries a poll.

    Guarantees: the poll is validated before anything is written, and the topic (with everything
    ``topic_create`` guarantees) and its poll commit together or not at all.
    """
    # Validate the poll first so a bad option never leaves a topic without its poll.
    if not " ".join((question or "").split()):
        raise ValidationError({"poll_question": "Write the poll's question."})
    _clean_options(options)
    if closes_at is not None and closes_at <= timezone.now():
        raise ValidationError({"poll_closes_at": "Choose a closing time in the future."})
    with transaction.atomic():
        topic = topic_create(
            actor=actor,
            board=board,
            title=title,
            body=body,
            kind=kind,
            client_key=client_key,
            post_anyway=post_anyway,
        )
        poll_create(
            actor=actor, topic=topic, question=question, options=options, multiple=multiple, closes_at=closes_at
        )
    return topic


def poll_vote(*, actor: User, poll: Poll, option_ids: list[int]) -> PollBallot:
    """Cast ``actor``'s vote.

    Guarantees: only people who may reply in the topic vote (readers who cannot post, such as
    analysts on cohort boards, cannot); a closed poll takes no votes; a single-choice poll takes
    exactly one option, a multiple-choice poll one or more, all from this poll; one ballot per person
    is enforced by the database (a second vote, even a concurrent one, raises ValidationError and
    changes nothing); the ballot, its choices and the POLL_VOTED activity commit together.
    """
    topic = poll.topic
    if not permissions.can_vote(actor, topic):
        raise PermissionDenied("You cannot vote in this poll.")
    if poll.is_closed():
        raise ValidationError("This poll is closed.")
    wanted = {int(i) for i in option_ids}
    valid = set(PollOption.objects.filter(poll=poll, pk__in=wanted).values_list("pk", flat=True))
    if not wanted or valid != wanted:
        raise ValidationError("Choose an option." if not wanted else "Choose among this poll's options.")
    if not poll.multiple and len(wanted) > 1:
        raise ValidationError("This poll takes one choice.")
    try:
        with transaction.atomic():
            ballot = PollBallot.objects.create(poll=poll, voter=actor)
            PollChoice.objects.bulk_create([PollChoice(ballot=ballot, option_id=pk) for pk in sorted(wanted)])
            metrics.record(
                actor=actor,
                verb=Verb.POLL_VOTED,
                target=poll,
                context=topic,
                cohort=activity_cohort(topic.board, actor),
                data=PollVotedPayload(options=len(wanted)),
            )
    except IntegrityError as error:
        raise ValidationError("You have already voted in this poll.") from error
    return ballot
