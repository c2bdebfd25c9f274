"""A topic's poll as one reader sees it: options, their own choice, and results when they may see them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from .. import permissions
from ..models import Poll, PollBallot, PollChoice, PollOption, Topic


@dataclass
class OptionResult:
    option: PollOption
    votes: int
    percent: int
    mine: bool


@dataclass
class PollView:
    poll: Poll
    options: list[OptionResult]
    voters: int
    voted: bool
    can_vote: bool
    show_results: bool
    closed: bool
    my_choice_ids: set[int] = field(default_factory=set)


_UNKNOWN = object()


def topic_poll(user, topic: Topic, *, poll_id=_UNKNOWN) -> PollView | None:
    """The poll of ``topic`` (None when it has none), in four queries whatever the number of votes.

    Pass ``poll_id`` when the caller already knows it (None: no poll, and no query at all).
    """
    if poll_id is None:
        return None
    qs = Poll.objects.filter(topic=topic)
    poll = (qs if poll_id is _UNKNOWN else qs.filter(pk=poll_id)).first()
    if poll is None:
        return None
    poll.topic = topic
    options = list(PollOption.objects.filter(poll=poll))
    counts = dict(
        PollChoice.objects.filter(option__poll=poll).values_list("option_id").annotate(n=Count("id")).order_by()
    )
    mine: set[int] = set()
    voters = PollBallot.objects.filter(poll=poll).count()
    if getattr(user, "is_authenticated", False):
        mine = set(PollChoice.objects.filter(ballot__poll=poll, ballot__voter=user).values_list("option_id", flat=True))
    voted = bool(mine)
    closed = poll.is_closed()
    can_vote = not voted and not closed and permissions.can_vote(user, topic)
    show_results = permissions.can_see_poll_results(user, poll, voted=voted)
    results = [
        OptionResult(
            option=option,
            votes=counts.get(option.pk, 0),
            percent=round(100 * counts.get(option.pk, 0) / voters) if voters else 0,
            mine=option.pk in mine,
        )
        for option in options
    ]
    return PollView(
        poll=poll,
        options=results,
        voters=voters,
        voted=voted,
        can_vote=can_vote,
        show_results=show_results,
        closed=closed,
        my_choice_ids=mine,
    )
