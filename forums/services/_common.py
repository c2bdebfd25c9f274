"""What every forum write shares: preparing a body, attributing activity, the double-submit signal."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.urls import reverse
from django.utils.html import escape, linebreaks

from portal.mentions import link_mentions
from portal.people.models import Cohort, User
from portal.people.services.people import primary_cohort
from portal.richtext import sanitize

from ..models import Attachment, Board, Topic
from ..text import readable_text

# Anything much longer than the visible limit is refused before the sanitiser spends time on it.
RAW_HTML_FACTOR = 8
_IMG = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>')
_SRC = re.compile(r'\ssrc="([^"]*)"')


class DuplicateSubmission(Exception):
    """The same composer was submitted twice: ``existing`` is what the first submit created."""

    def __init__(self, existing):
        super().__init__("Already posted.")
        self.existing = existing


def duplicate_check(*, model: type[models.Model], actor: User, client_key: str, now: datetime, **same) -> None:
    """The one double-submit guard for forum writes (topics, replies), run inside the write's transaction.

    Raises ``DuplicateSubmission`` with what the first submit created when this person already used
    ``client_key`` (the composer's one-time key), or wrote a row matching ``same`` (same text in the same
    topic, same title on the same board) within FORUM_DUPLICATE_WINDOW_SECONDS.
    """
    mine = model._default_manager.filter(author=actor)
    existing = mine.filter(client_key=client_key).first() if client_key else None
    if existing is None:
        window = now - timedelta(seconds=settings.FORUM_DUPLICATE_WINDOW_SECONDS)
        existing = mine.filter(created_at__gte=window, **same).first()
    if existing is not None:
        raise DuplicateSubmission(existing)


@contextmanager
def duplicate_guard(*, model: type[models.Model], actor: User, client_key: str) -> Iterator[None]:
    """Wrap the write's ``transaction.atomic()``: two submits that raced past ``duplicate_check`` meet the
    unique (author, client_key) constraint; the loser's IntegrityError becomes ``DuplicateSubmission``."""
    try:
        yield
    except IntegrityError:
        existing = model._default_manager.filter(author=actor, client_key=client_key).first() if client_key else None
        if existing is None:
            raise
        raise DuplicateSubmission(existing) from None


@dataclass
class PreparedBody:
    html: str
    text: str
    mention_ids: list[int] = field(default_factory=list)
    attachment_ids: list[int] = field(default_factory=list)
    quoted: list[tuple[int, int]] = field(default_factory=list)  # (post id, revision number)


def activity_cohort(board: Board, actor: User | None) -> Cohort | None:
    """The cohort an activity on ``board`` counts for: the board's, or the actor's own on org-wide boards."""
    if board.cohort_id is not None:
        return board.cohort
    return primary_cohort(actor) if actor is not None else None


def topic_cohort(topic: Topic) -> Cohort | None:
    return activity_cohort(topic.board, topic.author)


def max_chars() -> int:
    return settings.FORUM_POST_MAX_CHARS


def quote_pattern() -> re.Pattern:
    sample = reverse("forums:post-history", args=[987654321])
    head, _, tail = sample.partition("987654321")
    return re.compile(r'href="(?:https?://[^/"]+)?' + re.escape(head) + r"(\d+)" + re.escape(tail) + r'#rev-(\d+)"')


def prepare_body(raw: str, *, author: User, field_name: str = "body") -> PreparedBody:
    """Sanitise composer input and link mentions; raise ValidationError for empty or over-long text.

    Text that does not start with a tag (the composer without JavaScript) is escaped and becomes
    paragraphs. Images survive only when they are attachments the portal stored (``portal.images``
    verified and re-encoded them).
    """
    raw = raw or ""
    limit = max_chars()
    if len(raw) > limit * RAW_HTML_FACTOR:
        raise ValidationError({field_name: f"This is far longer than the {limit:,} characters a post may have."})
    if not raw.lstrip().startswith("<"):
        # The editor always sends HTML that starts with a block tag; anything else was typed without it.
        raw = linebreaks(escape(raw.strip()))
    html = _keep_stored_images(sanitize(raw))
    mentions = link_mentions(html)
    html = sanitize(mentions.html)
    text = readable_text(html)  # what a reader sees, a line per block: for length, search, excerpts
    if not text and "<img" not in html:
        raise ValidationError({field_name: "Write something before posting: the text is empty."}, code="empty")
    if len(text) > limit:
        message = f"This is {len(text):,} characters long; a post may have at most {limit:,}. Shorten it a little."
        raise ValidationError({field_name: message}, code="too_long")
    quoted = [(int(post_id), int(rev)) for post_id, rev in quote_pattern().findall(html)]
    attachment_ids = _attachment_ids(html)
    return PreparedBody(
        html=html, text=text, mention_ids=mentions.user_ids, attachment_ids=attachment_ids, quoted=quoted
    )


def _media_name(src: str) -> str | None:
    prefix = settings.MEDIA_URL
    return src[len(prefix) :] if src.startswith(prefix) else None


def _keep_stored_images(html: str) -> str:
    """Drop <img> tags whose source is not a forum attachment (sanitize already limits src to /media/)."""
    if "<img" not in html:
        return html
    names = {name for tag in _IMG.findall(html) if (m := _SRC.search(tag)) and (name := _media_name(m.group(1)))}
    stored = set(Attachment.objects.filter(image__in=names).values_list("image", flat=True))

    def keep(match: re.Match) -> str:
        src = _SRC.search(match.group(0))
        name = _media_name(src.group(1)) if src else None
        return match.group(0) if name in stored else ""

    return _IMG.sub(keep, html)


def _attachment_ids(html: str) -> list[int]:
    if "<img" not in html:
        return []
    names = {name for tag in _IMG.findall(html) if (m := _SRC.search(tag)) and (name := _media_name(m.group(1)))}
    return list(Attachment.objects.filter(image__in=names).values_list("pk", flat=True))


def clean_title(title: str) -> str:
    from ..models import TITLE_MAX_LENGTH

    title = " ".join((title or "").split())
    if len(title) < 5:
        raise ValidationError({"title": "Give the topic a title of at least 5 characters."}, code="short")
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {"title": f"Keep the title under {TITLE_MAX_LENGTH} characters (it has {len(title)})."}, code="long"
        )
    return title
