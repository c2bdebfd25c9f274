"""Every write in facilitation, one module per noun; import the functions from here."""

from .buddies import buddies_pair, buddies_unpair
from .cohorts import facilitation_settings_update
from .first_timers import can_answer, first_timer_reply
from .library import library_install, template_archive, template_from_prompt, template_save
from .nudges import NUDGE_TEMPLATES, NudgeResult, nudge_send
from .prompts import (
    When,
    prompt_cancel,
    prompt_clone,
    prompt_move,
    prompt_release_moment,
    prompt_schedule,
    prompt_times_sync,
    prompt_update,
)
from .release import (
    ReleaseError,
    prompt_mark_failed,
    prompt_release,
    prompts_release_due,
    quiet_boards,
    quiet_boards_release,
)
from .reviews import review_comment, review_publish, review_request, review_revise, review_withdraw
from .welcome import welcome_prompt_for_board

__all__ = [
    "NUDGE_TEMPLATES",
    "NudgeResult",
    "ReleaseError",
    "When",
    "buddies_pair",
    "buddies_unpair",
    "can_answer",
    "facilitation_settings_update",
    "first_timer_reply",
    "library_install",
    "nudge_send",
    "prompt_cancel",
    "prompt_clone",
    "prompt_mark_failed",
    "prompt_move",
    "prompt_release",
    "prompt_release_moment",
    "prompt_schedule",
    "prompt_times_sync",
    "prompt_update",
    "prompts_release_due",
    "quiet_boards",
    "quiet_boards_release",
    "review_comment",
    "review_publish",
    "review_request",
    "review_revise",
    "review_withdraw",
    "template_archive",
    "template_from_prompt",
    "template_save",
    "welcome_prompt_for_board",
]
