"""Every write in the forums. One module per noun; import the functions from here.

Entry points the other apps build on: ``topic_create`` and ``post_reply`` are the only ways content
is created (the checks registered in portal.content.pipeline run there), ``flag_create`` and the flag
registry in ``forums.services.flags`` make other apps' content reviewable in the same queue.
"""

from ._common import RAW_HTML_FACTOR, DuplicateSubmission, PreparedBody, prepare_body
from .attachments import attachment_create, attachment_html, attachments_prune
from .audit import moderation_log
from .boards import board_create, board_move, board_update
from .flags import FlagHooks, Resolution, ReviewItem, flag_create, flag_resolve, register_flaggable
from .personal import bookmark_set, mute_person_set, mute_topic_set
from .polls import poll_create, poll_vote, topic_create_with_poll
from .posts import post_delete, post_edit, post_hide, post_reply, post_restore, post_unhide, topic_recount
from .reactions import reaction_toggle
from .reading import draft_discard, draft_save, read_state_mark, watch_auto, watch_set
from .topics import (
    topic_accept_answer,
    topic_create,
    topic_lock_set,
    topic_move,
    topic_pin_set,
    topic_slow_mode_set,
)

__all__ = [
    "RAW_HTML_FACTOR",
    "DuplicateSubmission",
    "FlagHooks",
    "PreparedBody",
    "Resolution",
    "ReviewItem",
    "attachment_create",
    "attachment_html",
    "attachments_prune",
    "board_create",
    "board_move",
    "board_update",
    "bookmark_set",
    "draft_discard",
    "draft_save",
    "flag_create",
    "flag_resolve",
    "moderation_log",
    "mute_person_set",
    "mute_topic_set",
    "poll_create",
    "poll_vote",
    "post_delete",
    "post_edit",
    "post_hide",
    "post_reply",
    "post_restore",
    "post_unhide",
    "prepare_body",
    "reaction_toggle",
    "read_state_mark",
    "register_flaggable",
    "topic_accept_answer",
    "topic_create",
    "topic_create_with_poll",
    "topic_lock_set",
    "topic_move",
    "topic_pin_set",
    "topic_recount",
    "topic_slow_mode_set",
    "watch_auto",
    "watch_set",
]
