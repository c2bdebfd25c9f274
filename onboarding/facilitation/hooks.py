"""Where facilitation plugs into other apps (connected in ``FacilitationConfig.ready``)."""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def welcome_new_board(*, board, actor) -> None:
    """Forums hook: a new cohort board opens with its welcome prompt.

    Runs inside the board's transaction, in a savepoint of its own: whatever goes wrong with the welcome
    prompt, the board is still created (and the facilitator can queue a prompt by hand).
    """
    from .services.welcome import welcome_prompt_for_board

    try:
        with transaction.atomic():
            welcome_prompt_for_board(board=board, actor=actor)
    except Exception:  # a welcome prompt must never stop a board being created
        log.exception("No welcome prompt for new board %s", board.pk)


def connect() -> None:
    from forums.services.boards import on_board_created

    on_board_created(welcome_new_board)
