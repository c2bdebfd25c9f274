"""The publish gate other apps call before they write a topic, reply, blog entry or comment.

    from onboarding import gate
    gate.check_publish(actor=actor, html=body, kind="reply", post_anyway=post_anyway, board=board)

Call it in the service *before* opening the write transaction. It raises ``PublishRefused`` (a
``ValidationError``) when:
- the writer has not acknowledged the current social media policy (``code="policy"``);
- the coach finds a banned term (``code="coach_block"``): this can never be posted;
- the coach has warnings and the writer did not tick "post anyway" (``code="coach_warn"``).
Refusals and "post anyway" choices are recorded as activity (rules only, never the text).

Views: catch the error and call ``gate.apply_to_form(form, exc)``, then render the composer again
with ``{% include "onboarding/partials/coach_submit.html" %}`` inside the form (it shows the
findings, a link to the policy, and the "post anyway" checkbox when a warning needs confirming).
The draft is untouched: the form is re-rendered with what was typed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from metrics.models import Activity
from metrics.verbs import Verb

from .coach import Finding, check_draft
from .selectors.policy import has_acknowledged_current
from .services.coach import coach_findings_record

POST_ANYWAY_FIELD = "post_anyway"


class PublishRefused(ValidationError):
    def __init__(self, message: str, *, code: str, findings: list[Finding] | None = None):
        super().__init__(message, code=code)
        self.reason = code
        self.findings = findings or []

    @property
    def policy_url(self) -> str:
        return reverse("onboarding:policy")


def is_first_post(actor) -> bool:
    return not Activity.objects.filter(actor=actor, verb__in=[Verb.TOPIC_CREATED, Verb.POST_CREATED]).exists()


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


def apply_to_form(form, exc: PublishRefused, field: str | None = None) -> None:
    """Put a refusal on a bound form so the composer shows it with the draft preserved."""
    form.add_error(field, exc.messages[0])
    form.coach_findings = exc.findings
    form.coach_reason = exc.reason
    form.coach_needs_confirmation = exc.reason == "coach_warn"
    form.coach_policy_required = exc.reason == "policy"
