"""django-allauth integration: who may sign up, and what happens when they do."""

from __future__ import annotations

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.urls import NoReverseMatch, reverse

INVITATION_SESSION_KEY = "keystone_invitation_token"


def invitation_from_session(request):
    """The still-usable invitation whose link this browser followed, if any."""
    from portal.people.selectors.invitations import usable_invitation

    session = getattr(request, "session", None)
    if session is None:
        return None
    return usable_invitation(session.get(INVITATION_SESSION_KEY))


def remember_invitation(request, invitation) -> None:
    """Keep the invitation for the sign-up that follows.

    The link reached the person through the invited address, so allauth is told that address is
    verified (no second confirmation e-mail) and pre-fills it on the sign-up form.
    """
    request.session[INVITATION_SESSION_KEY] = invitation.token
    get_adapter(request).stash_verified_email(request, invitation.email)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Sign-up is by invitation unless SIGNUP_OPEN is set."""
        if settings.ACCOUNT_SIGNUP_OPEN:
            return True
        return invitation_from_session(request) is not None

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from portal.people.services.people import profile_ensure, role_assign

            profile_ensure(user=user)
            role_assign(user=user, roles=("leader",))
        return user

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Setting up two-factor sign-in right after signing in asks for no second password.

        allauth asks for the password again before an authenticator is added. When the person
        signed in moments ago (within ACCOUNT_REAUTHENTICATION_TIMEOUT), that proof is as fresh as
        a re-entered password, and a second prompt reads like a fault to someone who just typed it.
        """
        required = super().is_reauthentication_required(app=app, **kwargs)
        if required and app == "allauth.mfa" and _signed_in_moments_ago(self.request):
            return False
        return required

    def get_signup_redirect_url(self, request) -> str:
        """A new member lands on the current step of their onboarding path (issue 17), which asks for the
        profile in its turn; without onboarding, on confirming their (pre-filled) profile."""
        for name in ("onboarding:path-next", "people:profile-edit"):
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
        try:
            return reverse("people:profile-edit")
        except NoReverseMatch:
            return super().get_signup_redirect_url(request)


def _signed_in_moments_ago(request) -> bool:
    from allauth.account.internal.flows.login import get_authentication_records

    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    if not records:
        return False
    return time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        # People who already sign in with the organisation's identity provider may join.
        return True
