"""What a signed-in person should do next. Later apps add their own cards here."""

from __future__ import annotations

from .. import permissions
from ..models import Profile
from .people import people_you_may_know


def next_steps(user) -> list[dict]:
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
    if user.following_set.count() < 10:
        steps.append(
            {
                "title": "Connect with colleagues",
                "text": "Follow people you work with; their posts and blogs will reach you first.",
                "url_name": "people:directory",
            }
        )
    return steps


def home_context(user) -> dict:
    from onboarding.selectors.home import home_onboarding  # the onboarding app's card: next path step, goals

    return {
        "onboarding": home_onboarding(user),
        "next_steps": next_steps(user),
        "people_you_may_know": people_you_may_know(user, permissions.member_cohort_ids(user)),
    }
