"""Managing the coach (rules on/off, thresholds, term lists) and recording what it found."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import metrics
from metrics.verbs import Verb
from portal.people.models import User
from portal.people.services.people import primary_cohort

from .. import permissions
from ..coach import RULES, Finding
from ..models import CoachRule, CoachTerm, Lesson


def coach_rule_update(
    *, actor: User, key: str, enabled: bool, threshold: int | None = None, lesson: Lesson | None = None
) -> CoachRule:
    """Switch a rule on or off, set its threshold and the lesson its findings link to."""
    if not permissions.can_manage_coach(actor):
        raise PermissionDenied("Only admins and L&D manage the coach.")
    rule = RULES.get(key)
    if rule is None:
        raise ValidationError("Unknown coach rule.")
    if threshold is not None and (rule.default_threshold is None or not 1 <= threshold <= 10_000):
        raise ValidationError(
            {
                "threshold": "This rule takes no threshold."
                if rule.default_threshold is None
                else "Choose a number from 1 to 10,000."
            }
        )
    with transaction.atomic():
        row, _ = CoachRule.objects.select_for_update().get_or_create(key=key)
        row.enabled, row.threshold, row.lesson = enabled, threshold, lesson
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save()
    return row


def coach_term_add(*, actor: User, list: str, term: str, note: str = "") -> CoachTerm:
    """Add a word or phrase to a list. The same term twice in one list (any case) is refused."""
    if not permissions.can_manage_coach(actor):
        raise PermissionDenied("Only admins and L&D manage the coach.")
    term = " ".join((term or "").split())
    if list not in CoachTerm.List.values:
        raise ValidationError({"list": "Choose a list."})
    if len(term) < 2:
        raise ValidationError({"term": "Enter a word or phrase of at least two characters."})
    if len(term) > 80:
        raise ValidationError({"term": "Keep terms under 80 characters."})
    if CoachTerm.objects.filter(list=list, term__iexact=term).exists():
        raise ValidationError({"term": f"“{term}” is already on this list."})
    try:
        with transaction.atomic():
            return CoachTerm.objects.create(list=list, term=term, note=(note or "").strip()[:200], created_by=actor)
    except IntegrityError:
        raise ValidationError({"term": f"“{term}” is already on this list."}) from None


def coach_term_delete(*, actor: User, term: CoachTerm) -> None:
    if not permissions.can_manage_coach(actor):
        raise PermissionDenied("Only admins and L&D manage the coach.")
    with transaction.atomic():
        term.delete()


def coach_findings_record(*, actor: User, findings: list[Finding], kind: str, overridden: bool = False) -> None:
    """Record that the coach showed findings (or that the writer posted anyway despite warnings).

    Guarantees: the activity names the rules and the kind of draft only — never the draft's text or
    the matched words. Nothing is recorded when there is nothing to record.
    """
    rules = sorted({f.rule for f in findings if not overridden or f.is_warn})
    if not rules:
        return
    with transaction.atomic():
        metrics.record(
            actor=actor,
            verb=Verb.COACH_OVERRIDDEN if overridden else Verb.COACH_FINDING,
            cohort=primary_cohort(actor),
            data={
                "rules": rules,
                "kind": kind,
                "severities": sorted({f.severity for f in findings if f.rule in rules}),
            },
        )
