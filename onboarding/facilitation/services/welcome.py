"""Never a blank board: a new cohort board opens with a welcome prompt."""

from __future__ import annotations

import logging
from typing import cast

from django.db import transaction

from forums.models import Board
from portal.people.models import Cohort, User

from .. import selectors
from ..library import WELCOME_KEY
from ..models import PromptTemplate, ScheduledPrompt
from .prompts import prompt_clone
from .release import ReleaseError, prompt_release

log = logging.getLogger(__name__)


def welcome_prompt_for_board(*, board: Board, actor: User) -> ScheduledPrompt | None:
    """Give a new cohort board its welcome prompt, released straight away as the board's first topic.

    Called by the forums when a board is created (see ``hooks``), inside the board's transaction: the
    board and its welcome topic commit together. Does nothing for organisation-wide boards, when the
    cohort switched welcome prompts off, when the board already has one, or when the shipped welcome
    prompt was removed from the library. If the welcome cannot be posted now, it stays queued for the
    release job and the board is still created.
    """
    if board.cohort_id is None or not selectors.cohort_settings(cast(Cohort, board.cohort)).welcome_prompt:
        return None
    if ScheduledPrompt.objects.filter(board=board, is_welcome=True).exists():
        return None
    template = PromptTemplate.objects.filter(key=WELCOME_KEY, archived_at__isnull=True).first()
    if template is None:
        return None
    prompt = prompt_clone(
        actor=actor, template=template, cohort=cast(Cohort, board.cohort), board=board, is_welcome=True
    )
    try:
        with transaction.atomic():
            prompt_release(prompt_id=prompt.pk)
    except ReleaseError as error:
        # Still in the schedule: it goes out by hand or when the board has been quiet; the board panel shows it.
        log.info("The welcome prompt of board %s stays queued: %s", board.pk, error.message)
    prompt.refresh_from_db()
    return prompt
