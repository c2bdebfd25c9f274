"""Assignment and Grade Services: goal stages as LMS line items, stage progress posted as scores.

A score is posted when it differs from the last one the platform accepted (``ScorePosted``): the job
can run any number of times, after any failure, and sends each change once (and nothing unchanged).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from lti_tool.lti_core.constants import AgsScope
from lti_tool.models import LtiContext, LtiLineItem, LtiMembership
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.service_connector import ServiceConnector

from onboarding.models import Goal, GoalProgress, GoalStage
from onboarding.selectors.goals import deadline_instant, ladder_for, stage_deadline, user_tz
from portal.jobs import enqueue_on_commit
from portal.people.models import User

from .. import permissions
from ..models import CourseCohort, ScorePosted, StageLineItem

log = logging.getLogger(__name__)
TAG = "keystone-goal-stage"


class GradebookUnavailable(ValidationError):
    """The course's platform did not grant what is needed (line items or scores)."""


def _ags(context: LtiContext) -> AssignmentsGradesService:
    scopes = []
    if context.can_manage_lineitems:
        scopes.append(AgsScope.MANAGE_LINEITEMS.value)
    if context.can_query_lineitems:
        scopes.append(AgsScope.QUERY_LINEITEMS.value)
    if context.can_publish_scores:
        scopes.append(AgsScope.PUBLISH_SCORES.value)
    registration = context.deployment.registration.to_registration()
    return AssignmentsGradesService(
        ServiceConnector(registration), {"scope": scopes, "lineitems": context.lineitems_url}
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def ladder_publish(*, actor: User, course: CourseCohort) -> list[StageLineItem]:
    """Publish the cohort's goal ladder as one gradebook column per stage (crawl, walk, run).

    Guarantees: a facilitator of the cohort (or an admin) only; publishing again finds the existing
    columns (by resource id on the platform and by row here), so nothing is duplicated; each column's
    end date is the stage deadline; scores follow for everyone already on the course, after commit.
    """
    if not permissions.can_manage_course(actor, course):
        raise PermissionDenied("Only this cohort's facilitators or an admin may publish its goals.")
    context = course.context
    if not (context.lineitems_url and context.can_manage_lineitems):
        raise GradebookUnavailable("This course's LMS did not allow Keystone to add gradebook columns.")
    ladder = ladder_for(course.cohort)
    if ladder is None:
        raise GradebookUnavailable("This cohort has no goal ladder to publish.")
    stages = list(GoalStage.objects.filter(ladder=ladder).prefetch_related("goals"))
    ags = _ags(context)
    published = []
    for stage in sorted(stages, key=lambda s: s.order):
        deadline = deadline_instant(stage_deadline(stage, course.cohort), timezone.get_current_timezone())
        resource_id = f"{TAG}-{stage.kind}"
        wanted = (
            LineItem()
            .set_label(f"Keystone: {stage.title}")
            .set_score_maximum(max(1, len(stage.goals.all())))
            .set_tag(TAG)
            .set_resource_id(resource_id)
            .set_end_date_time(_iso(deadline))
        )
        remote = ags.find_lineitem_by_resource_id(resource_id) or ags.find_or_create_lineitem(
            wanted, find_by="resource_id"
        )
        with transaction.atomic():
            line_item, _ = LtiLineItem.objects.update_or_create(
                url=remote.get_id(),
                defaults={
                    "context": context,
                    "label": remote.get_label() or wanted.get_label(),
                    "maximum_score": float(cast(float, remote.get_score_maximum() or wanted.get_score_maximum())),
                    "tag": TAG,
                    "resource_id": resource_id,
                    "end_datetime": deadline,
                },
            )
            row, _ = StageLineItem.objects.update_or_create(
                course=course, stage=stage, defaults={"line_item": line_item, "published_by": actor}
            )
        published.append(row)
    enqueue_on_commit("lti.tasks.scores_sync_course", course.pk)
    return published


@dataclass(frozen=True)
class StageScore:
    given: float
    maximum: float
    activity_progress: str
    comment: str
    timestamp: datetime


def stage_score(*, user: User, stage: GoalStage, course: CourseCohort, now: datetime | None = None) -> StageScore:
    """A person's score for a stage: goals completed of the stage's goals; the comment says on time or late."""
    now = now or timezone.now()
    goals = [g.pk for g in stage.goals.all()]
    done = cast(  # completed_at is not null here
        list[datetime],
        list(
            GoalProgress.objects.filter(user=user, goal_id__in=goals, completed_at__isnull=False).values_list(
                "completed_at", flat=True
            )
        ),
    )
    maximum = float(max(1, len(goals)))
    deadline = deadline_instant(stage_deadline(stage, course.cohort, user), user_tz(user))
    if goals and len(done) == len(goals):
        finished = max(done)
        on_time = finished < deadline
        comment = f"{stage.get_kind_display()} completed {'on time' if on_time else 'late'} ({finished:%Y-%m-%d})."
        return StageScore(float(len(done)), maximum, "Completed", comment, finished)
    progress = "InProgress" if done else "Initialized"
    late = " Deadline passed." if now >= deadline else ""
    return StageScore(
        float(len(done)), maximum, progress, f"{len(done)} of {len(goals)} goals done.{late}", max(done, default=now)
    )


def scores_post(*, course: CourseCohort, user_ids: list[int] | None = None) -> int:
    """Post every changed stage score of the course's learners (or of ``user_ids``). Returns how many.

    Guarantees: a score equal to the last accepted one is not sent again; a score is recorded as sent
    only after the platform accepted it, so a failure (raised to the caller, who retries) loses nothing.
    """
    items = list(
        StageLineItem.objects.filter(course=course)
        .select_related("line_item", "stage", "course__cohort", "course__context__deployment__registration")
        .prefetch_related("stage__goals")
    )
    if not items or not course.context.can_publish_scores:
        return 0
    memberships = LtiMembership.objects.filter(
        context=course.context, is_learner=True, is_active=True, user__auth_user__isnull=False
    ).select_related("user__auth_user__profile")
    if user_ids is not None:
        memberships = memberships.filter(user__auth_user_id__in=user_ids)
    learners = [(m.user, m.user.auth_user) for m in memberships]
    sent_before = {
        (s.stage_line_item_id, s.lti_user_id): s
        for s in ScorePosted.objects.filter(stage_line_item__in=items, lti_user__in=[lu for lu, _ in learners])
    }
    ags = None
    posted = 0
    for item in items:
        remote = LineItem({"id": item.line_item.url, "scoreMaximum": item.line_item.maximum_score})
        for lti_user, user in learners:
            score = stage_score(user=user, stage=item.stage, course=course)
            last = sent_before.get((item.pk, lti_user.pk))
            if last is not None and (last.score_given, last.score_maximum, last.activity_progress, last.comment) == (
                score.given,
                score.maximum,
                score.activity_progress,
                score.comment,
            ):
                continue
            grade = (
                Grade()
                .set_user_id(lti_user.sub)
                .set_score_given(score.given)
                .set_score_maximum(score.maximum)
                .set_activity_progress(score.activity_progress)
                .set_grading_progress("FullyGraded")
                .set_timestamp(_iso(timezone.now()))
                .set_comment(score.comment)
            )
            ags = ags or _ags(course.context)
            ags.put_grade(grade, remote)
            ScorePosted.objects.update_or_create(
                stage_line_item=item,
                lti_user=lti_user,
                defaults={
                    "score_given": score.given,
                    "score_maximum": score.maximum,
                    "activity_progress": score.activity_progress,
                    "comment": score.comment,
                    "posted_at": timezone.now(),
                },
            )
            posted += 1
    return posted


def courses_of(user_id: int) -> list[int]:
    """The courses with published goal columns in which this person is a learner (for the score job)."""
    return list(
        CourseCohort.objects.filter(
            stage_line_items__isnull=False,
            context__memberships__user__auth_user_id=user_id,
            context__memberships__is_learner=True,
        )
        .distinct()
        .values_list("pk", flat=True)
    )


__all__ = ["Goal", "GradebookUnavailable", "ladder_publish", "scores_post", "stage_score"]
