"""Two-factor sign-in forms: a code already used in the same window says so (issue 17).

allauth refuses a TOTP code that was already accepted (replay protection: it remembers used codes in the
cache for one period) with the same "Incorrect code." as a wrong one, which sends people to re-type a
code that was right. Here the refusal is explained instead; everything else is allauth's.
"""

from __future__ import annotations

from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from django import forms
from django.core.cache import cache

ALREADY_USED = (
    "This code has already been used. Wait for the next code to appear in your authenticator app "
    "(a new one comes every 30 seconds) and enter that one."
)


def code_already_used(user, code: str) -> bool:
    """Was ``code`` right for ``user``'s authenticator app and already accepted in this window?"""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
    from allauth.mfa.utils import decrypt

    for authenticator in Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP):
        totp = TOTP(authenticator)
        secret = decrypt(authenticator.data["secret"])
        # allauth's own key for "this code was accepted in this window" (its replay protection).
        if validate_totp_code(secret, code) and cache.get(totp._get_used_cache_key(code)) is not None:
            return True
    return False


class _AlreadyUsedMixin:
    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except forms.ValidationError:
            code = self.cleaned_data.get("code", "")
            if code and code_already_used(self.user, code):
                raise forms.ValidationError(ALREADY_USED, code="code_already_used") from None
            raise


class AuthenticateForm(_AlreadyUsedMixin, AllauthAuthenticateForm):
    pass


class ReauthenticateForm(_AlreadyUsedMixin, AllauthReauthenticateForm):
    pass
