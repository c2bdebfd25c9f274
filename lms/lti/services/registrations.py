"""Writes about platforms: registering an LMS (issuer, client id, deployments, URLs), trust, tool keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from lti_tool.models import Key, LtiDeployment, LtiRegistration

from portal.people.models import User

from .. import permissions
from ..models import PlatformPolicy


def _require_admin(actor: User) -> None:
    if not permissions.can_manage_platforms(actor):
        raise PermissionDenied("Only an admin may register platforms.")


def tool_key_ensure() -> Key:
    """The tool's signing key: the newest active one, generated if there is none. Idempotent."""
    with transaction.atomic():
        key = Key.objects.active().order_by("-datetime_created").first()
        return key or Key.objects.generate()


def tool_keys_rotate(*, actor: User | None, retire_after_days: int | None = None) -> Key:
    """Generate a new signing key and retire keys older than ``retire_after_days`` (LTI_KEY_RETIRE_DAYS).

    Guarantees: the new key signs from now on (the newest active key is used); older keys stay in the
    JWKS until retired, so tokens a platform already holds still verify; at least the new key is active.
    ``actor`` None means the scheduled or command-line rotation.
    """
    if actor is not None:
        _require_admin(actor)
    days = settings.LTI_KEY_RETIRE_DAYS if retire_after_days is None else retire_after_days
    with transaction.atomic():
        key = Key.objects.generate()
        Key.objects.active().filter(datetime_created__lt=timezone.now() - timedelta(days=days)).exclude(
            pk=key.pk
        ).update(is_active=False)
    return key


def platform_register(
    *,
    actor: User,
    name: str,
    issuer: str,
    client_id: str,
    auth_url: str,
    token_url: str,
    keyset_url: str,
    deployment_ids: Sequence[str],
    audience: str = "",
    verifies_email: bool = False,
    frame_origins: str = "",
    registration: LtiRegistration | None = None,
) -> LtiRegistration:
    """Register a platform, or change one (``registration``), with its deployments and Keystone's trust.

    Guarantees: admins only; issuer + client id unique (a clash is a ValidationError, nothing written);
    the listed deployment ids are active and any other known deployment of this platform is switched
    off (a launch from it is refused); the tool has a signing key afterwards.
    """
    _require_admin(actor)
    deployment_ids = [d.strip() for d in deployment_ids if d.strip()]
    if not deployment_ids:
        raise ValidationError({"deployment_ids": "Give at least one deployment id."})
    clash = LtiRegistration.objects.filter(issuer=issuer.strip(), client_id=client_id.strip())
    if registration is not None:
        clash = clash.exclude(pk=registration.pk)
    if clash.exists():
        raise ValidationError({"client_id": "This platform (issuer and client id) is already registered."})
    with transaction.atomic():
        reg = registration or LtiRegistration()
        reg.name = name.strip()
        reg.issuer = issuer.strip()
        reg.client_id = client_id.strip()
        reg.audience = audience.strip()
        reg.auth_url = auth_url.strip()
        reg.token_url = token_url.strip()
        reg.keyset_url = keyset_url.strip()
        reg.is_active = True
        reg.full_clean(validate_unique=False, validate_constraints=False)
        reg.save()
        for deployment_id in deployment_ids:
            LtiDeployment.objects.update_or_create(
                registration=reg, deployment_id=deployment_id, defaults={"is_active": True}
            )
        LtiDeployment.objects.filter(registration=reg).exclude(deployment_id__in=deployment_ids).update(is_active=False)
        PlatformPolicy.objects.update_or_create(
            registration=reg, defaults={"verifies_email": verifies_email, "frame_origins": frame_origins.strip()}
        )
        tool_key_ensure()
    return reg


def platform_deactivate(*, actor: User, registration: LtiRegistration) -> None:
    """Switch a platform off: its launches are refused; its people, courses and cohorts are kept."""
    _require_admin(actor)
    LtiRegistration.objects.filter(pk=registration.pk).update(is_active=False)
