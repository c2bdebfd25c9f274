"""The prompt library: installing the shipped prompts, saving facilitators' own, removing them."""

from __future__ import annotations

from datetime import time
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

import metrics
from metrics.verbs import Verb
from portal.people.models import User
from portal.people.services.people import primary_cohort
from portal.richtext import sanitize

from .. import permissions
from ..library import SHIPPED_PROMPTS
from ..models import PromptCategory, PromptTemplate, ScheduledPrompt
from ._common import clean_body, clean_kind, clean_title
from .prompts import MAX_OFFSET_DAYS


def library_install(apps=None) -> int:
    """Create the shipped prompts that do not exist yet (by key); never overwrites or revives edited or
    removed ones. Returns how many were created. ``apps`` is the migration's app registry, if any."""
    model = apps.get_model("facilitation", "PromptTemplate") if apps is not None else PromptTemplate
    existing = set(model.objects.filter(key__isnull=False).values_list("key", flat=True))
    now = timezone.now()
    rows = [
        model(
            key=data["key"],
            title=data["title"],
            body=sanitize(data["body"]),
            kind=data["kind"],
            category=data["category"],
            suggested_offset_days=data["offset_days"],
            suggested_time=data["time"],
            created_at=now,
            updated_at=now,
        )
        for data in SHIPPED_PROMPTS
        if data["key"] not in existing
    ]
    model.objects.bulk_create(rows)
    return len(rows)


def _clean_timing(offset_days: int, at_time: time | None) -> tuple[int, time | None]:
    try:
        offset_days = int(offset_days)
    except (TypeError, ValueError):
        raise ValidationError({"offset_days": "Give a whole number of days."}) from None
    if not -MAX_OFFSET_DAYS <= offset_days <= MAX_OFFSET_DAYS:
        raise ValidationError({"offset_days": f"Choose up to {MAX_OFFSET_DAYS} days before or after."})
    return offset_days, at_time


def template_save(
    *,
    actor: User,
    title: str,
    body: str,
    kind: str,
    category: str,
    offset_days: int = -2,
    at_time: time | None = None,
    template: PromptTemplate | None = None,
) -> PromptTemplate:
    """Add a prompt to the library (``template`` None) or change one of your own.

    Guarantees: facilitators and admins only; shipped prompts are never changed (save a copy instead);
    another facilitator's prompt only by an admin; text validated and sanitised; recorded.
    """
    if not permissions.can_use_library(actor):
        raise PermissionDenied("Only facilitators and admins keep prompts in the library.")
    if template is not None and not permissions.can_edit_template(actor, template):
        raise PermissionDenied("You can change only prompts you saved yourself.")
    if category not in PromptCategory.values:
        raise ValidationError({"category": "Choose a category."})
    title, body, kind = clean_title(title), clean_body(body), clean_kind(kind)
    offset_days, at_time = _clean_timing(offset_days, at_time)
    with transaction.atomic():
        now = timezone.now()
        if template is None:
            template = PromptTemplate(owner=actor, created_at=now)
        template.title, template.body, template.kind, template.category = title, body, kind, category
        template.suggested_offset_days, template.suggested_time = offset_days, at_time
        template.updated_at = now
        template.save()
        metrics.record(
            actor=actor,
            verb=Verb.PROMPT_TEMPLATE_SAVED,
            target=template,
            cohort=primary_cohort(actor),
            data={"category": category},
        )
    return template


def template_from_prompt(*, actor: User, prompt: ScheduledPrompt) -> PromptTemplate:
    """Keep a scheduled prompt in the library for next time (its timing becomes the suggested one)."""
    if not permissions.can_facilitate(actor, prompt.cohort_id):
        raise PermissionDenied("Only this cohort's facilitators may do that.")
    relative = prompt.session_id is not None
    return template_save(
        actor=actor,
        title=prompt.title,
        body=prompt.body,
        kind=prompt.kind,
        category=cast(PromptTemplate, prompt.source).category if prompt.source_id else PromptCategory.OPEN,
        offset_days=prompt.offset_days if relative else -2,
        at_time=prompt.at_time if relative else None,
    )


def template_archive(*, actor: User, template: PromptTemplate) -> PromptTemplate:
    """Remove a saved prompt from the library (prompts already cloned from it are untouched)."""
    if not permissions.can_edit_template(actor, template):
        raise PermissionDenied("You can remove only prompts you saved yourself.")
    with transaction.atomic():
        PromptTemplate.objects.filter(pk=template.pk, archived_at__isnull=True).update(archived_at=timezone.now())
        template.refresh_from_db()
        metrics.record(
            actor=actor,
            verb=Verb.PROMPT_TEMPLATE_SAVED,
            target=template,
            cohort=primary_cohort(actor),
            data={"archived": True},
        )
    return template
