"""Writes about which cohort an LMS course is."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from lti_tool.models import LtiContext

from portal.people.models import Cohort, User

from .. import permissions
from ..models import CourseCohort


def course_link(*, actor: User, context: LtiContext, cohort: Cohort) -> CourseCohort:
    """Make an LMS course (LTI context) the given cohort, or move it to another cohort (admins only).

    Guarantees: one cohort per course (the row is replaced, never duplicated); people already placed
    keep their memberships; later launches from the course place people in the new cohort.
    """
    if not permissions.can_link_courses(actor):
        raise PermissionDenied("Only an admin may link a course to a cohort.")
    with transaction.atomic():
        course, _ = CourseCohort.objects.update_or_create(
            context=context, defaults={"cohort": cohort, "linked_by": actor, "created_cohort": False}
        )
    return course
