"""Reads about the social media policy and acknowledgements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from django.db.models import QuerySet

from ..models import PolicyAcknowledgement, PolicyVersion

_UNSET = object()


def current_version() -> PolicyVersion | None:
    """The newest published version (highest major, then minor)."""
    return PolicyVersion.objects.order_by("-major", "-minor").first()


def current_acknowledgement(user, *, version: PolicyVersion | object | None = _UNSET) -> PolicyAcknowledgement | None:
    """The user's acknowledgement that covers the current major version, cached on the user for the request.

    Acknowledging any version of the current major counts: a minor version (wording, typo) asks nobody again.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_policy_ack", _UNSET)
    if cached is not _UNSET:
        return cast("PolicyAcknowledgement | None", cached)
    version = current_version() if version is _UNSET else cast("PolicyVersion | None", version)
    ack = None
    if version is not None:
        ack = (
            PolicyAcknowledgement.objects.filter(user=user, version__major=version.major)
            .select_related("version")
            .order_by("acknowledged_at")
            .first()
        )
    user._policy_ack = ack
    return ack


def has_acknowledged_current(user) -> bool:
    """True when the user acknowledged the current major version, or when no policy is published at all."""
    version = current_version()
    if version is None:
        return True
    return current_acknowledgement(user, version=version) is not None


def needs_reacknowledgement(user) -> bool:
    """Acknowledged an earlier major version but not the current one (asked again at sign-in)."""
    if has_acknowledged_current(user):
        return False
    return PolicyAcknowledgement.objects.filter(user=user).exists()


def versions() -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.select_related("published_by__profile").order_by("-major", "-minor")


def acknowledgement_rows() -> Iterator[list[str]]:
    """CSV rows (header first): who acknowledged which version, when. Streams in chunks."""
    yield ["email", "display_name", "version", "version_title", "acknowledged_at"]
    qs = (
        PolicyAcknowledgement.objects.select_related("user__profile", "version")
        .order_by("version__major", "version__minor", "acknowledged_at")
        .iterator(chunk_size=500)
    )
    for ack in qs:
        yield [
            ack.user.email,
            ack.user.profile.display_name if hasattr(ack.user, "profile") else "",
            ack.version.label,
            ack.version.title,
            ack.acknowledged_at.isoformat(),
        ]
