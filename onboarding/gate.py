"""Onboarding's checks in portal's publishing pipeline: the social media policy and the writing coach.

Forums and blogs never import this module: they call ``portal.content.pipeline.publish_check`` before
they write, and ``OnboardingConfig.ready`` registers ``policy_check`` and ``coach_check`` there
(names ``onboarding.policy`` and ``onboarding.coach``; either can be switched off with
``CONTENT_CHECKS_DISABLED``). The pipeline raises ``PublishRefused`` (a ``ValidationError``) when:
- the writer has not acknowledged the current social media policy (``code="policy"``);
- the coach finds a banned term (``code="coach_block"``): this can never be posted;
- the coach has warnings and the writer did not tick "post anyway" (``code="coach_warn"``).
Refusals and "post anyway" choices are recorded as activity (rules only, never the text).

Views: catch ``pipeline.PublishRefused`` and call ``pipeline.apply_to_form(form, exc)``, then render the composer again
with ``{% include "onboarding/partials/coach_submit.html" %}`` inside the form (it shows the
findings, a link to the policy, and the "post anyway" checkbox when a warning needs confirming).
The draft is untouched: the form is re-rendered with what was typed.
"""

from __future__ import annotations

from django.urls import reverse

from metrics.api import has_done
from metrics.verbs import Verb
from portal.content import pipeline

from .coach import Finding, check_draft
from .selectors.policy import has_acknowledged_current
from .services.coach import coach_findings_record

POST_ANYWAY_FIELD = "post_anyway"


class PublishRefused(pipeline.PublishRefused):
    """A refusal by the policy or the coach; sets the coach partials' attributes on the composer's form."""

    def __init__(self, message: str, *, code: str, findings: list[Finding] | None = None):
        super().__init__(
            message,
            code=code,
            findings=findings,
            form_attrs={
                "coach_findings": findings or [],
                "coach_reason": code,
                "coach_needs_confirmation": code == "coach_warn",
                "coach_policy_required": code == "policy",
            },
        )

    @property
    def policy_url(self) -> str:
        return reverse("onboarding:policy")


def is_first_post(actor) -> bool:
    return not has_done(actor=actor, verbs=[Verb.TOPIC_CREATED, Verb.POST_CREATED])


def check_policy(actor) -> None:
    """Refuse anyone who has not acknowledged the current (major) version of the policy."""
    if not has_acknowledged_current(actor):
        raise PublishRefused(
            "Before you post, please read and acknowledge the social media policy.",
            code="policy",
        )


def check_publish(
    *,
    actor,
    html: str,
    kind: str,
    post_anyway: bool = False,
    board=None,
    is_first: bool | None = None,
) -> list[Finding]:
    """Let a draft through or refuse it (see the module docstring). Returns the findings that remain (tips,
    and warnings the writer chose to post anyway) so the caller may show them after posting."""
    check_policy(actor)
    return check_coach(actor=actor, html=html, kind=kind, post_anyway=post_anyway, board=board, is_first=is_first)


def check_coach(*, actor, html: str, kind: str, post_anyway: bool = False, board=None, is_first=None) -> list[Finding]:
    """The coach's part of the gate: blocks refuse, warnings refuse unless the writer ticked "post anyway"."""
    if is_first is None:
        is_first = kind in ("topic", "reply") and is_first_post(actor)
    findings = check_draft(actor=actor, html=html, kind=kind, board=board, is_first_post=is_first)
    blocks = [f for f in findings if f.is_block]
    warns = [f for f in findings if f.is_warn]
    if blocks:
        coach_findings_record(actor=actor, findings=findings, kind=kind)
        words = ", ".join(f"“{e}”" for f in blocks for e in f.excerpts)
        raise PublishRefused(
            f"This cannot be posted: it contains {words}, which may not appear in posts. Remove it and try again.",
            code="coach_block",
            findings=findings,
        )
    if warns and not post_anyway:
        coach_findings_record(actor=actor, findings=findings, kind=kind)
        raise PublishRefused(
            "The coach has a question about this draft. Check the points below, edit the draft, or tick "
            "“Post anyway” if you are sure it is fine to share.",
            code="coach_warn",
            findings=findings,
        )
    if warns and post_anyway:
        coach_findings_record(actor=actor, findings=warns, kind=kind, overridden=True)
    return findings


def policy_check(draft: pipeline.Draft) -> list:
    """Pipeline check ``onboarding.policy``."""
    check_policy(draft.actor)
    return []


def coach_check(draft: pipeline.Draft) -> list:
    """Pipeline check ``onboarding.coach``."""
    return check_coach(
        actor=draft.actor,
        html=draft.html,
        kind=draft.kind,
        post_anyway=draft.post_anyway,
        board=draft.board,
        is_first=draft.is_first,
    )


def register() -> None:
    """Called by ``OnboardingConfig.ready``: the policy first, then the coach."""
    pipeline.register_check("onboarding.policy", policy_check, order=10)
    pipeline.register_check("onboarding.coach", coach_check, order=20)


apply_to_form = pipeline.apply_to_form
