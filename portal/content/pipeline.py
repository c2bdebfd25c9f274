"""The publishing pipeline: checks any app can register, run before a topic, reply, entry or comment is written.

Forums and blogs call ``publish_check`` in their services *before* the write transaction, and
``apply_to_form`` in their views when it refuses; they know nothing of who registered what. The
onboarding app registers its policy check and the writing coach here in ``AppConfig.ready``, so the
arrows point one way (onboarding -> portal <- forums/blogs) and a check can be switched off by
configuration (``CONTENT_CHECKS_DISABLED``) or by not installing the app that registers it.

    from portal.content import pipeline
    findings = pipeline.publish_check(actor=actor, html=body, kind="reply", post_anyway=post_anyway, board=board)

A check is ``check(draft: Draft) -> list`` of findings to show after posting (tips, warnings the writer
chose to post anyway); it refuses by raising ``PublishRefused``. Checks run in ``order``; the first
refusal stops the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError

DraftKind = Literal["topic", "reply", "entry", "comment"]


@dataclass(frozen=True)
class Draft:
    """What is about to be published. ``board`` is the forum board for topics and replies, else None."""

    actor: Any
    html: str
    kind: DraftKind
    post_anyway: bool = False
    board: Any = None
    is_first: bool | None = None


class PublishRefused(ValidationError):
    """A check said no. ``form_attrs`` are set on the composer's form so its partials can explain why."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        findings: list | None = None,
        form_attrs: dict[str, Any] | None = None,
    ):
        super().__init__(message, code=code)
        self.reason = code
        self.findings = findings or []
        self.form_attrs = form_attrs or {}


PublishCheck = Callable[[Draft], list]


@dataclass(frozen=True)
class _Registered:
    name: str
    check: PublishCheck
    order: int


_checks: dict[str, _Registered] = {}


def register_check(name: str, check: PublishCheck, *, order: int = 100) -> None:
    """Add (or replace) the check called ``name``. Lower ``order`` runs first."""
    _checks[name] = _Registered(name=name, check=check, order=order)


def unregister_check(name: str) -> None:
    _checks.pop(name, None)


def registered_checks() -> list[str]:
    """The names of the checks that will run, in order (disabled ones left out)."""
    disabled = set(getattr(settings, "CONTENT_CHECKS_DISABLED", ()))
    return [r.name for r in sorted(_checks.values(), key=lambda r: (r.order, r.name)) if r.name not in disabled]


def publish_check(
    *,
    actor: Any,
    html: str,
    kind: DraftKind,
    post_anyway: bool = False,
    board: Any = None,
    is_first: bool | None = None,
) -> list:
    """Let a draft through or refuse it.

    Guarantees: every enabled check runs in order until one raises ``PublishRefused`` (a
    ``ValidationError``), which propagates unchanged; nothing is written by the pipeline itself;
    returns the findings every check left for the writer (may be empty).
    """
    draft = Draft(actor=actor, html=html or "", kind=kind, post_anyway=post_anyway, board=board, is_first=is_first)
    findings: list = []
    for name in registered_checks():
        findings += _checks[name].check(draft)
    return findings


def apply_to_form(form, exc: PublishRefused, field: str | None = None) -> None:
    """Put a refusal on a bound form so the composer shows it with the draft preserved."""
    form.add_error(field, exc.messages[0])
    form.publish_refusal = exc
    for attr, value in exc.form_attrs.items():
        setattr(form, attr, value)
