"""Who may do what in onboarding. Views call these; templates receive booleans.

- Every signed-in person: learn, take their surveys, acknowledge the policy, see their goals, use the coach.
- L&D analysts and admins: author lessons, the default curriculum and ladder, surveys, coach rules and terms;
  export policy acknowledgements; read the programme diagnostic.
- Facilitators: author lessons; edit their own cohorts' curriculum, ladder and optional steps; see their
  cohorts' goal tables; take and read the programme diagnostic.
- Admins only: publish policy versions.
"""

from __future__ import annotations

from django.db.models import QuerySet

from portal.people.models import Cohort
from portal.people.permissions import (
    can_facilitate,
    facilitated_cohort_ids,
    is_admin,
    is_analyst,
    is_facilitator,
    member_cohort_ids,
)


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_author_lessons(user) -> bool:
    return is_admin(user) or is_analyst(user) or is_facilitator(user)


def can_edit_programme_defaults(user) -> bool:
    """The default curriculum and ladder apply to everyone: L&D and admins own them."""
    return is_admin(user) or is_analyst(user)


def can_edit_cohort_programme(user, cohort: Cohort | None) -> bool:
    """Curriculum, goal ladder and optional steps of one cohort (None = the defaults)."""
    if cohort is None:
        return can_edit_programme_defaults(user)
    return can_edit_programme_defaults(user) or can_facilitate(user, cohort)


def editable_cohorts(user) -> QuerySet[Cohort]:
    if can_edit_programme_defaults(user):
        return Cohort.objects.all()
    if is_facilitator(user):
        return Cohort.objects.filter(pk__in=facilitated_cohort_ids(user))
    return Cohort.objects.none()


def can_manage_coach(user) -> bool:
    return is_admin(user) or is_analyst(user)


def can_publish_policy(user) -> bool:
    return is_admin(user)


def can_export_policy(user) -> bool:
    return is_admin(user) or is_analyst(user)


def can_manage_surveys(user) -> bool:
    return is_admin(user) or is_analyst(user)


def can_schedule_rounds(user, cohort: Cohort | None) -> bool:
    """The after round's date: per cohort by its facilitators or L&D; the programme team's by L&D."""
    return can_edit_cohort_programme(user, cohort)


def can_view_diagnostic(user) -> bool:
    return is_admin(user) or is_analyst(user) or is_facilitator(user)


def can_take_survey(user, survey) -> bool:
    if not _signed_in(user) or not survey.is_active:
        return False
    if survey.audience == "programme":
        return is_analyst(user) or is_facilitator(user) or is_admin(user)
    if survey.cohort_id is not None:
        return survey.cohort_id in member_cohort_ids(user)
    return True


def can_view_cohort_goals(user, cohort: Cohort) -> bool:
    """Individual progress is for the cohort's facilitators (and admins); L&D reads aggregates in metrics."""
    return can_facilitate(user, cohort)
