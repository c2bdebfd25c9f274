"""What the home page shows from onboarding: the next step of the path and the current goal stage."""

from __future__ import annotations

from portal.models import User

from .goals import current_stage, my_goals
from .path import path_state


def home_onboarding(user: User) -> dict:
    """A fixed number of queries whatever the person's history (path checks, then goals from stored progress)."""
    path = path_state(user)
    stages = my_goals(user)
    return {"path": path, "stage": current_stage(stages), "stages": stages}
