"""Reading, watching and drafts: per-person state that is not content.

These writes record no activity: reading positions, watch toggles and autosaved drafts happen every
few seconds and would drown the adoption log in housekeeping (the log counts what people publish).
"""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.people.models import User
from portal.richtext import plain_text, sanitize

from .. import permissions
from ..models import Board, Draft, Post, ReadState, Topic, Watch
from ._common import RAW_HTML_FACTOR, max_chars


def read_state_mark(*, user: User, topic: Topic, number: int) -> None:
    """Remember that ``user`` has read ``topic`` up to post ``number``; never moves backwards."""
    if not getattr(user, "is_authenticated", False) or number <= 0:
        return
    now = timezone.now()
    updated = ReadState.objects.filter(user=user, topic=topic, last_read_number__lt=number).update(
        last_read_number=number, updated_at=now
    )
    if updated:
        return
    try:
        with transaction.atomic():
            ReadState.objects.get_or_create(
                user=user, topic=topic, defaults={"last_read_number": number, "updated_at": now}
            )
    except IntegrityError:  # another tab created it a moment ago
        ReadState.objects.filter(user=user, topic=topic, last_read_number__lt=number).update(
            last_read_number=number, updated_at=now
        )


def watch_auto(*, user: User, topic: Topic) -> None:
    """Watch a topic one writes in, unless one explicitly stopped watching it before."""
    Watch.objects.get_or_create(user=user, topic=topic, defaults={"watching": True})


def watch_set(*, user: User, watching: bool, board: Board | None = None, topic: Topic | None = None) -> Watch:
    """Start or stop watching a board (new topics) or a topic (new replies)."""
    if (board is None) == (topic is None):
        raise ValueError("Watch either a board or a topic.")
    visible_board = board if board is not None else cast(Topic, topic).board
    if not permissions.can_view_board(user, visible_board):
        raise PermissionDenied("You cannot see this board.")
    with transaction.atomic():
        watch, _ = Watch.objects.update_or_create(user=user, board=board, topic=topic, defaults={"watching": watching})
    return watch


def draft_save(
    *,
    user: User,
    board: Board,
    topic: Topic | None = None,
    title: str = "",
    body: str = "",
    kind: str = Topic.Kind.DISCUSSION,
    writer: str = "",
    seq: int | None = None,
    client_key: str = "",
) -> Draft | None:
    """Keep what someone is writing so it survives a closed tab; an empty composer deletes the draft.

    Guarantees: the body is sanitised before it is stored (a restored draft is safe to show in the
    editor); one draft per person per board (new topic) or per topic (reply). ``writer`` names one open
    composer and ``seq`` counts its edits: a save that arrives after a newer one from the same composer
    changes nothing (an autosave overtaken by the save made as the page was left). Saves from different
    composers (two tabs) follow each other: the last one wins. A save from a composer whose post is already
    written (its one-time ``client_key`` is on the topic or reply) keeps nothing: it was on its way as the
    post was sent, and would bring the posted text back as a draft.
    """
    if not permissions.can_post_in_board(user, board) or (topic is not None and topic.board_id != board.pk):
        raise PermissionDenied("You cannot write here.")
    if len(body or "") > max_chars() * RAW_HTML_FACTOR:
        raise ValidationError("This draft is too long to save.")
    body = sanitize(body or "")
    title = " ".join((title or "").split())[:150]
    if kind not in Topic.Kind.values:
        kind = Topic.Kind.DISCUSSION
    writer = writer[:32] if seq is not None else ""
    if client_key:
        written = Post if topic is not None else Topic  # a reply, or a new topic
        if written._default_manager.filter(author=user, client_key=client_key[:64]).exists():
            return None
    with transaction.atomic():
        current = Draft.objects.select_for_update().filter(user=user, board=board, topic=topic).first()
        if current is not None and writer and current.writer == writer and (seq or 0) <= current.seq:
            return current
        if not plain_text(body) and "<img" not in body and not title:
            draft_discard(user=user, board=board, topic=topic)
            return None
        draft, _ = Draft.objects.update_or_create(
            user=user,
            board=board,
            topic=topic,
            defaults={
                "title": title,
                "body": body,
                "kind": kind,
                "updated_at": timezone.now(),
                "writer": writer,
                "seq": seq or 0,
            },
        )
    return draft


def draft_discard(*, user: User, board: Board, topic: Topic | None) -> None:
    """Forget a draft (after it was posted, or when its author throws it away)."""
    Draft.objects.filter(user=user, board=board, topic=topic).delete()
