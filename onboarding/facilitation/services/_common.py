"""What facilitation writes share: cleaning titles and bodies, the cohort's time zone, permission checks."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import escape, linebreaks

from portal.people.models import Cohort, User
from portal.richtext import plain_text, sanitize

from .. import permissions
from ..models import TITLE_MAX_LENGTH, TopicKind


def require_facilitator(actor: User, cohort: Cohort | int) -> None:
    if not permissions.can_facilitate(actor, cohort):
        raise PermissionDenied("Only this cohort's facilitators and admins may do that.")


def clean_title(title: str, *, field: str = "title", max_length: int = TITLE_MAX_LENGTH) -> str:
    title = " ".join((title or "").split())
    if len(title) < 5:
        raise ValidationError({field: "Give it a title of at least 5 characters."}, code="short")
    if len(title) > max_length:
        raise ValidationError(
            {field: f"Keep the title under {max_length} characters (it has {len(title)})."}, code="long"
        )
    return title


def clean_body(raw: str, *, field: str = "body") -> str:
    """Sanitised HTML that has visible text and fits in a post. Plain text (no editor) becomes paragraphs."""
    raw = raw or ""
    if raw.strip() and not raw.lstrip().startswith("<"):
        raw = linebreaks(escape(raw.strip()))
    html = sanitize(raw)
    text = plain_text(html)
    if not text and "<img" not in html:
        raise ValidationError({field: "Write something: the text is empty."}, code="empty")
    limit = settings.FORUM_POST_MAX_CHARS
    if len(text) > limit:
        raise ValidationError({field: f"This is {len(text):,} characters long; keep it under {limit:,}."}, code="long")
    return html


def clean_kind(kind: str) -> str:
    if kind not in TopicKind.values:
        raise ValidationError({"kind": "Choose a discussion or a question."})
    return kind


def clean_plain(text: str, *, field: str, max_length: int, required: bool = False) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: "Write something: the text is empty."}, code="empty")
    if len(text) > max_length:
        raise ValidationError({field: f"Keep it under {max_length:,} characters (it has {len(text):,})."})
    return text
