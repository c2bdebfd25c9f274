"""The coach: checks a draft (topic, reply, blog entry or comment) and explains what it finds.

``check_draft`` is pure reading: it stores nothing and never sees the database except for the rule
settings, the term lists and (for names) the people directory. Recording findings and "post anyway"
choices is ``onboarding.services.coach.coach_findings_record`` / ``onboarding.gate``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from .rules import KINDS, RULES, Context, Finding, Rule, Severity
from .text import read_draft

__all__ = ["KINDS", "RULES", "Finding", "Severity", "check_draft", "load_config"]


@dataclass
class RuleConfig:
    rule: Rule
    enabled: bool
    threshold: int | None
    lesson_url: str
    lesson_title: str
    terms: list[tuple[str, str]]


def load_config() -> dict[str, RuleConfig]:
    """Rule settings and term lists from the portal (two queries). Rules without a row are on."""
    from ..models import CoachRule, CoachTerm

    rows = {r.key: r for r in CoachRule.objects.select_related("lesson")}
    terms: dict[str, list[tuple[str, str]]] = {}
    for term in CoachTerm.objects.all():
        terms.setdefault(term.list, []).append((term.term, term.note))
    config = {}
    for key, rule in RULES.items():
        row = rows.get(key)
        lesson = row.lesson if row is not None else None
        config[key] = RuleConfig(
            rule=rule,
            enabled=row.enabled if row is not None else True,
            threshold=(row.threshold if row is not None and row.threshold else None) or rule.default_threshold,
            lesson_url=reverse("onboarding:lesson-detail", args=[lesson.slug]) if lesson else "",
            lesson_title=lesson.title if lesson else "",
            terms=terms.get(rule.term_list, []) if rule.term_list else [],
        )
    return config


def _people_lookup(actor):
    def lookup(candidates: list[str], mentioned_ids: set[int]) -> list[str]:
        from portal.people.models import Profile

        qs = Profile.objects.filter(display_name__in=candidates, user__is_active=True)
        if actor is not None and getattr(actor, "pk", None):
            qs = qs.exclude(user_id=actor.pk)
        if mentioned_ids:
            qs = qs.exclude(user_id__in=mentioned_ids)
        found = set(qs.values_list("display_name", flat=True))
        return [c for c in candidates if c in found]

    return lookup


def check_draft(*, actor, html: str, kind: str, board=None, is_first_post: bool = False) -> list[Finding]:
    """Findings for a draft, most serious first (block, then warn, then tip). Switched-off rules stay silent.

    ``kind`` is one of "topic", "reply", "entry", "comment". ``board`` (a forum board) and
    ``is_first_post`` let the welcome-board greeting tip apply.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown draft kind {kind!r}; expected one of {KINDS}.")
    draft = read_draft(html)
    if not draft.paragraphs:
        return []
    findings: list[Finding] = []
    for key, cfg in load_config().items():
        if not cfg.enabled:
            continue
        ctx = Context(
            actor=actor,
            kind=kind,
            board=board,
            is_first_post=is_first_post,
            threshold=cfg.threshold,
            terms=cfg.terms,
            people_lookup=_people_lookup(actor),
        )
        for message, excerpts in cfg.rule.check(draft, ctx):
            findings.append(
                Finding(
                    rule=key,
                    severity=cfg.rule.severity,
                    title=cfg.rule.title,
                    message=message,
                    excerpts=excerpts,
                    lesson_url=cfg.lesson_url,
                    lesson_title=cfg.lesson_title,
                )
            )
    findings.sort(key=lambda f: Severity.ORDER[f.severity])
    return findings
