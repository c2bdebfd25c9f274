"""django-allauth integration: who may sign up, and what happens when they do."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings

INVITATION_SESSION_KEY = "keystone_invitation_token"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Sign-up is by invitation unless SIGNUP_OPEN is set."""
        if settings.ACCOUNT_SIGNUP_OPEN:
            return True
        from .selectors.invitations import usable_invitation

        return usable_invitation(request.session.get(INVITATION_SESSION_KEY)) is not None

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from .services.people import profile_ensure, role_assign

            profile_ensure(user=user)
            role_assign(user=user, roles=("leader",))
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        # People who already sign in with the organisation's identity provider may join.
        return True
