"""Hooks people's services call inside the writer's transaction, for what builds on people.

People are the bottom of the foundation: notifications store their recipient (``people.User``) and ask
people's permissions and services, so people's services must not call notifications back (the two would
import each other). A service calls the hook here instead, and notifications registers what to do in
``NotificationsConfig.ready``: the owner defines the hook, the other app registers into it, so the
arrow points one way (the same pattern as ``metrics.api.register_record_hook``).

A hook runs in the writer's transaction: what it writes is committed or rolled back with the write.
Registering a name again replaces it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portal.people.models import Follow, Invitation, User

FollowHook = Callable[["Follow"], None]
InvitationHook = Callable[["Invitation", "User"], None]

_follow_hooks: dict[str, FollowHook] = {}
_invitation_hooks: dict[str, InvitationHook] = {}


def register_follow_hook(name: str, hook: FollowHook) -> None:
    """Call ``hook(follow)`` when someone starts following a person (not when a follow already existed)."""
    _follow_hooks[name] = hook


def register_invitation_hook(name: str, hook: InvitationHook) -> None:
    """Call ``hook(invitation, person)`` when an invitation is written for the address of an active person."""
    _invitation_hooks[name] = hook


def follow_created(follow: Follow) -> None:
    for hook in list(_follow_hooks.values()):
        hook(follow)


def invited_existing_person(invitation: Invitation, person: User) -> None:
    for hook in list(_invitation_hooks.values()):
        hook(invitation, person)
