"""Who may do what with LTI: admins register platforms and link courses; facilitators run their courses."""

from __future__ import annotations

from portal.people import permissions as portal_permissions


def can_manage_platforms(user) -> bool:
    return portal_permissions.is_admin(user)


def can_link_courses(user) -> bool:
    """Linking an LMS course to an existing cohort (or re-linking it) is an admin's decision."""
    return portal_permissions.is_admin(user)


def can_manage_course(user, course) -> bool:
    """Sync the roster, publish the goal ladder: the cohort's facilitators or an admin."""
    return bool(getattr(user, "is_authenticated", False)) and portal_permissions.can_facilitate(user, course.cohort_id)


def can_deep_link(user, cohort_id: int | None) -> bool:
    """Placing Keystone content in a course: whoever facilitates the course's cohort (or an admin)."""
    if cohort_id is None:
        return portal_permissions.is_admin(user)
    return portal_permissions.can_facilitate(user, cohort_id)
