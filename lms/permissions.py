"""Who may see what in lms (xAPI and calendars; lms.lti keeps its own rules)."""

from __future__ import annotations

from portal.people import permissions as portal_permissions
from portal.people.models import CohortSession


def can_manage_xapi(user) -> bool:
    """The xAPI status page and "Send now": site admins only (it shows the LRS endpoint and errors)."""
    return bool(user.is_authenticated and (user.is_superuser or portal_permissions.is_admin(user)))


def can_download_session(user, session: CohortSession) -> bool:
    """A session's .ics: whoever may see it on its cohort page (every signed-in person, as that page)."""
    return bool(user.is_authenticated)
