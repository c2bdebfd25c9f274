"""Who to follow, by influence: followers, replies received and recent activity, with every level heard.

One query: people are annotated with their follower count (people) and, from metrics' public activity
selectors, replies received (90 days) and their own recent contributions (30 days). The list then takes
the strongest candidates in turn from each management level, so a quiet front-line manager with a lively
thread is suggested beside senior voices rather than under them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.db.models import F, QuerySet
from django.db.models.functions import Lower

from metrics.api import recent_contributions, replies_received
from portal.people.models import User
from portal.people.selectors.people import follow_count, people_for_viewer

FOLLOWER_WEIGHT, REPLY_WEIGHT, ACTIVITY_WEIGHT = 3, 2, 1
CANDIDATES = 40  # the strongest few dozen are enough to find every level's best


@dataclass(frozen=True)
class Suggestion:
    person: User
    followers: int
    replies_received: int
    recent: int


def _by_level_in_turn(people: list[User], limit: int) -> list[User]:
    """Round-robin over management levels (in order of each level's strongest person), best first within."""
    queues: dict[object, list[User]] = {}
    for person in people:  # already ordered by influence
        queues.setdefault(person.profile.management_level, []).append(person)
    chosen: list[User] = []
    while len(chosen) < limit and any(queues.values()):
        for queue in list(queues.values()):
            if queue and len(chosen) < limit:
                chosen.append(queue.pop(0))
    return chosen


def who_to_follow(user: User, *, limit: int = 5, among: QuerySet | None = None) -> list[Suggestion]:
    """People ``user`` does not follow yet, strongest influence first, taken in turn from every level.

    ``among`` (a queryset of user ids) narrows the field, e.g. to people who blog. People with no signal
    yet come last (by name). One query whatever the size of the organisation.
    """
    return suggestions(list(who_to_follow_queryset(user, among=among)), limit=limit)


def who_to_follow_queryset(user: User, *, among: QuerySet | None = None) -> QuerySet:
    """The candidates behind ``who_to_follow``, strongest first (the home page runs it compiled)."""
    # people_for_viewer annotates is_following (and the counts below are annotations too): typed as Any.
    qs: Any = cast(Any, people_for_viewer(user)).exclude(pk=user.pk).filter(is_following=False)
    if among is not None:
        qs = qs.filter(pk__in=among)
    return (
        qs.annotate(
            n_followers=follow_count("followee", "follower"),
            n_replies=replies_received(),
            n_recent=recent_contributions(),
        )
        .annotate(
            influence=F("n_followers") * FOLLOWER_WEIGHT
            + F("n_replies") * REPLY_WEIGHT
            + F("n_recent") * ACTIVITY_WEIGHT
        )
        .order_by("-influence", Lower("profile__display_name"), "pk")[:CANDIDATES]
    )


def suggestions(candidates: list[User], *, limit: int) -> list[Suggestion]:
    """``limit`` of ``who_to_follow_queryset``'s candidates, taken in turn from every level."""
    return [
        Suggestion(
            person=p,
            followers=cast(Any, p).n_followers,
            replies_received=cast(Any, p).n_replies,
            recent=cast(Any, p).n_recent,
        )
        for p in _by_level_in_turn(candidates, limit)
    ]
