"""Publishing policy versions and acknowledging them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import metrics
from metrics.verbs import Verb
from portal.people.models import User
from portal.people.services.people import primary_cohort
from portal.richtext import plain_text, sanitize

from .. import permissions
from ..models import PolicyAcknowledgement, PolicyVersion
from ..selectors.policy import current_version


def policy_publish(*, actor: User, title: str, body_html: str, change_summary: str = "", major: bool) -> PolicyVersion:
    """Publish a new version: a major one (everyone acknowledges again at next sign-in) or a minor one.

    Guarantees: only admins publish; the body is sanitised and not empty; earlier versions stay
    readable and untouched; version numbers never repeat (the unique constraint backs this up).
    """
    if not permissions.can_publish_policy(actor):
        raise PermissionDenied("Only administrators publish policy versions.")
    body = sanitize(body_html)
    if not plain_text(body):
        raise ValidationError({"body_html": "The policy text cannot be empty."})
    if not (title or "").strip():
        raise ValidationError({"title": "Give the policy a title."})
    with transaction.atomic():
        latest = PolicyVersion.objects.select_for_update().order_by("-major", "-minor").first()
        if latest is None:
            number = (1, 0)
        elif major:
            number = (latest.major + 1, 0)
        else:
            number = (latest.major, latest.minor + 1)
        version = PolicyVersion.objects.create(
            major=number[0],
            minor=number[1],
            title=title.strip(),
            body_html=body,
            change_summary=(change_summary or "").strip(),
            published_at=timezone.now(),
            published_by=actor,
        )
    return version


def policy_acknowledge(*, actor: User, version: PolicyVersion | None = None) -> PolicyAcknowledgement:
    """Acknowledge the current version (or the one given, which must be current).

    Guarantees: one row per person per version (acknowledging twice returns the first); the
    activity is recorded once, with the version, in the same transaction.
    """
    current = current_version()
    if current is None:
        raise ValidationError("There is no policy to acknowledge yet.")
    version = version or current
    if version.pk != current.pk:
        raise ValidationError("A newer version of the policy has been published; please read that one.")
    existing = PolicyAcknowledgement.objects.filter(user=actor, version=version).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            ack = PolicyAcknowledgement.objects.create(user=actor, version=version, acknowledged_at=timezone.now())
            metrics.record(
                actor=actor,
                verb=Verb.POLICY_ACKNOWLEDGED,
                target=version,
                cohort=primary_cohort(actor),
                data={"version": version.label, "major": version.major},
            )
    except IntegrityError:
        return PolicyAcknowledgement.objects.get(user=actor, version=version)
    if hasattr(actor, "_policy_ack"):
        del actor._policy_ack
    return ack
