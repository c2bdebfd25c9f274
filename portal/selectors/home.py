"""What a signed-in person should do next. Other apps add their own cards with ``register_home_card``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count

from portal.people.models import Membership, Profile, User
from portal.people.selectors.people import people_you_may_know_queryset
from portal.prepared_models import prepared_objects
from portal.selectors.influence import suggestions, who_to_follow_queryset


def _viewer(pk: int):
    return User.objects.filter(pk=pk).select_related("profile").annotate(following=Count("following_set"))


def _read_viewer(user) -> int:
    """Read the person's profile (onto ``user``, for the whole page) and how many people they follow: one query
    (compiled once per thread: ``portal.prepared_models``)."""
    (viewer,) = prepared_objects("home.viewer", _viewer, user.pk)
    if hasattr(viewer, "profile"):
        user.profile = viewer.profile
    return viewer.following


def _people_you_may_know(pk: int):
    """Colleagues from the person's cohorts (the cohorts are a subquery, not a query of their own)."""
    return people_you_may_know_queryset(User(pk=pk), Membership.objects.filter(user_id=pk).values("cohort_id"))


def _who_to_follow(pk: int):
    """The candidates for "Who to follow" (their windows are the last 30 and 90 days: ``now_relative``)."""
    return who_to_follow_queryset(User(pk=pk))


def next_steps(user, *, following: int | None = None) -> list[dict]:
    """``following``: how many people the person follows, when the caller has already counted."""
    profile: Profile = user.profile
    steps = []
    if not profile.is_complete:
        steps.append(
            {
                "title": "Complete your profile",
                "text": "Add your job title, department and management level so colleagues know who is posting.",
                "url_name": "people:profile-edit",
            }
        )
    if following is None:
        following = user.following_set.count()
    if following < 10:
        steps.append(
            {
                "title": "Connect with colleagues",
                "text": "Follow people you work with; their posts and blogs will reach you first.",
                "url_name": "people:directory",
            }
        )
    return steps


HomeCard = Callable[[Any], Any]
_cards: dict[str, HomeCard] = {}


def register_home_card(key: str, card: HomeCard) -> None:
    """Put ``card(user)`` into the home page's context as ``key`` (apps register in ``AppConfig.ready``).

    The onboarding app registers its card (next path step, goals) as ``onboarding``; the home
    template shows a card only when its key is present, so an app that is not installed shows nothing.
    """
    _cards[key] = card


def home_context(user) -> dict:
    """Everything the home page shows, in a fixed number of queries (issue 13: at most 12 for the whole page)."""
    following = _read_viewer(user)  # first, so the cards find the profile already read
    return {
        **{key: card(user) for key, card in _cards.items()},
        "next_steps": next_steps(user, following=following),
        "people_you_may_know": prepared_objects("home.people_you_may_know", _people_you_may_know, user.pk),
        "who_to_follow": suggestions(  # by influence, every level (issue 17)
            prepared_objects("home.who_to_follow", _who_to_follow, user.pk, now_relative=True), limit=4
        ),
    }
