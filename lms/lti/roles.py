"""LMS roles (LTI 1.3 role vocabulary) mapped to what a person is in the cohort."""

from __future__ import annotations

from lti_tool.lti_core.utils import normalize_role

from portal.people.models import Membership

_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
INSTRUCTOR = f"{_MEMBERSHIP}#Instructor"
TEACHING_ASSISTANT = f"{_MEMBERSHIP}/Instructor#TeachingAssistant"
LEARNER = f"{_MEMBERSHIP}#Learner"
ADMINISTRATOR = f"{_MEMBERSHIP}#Administrator"


def is_teaching(roles: list[str] | None) -> bool:
    """Instructor or teaching assistant in the course (context roles, short or full form)."""
    normal = {normalize_role(r) for r in roles or []}
    return bool(normal & {INSTRUCTOR, TEACHING_ASSISTANT})


def cohort_kind(roles: list[str] | None) -> str | None:
    """Instructor / TeachingAssistant → facilitator; Learner → member (leader); anything else → nothing.

    Institution or course Administrator alone gives no place and no elevation: an LMS administrator is
    not thereby a Keystone admin (an admin grants that in Keystone).
    """
    if is_teaching(roles):
        return Membership.Kind.FACILITATOR
    if LEARNER in {normalize_role(r) for r in roles or []}:
        return Membership.Kind.MEMBER
    return None
