"""Portal jobs."""

from celery import shared_task


@shared_task(name="portal.tasks.heartbeat")
def heartbeat() -> str:
    """A beat job that proves worker and beat are alive: /healthz shows when it last ran."""
    from .services.jobs import heartbeat_touch

    return heartbeat_touch(name="beat").isoformat()


@shared_task(
    name="portal.tasks.send_invitation_email",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_kwargs={"max_retries": 8},
)
def send_invitation_email(invitation_id: int) -> bool:
    """E-mail an invitation's link. Returns whether a message went out.

    Re-loads the row: an invitation withdrawn, accepted or expired meanwhile gets no e-mail, nor
    does an address marked undeliverable (bounced, or asked not to be mailed). A mail server that is
    down (OSError: refused, timed out) is retried with back-off.
    """
    from .models import Invitation
    from .selectors.notifications import is_undeliverable
    from .services.invitations import invitation_email_message

    invitation = Invitation.objects.select_related("cohort", "invited_by__profile").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_usable or is_undeliverable(invitation.email):
        return False
    invitation_email_message(invitation).send()
    return True
