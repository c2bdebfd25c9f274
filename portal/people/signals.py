"""Framework integration only: allauth's signals call services."""

from allauth.account.signals import user_logged_in, user_signed_up
from django.dispatch import receiver

from portal.people.adapters import INVITATION_SESSION_KEY
from portal.people.services.accounts import account_signed_in, account_signed_up


@receiver(user_signed_up)
def on_signed_up(sender, request, user, **kwargs):
    token = request.session.pop(INVITATION_SESSION_KEY, None) if request is not None else None
    account_signed_up(user=user, invitation_token=token)


@receiver(user_logged_in)
def on_logged_in(sender, request, user, **kwargs):
    account_signed_in(user=user)
