"""Thin views: parse, check permission, call a service or selector, render. One module per area."""

from .boards import board_create, board_detail, board_edit, board_move, board_watch, index, latest
from .misc import attachment_upload, draft_discard, draft_save, mention_autocomplete, search
from .moderation import audit_log, flag_create, review_queue, review_resolve
from .posts import post_accept, post_delete, post_edit, post_hide, post_history, post_react, post_restore, post_unhide
from .topics import (
    post_detail,
    post_quote,
    topic_create,
    topic_detail,
    topic_moderate,
    topic_move,
    topic_reply,
    topic_unread,
    topic_watch,
)

__all__ = [
    "attachment_upload",
    "audit_log",
    "board_create",
    "board_detail",
    "board_edit",
    "board_move",
    "board_watch",
    "draft_discard",
    "draft_save",
    "flag_create",
    "index",
    "latest",
    "mention_autocomplete",
    "post_accept",
    "post_delete",
    "post_detail",
    "post_edit",
    "post_hide",
    "post_history",
    "post_quote",
    "post_react",
    "post_restore",
    "post_unhide",
    "review_queue",
    "review_resolve",
    "search",
    "topic_create",
    "topic_detail",
    "topic_moderate",
    "topic_move",
    "topic_reply",
    "topic_unread",
    "topic_watch",
]
