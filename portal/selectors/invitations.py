from django.utils import timezone

from ..models import Invitation


def usable_invitation(token: str | None) -> Invitation | None:
    """The invitation behind a token if it is unused and unexpired, else None."""
    if not token:
        return None
    return (
        Invitation.objects.select_related("cohort")
        .filter(token=token, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
