"""Adoption metrics. Other apps use only this public API: ``record`` and ``Verb`` (and ``metrics.api``'s
activity selectors and record hooks), plus ``actor_memo`` for seeding.

``record`` has the real, keyword-only signature of ``metrics.services.record`` (so type checkers and
editors see it); it imports the service lazily because this package is imported before Django's
models are ready.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db import models

    from portal.people.models import Cohort, User

    from .models import Activity
    from .payloads import Payload
    from .verbs import Verb


def record(
    *,
    actor: User,
    verb: Verb | str,
    target: models.Model | None = None,
    cohort: Cohort | None = None,
    context: models.Model | None = None,
    data: Payload | None = None,
    at: datetime | None = None,
) -> Activity:
    """Append one activity inside the caller's transaction (see ``metrics.services.record``)."""
    from .services import record as _record

    return _record(actor=actor, verb=verb, target=target, cohort=cohort, context=context, data=data, at=at)


def actor_memo() -> AbstractContextManager[None]:
    """Seeding: ``record`` reads each actor's memberships and roles once per block (see
    ``metrics.services.actor_memo``: same rows; ORM-signalled membership and group changes are seen)."""
    from .services import actor_memo as _actor_memo

    return _actor_memo()


def __getattr__(name: str) -> Any:
    if name == "Verb":
        from .verbs import Verb

        return Verb
    raise AttributeError(name)
