"""What the home page shows from onboarding: the next step of the path and the current goal stage."""

from __future__ import annotations

from portal.people.models import User

from .goals import current_stage, my_goals
from .path import path_membership, path_state


def home_onboarding(user: User) -> dict:
    """Six queries whatever the person's history or the size of the programme.

    The membership with its cohort's facts (read once for both), the person's facts, the practice
    criterion, the open starter prompt, and the goal stages with their goals and the person's progress.
    """
    membership = path_membership(user)
    path = path_state(user, membership=membership)
    stages = my_goals(user, membership=membership)
    return {"path": path, "stage": current_stage(stages), "stages": stages}
