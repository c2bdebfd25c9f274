"""What the blog services share: where an entry's activity counts, and who may edit it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from portal.people.models import Cohort, User
from portal.people.services.people import primary_cohort

from .. import permissions
from ..models import Entry


def entry_cohort(entry: Entry) -> Cohort | None:
    """The cohort an entry's activity is attributed to: its audience, its blog's cohort, or the author's."""
    if entry.cohort_id:
        return entry.cohort
    if entry.blog.cohort_id:
        return entry.blog.cohort
    return primary_cohort(entry.author)


def check_editable(actor: User, entry: Entry) -> None:
    if not permissions.can_edit_entry(actor, entry):
        raise PermissionDenied("You can edit only your own entries.")
