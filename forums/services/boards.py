"""Creating, changing and ordering boards (facilitators for their cohorts, admins for the organisation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.text import slugify

import metrics
from metrics.verbs import Verb
from portal.people.models import Cohort, User

from .. import permissions
from ..models import Board, ModerationAction
from ._common import activity_cohort
from .audit import moderation_log

# Words the forum's own addresses use (/boards/latest/, /boards/search/, ...): never a board's slug.
RESERVED_SLUGS = {
    "latest",
    "search",
    "new-board",
    "review",
    "audit",
    "flag",
    "drafts",
    "attachments",
    "mentions",
    "t",
    "p",
    # issue 17 (feat)
    "saved",
    "muted",
    "people",
}


# Other apps react to a new board inside its transaction (facilitation gives a cohort board its welcome
# prompt). A hook is called as ``hook(board=board, actor=actor)``; register it in ``AppConfig.ready``.
_BOARD_CREATED_HOOKS: list[Callable[..., None]] = []


def on_board_created(hook: Callable[..., None]) -> None:
    """Register ``hook(board=, actor=)`` to run inside ``board_create``'s transaction (once per hook)."""
    if hook not in _BOARD_CREATED_HOOKS:
        _BOARD_CREATED_HOOKS.append(hook)


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:120] or "board"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Board.objects.filter(slug=slug).exclude(pk=cast(Any, exclude_pk)).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _clean(title: str, description: str, guidelines: str) -> tuple[str, str, str]:
    title = " ".join((title or "").split())
    if len(title) < 3:
        raise ValidationError({"title": "Give the board a name of at least 3 characters."})
    if len(title) > 120:
        raise ValidationError({"title": "Keep the board's name under 120 characters."})
    description = " ".join((description or "").split())
    if len(description) > 500:
        raise ValidationError({"description": "Keep the description under 500 characters."})
    guidelines = (guidelines or "").strip()
    if len(guidelines) > 4000:
        raise ValidationError({"guidelines": "Keep the guidelines under 4,000 characters."})
    return title, description, guidelines


def board_create(
    *, actor: User, cohort: Cohort | None, title: str, description: str = "", guidelines: str = ""
) -> Board:
    """Create a board at the end of its cohort's (or the organisation's) list; logged and recorded."""
    if not permissions.can_manage_boards(actor, cohort.pk if cohort else None):
        raise PermissionDenied("You cannot create boards here.")
    title, description, guidelines = _clean(title, description, guidelines)
    with transaction.atomic():
        siblings = Board.objects.filter(cohort=cohort)
        position = (siblings.aggregate(m=Max("position"))["m"] or 0) + 1
        board = Board.objects.create(
            cohort=cohort,
            title=title,
            slug=_unique_slug(title),
            description=description,
            guidelines=guidelines,
            position=position,
            created_by=actor,
        )
        moderation_log(
            actor=actor,
            action=ModerationAction.Action.BOARD_CREATE,
            target=board,
            cohort=cohort,
            summary=f"Board “{board.title}”",
            url=board.get_absolute_url(),
        )
        metrics.record(
            actor=actor,
            verb=Verb.MODERATED,
            target=board,
            cohort=activity_cohort(board, actor),
            data={"action": "board_create"},
        )
        for hook in _BOARD_CREATED_HOOKS:
            hook(board=board, actor=actor)
    return board


def board_update(*, actor: User, board: Board, title: str, description: str = "", guidelines: str = "") -> Board:
    """Change a board's name, description or guidelines; the address (slug) stays stable."""
    if not permissions.can_manage_boards(actor, board.cohort_id):
        raise PermissionDenied("You cannot change this board.")
    title, description, guidelines = _clean(title, description, guidelines)
    with transaction.atomic():
        board = Board.objects.select_for_update().get(pk=board.pk)
        changed = [
            name
            for name, value in (("title", title), ("description", description), ("guidelines", guidelines))
            if getattr(board, name) != value
        ]
        if not changed:
            return board
        board.title, board.description, board.guidelines = title, description, guidelines
        board.save(update_fields=changed)
        moderation_log(
            actor=actor,
            action=ModerationAction.Action.BOARD_UPDATE,
            target=board,
            cohort=board.cohort,
            summary=f"Board “{board.title}”",
            url=board.get_absolute_url(),
            data={"changed": changed},
        )
        metrics.record(
            actor=actor,
            verb=Verb.MODERATED,
            target=board,
            cohort=activity_cohort(board, actor),
            data={"action": "board_update"},
        )
    return board


def board_move(*, actor: User, board: Board, direction: str) -> Board:
    """Move a board one place up or down among its cohort's (or the organisation's) boards."""
    if not permissions.can_manage_boards(actor, board.cohort_id):
        raise PermissionDenied("You cannot reorder these boards.")
    if direction not in ("up", "down"):
        raise ValidationError("Move a board up or down.")
    with transaction.atomic():
        scope = Q(cohort__isnull=True) if board.cohort_id is None else Q(cohort_id=board.cohort_id)
        siblings = list(Board.objects.select_for_update().filter(scope).order_by("position", "title", "pk"))
        index = next(i for i, b in enumerate(siblings) if b.pk == board.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(siblings):
            return board
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings, start=1):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
        moved = siblings[other]
        moderation_log(
            actor=actor,
            action=ModerationAction.Action.BOARD_MOVE,
            target=moved,
            cohort=moved.cohort,
            summary=f"Board “{moved.title}”",
            url=moved.get_absolute_url(),
            data={"direction": direction, "position": other + 1},
        )
        metrics.record(
            actor=actor,
            verb=Verb.MODERATED,
            target=moved,
            cohort=activity_cohort(moved, actor),
            data={"action": "board_move"},
        )
    return moved
