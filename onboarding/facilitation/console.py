"""The cohort console's reads: every member with where they are, the filters, and the cohort's queues.

A fixed number of queries whatever the number of members (``tests/facilitation/test_queries.py``).
Onboarding's own selectors work one person at a time (``onboarding.selectors.path.path_state``); the
member table reads the same tables in bulk here, and a test checks that both agree step by step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from blogs.models import Entry
from forums.models import Board, Flag, Post
from metrics import api as activity_log
from metrics.verbs import Verb
from onboarding.models import (
    CohortOnboarding,
    LessonProgress,
    OnboardingPath,
    PolicyAcknowledgement,
    Step,
    SurveyResponse,
)
from onboarding.models.path import SKIPPABLE_STEPS
from onboarding.models.surveys import Round
from onboarding.selectors import criteria
from onboarding.selectors.goals import cohort_goal_table
from onboarding.selectors.policy import current_version
from onboarding.selectors.surveys import leader_survey_for
from portal.people.models import Cohort, Membership, User

from . import selectors
from .models import ScheduledPrompt

STEPS = list(Step)


@dataclass
class MemberRow:
    user: User
    steps_finished: int
    next_step: str  # the label of the next onboarding step, "" when the path is complete
    goals_done: int
    goals_total: int
    goals_overdue: int
    last_active: datetime | None
    posts: int
    entries: int
    survey_done: bool | None  # None: the cohort has no readiness survey
    last_nudged: datetime | None
    nudge_again_at: datetime | None

    @property
    def steps_total(self) -> int:
        return len(STEPS)

    @property
    def onboarded(self) -> bool:
        return not self.next_step

    @property
    def never_posted(self) -> bool:
        return self.posts == 0 and self.entries == 0

    @property
    def behind(self) -> bool:
        return self.goals_overdue > 0

    def quiet_for(self, days: int, now: datetime) -> bool:
        return self.last_active is None or self.last_active < now - timedelta(days=days)

    def can_nudge(self, now: datetime) -> bool:
        return self.nudge_again_at is None or self.nudge_again_at <= now


def _onboarding_steps(cohort: Cohort, users: list[User]) -> tuple[dict[int, tuple[int, str]], set[int] | None]:
    """({user id: (steps finished, next step label)}, who answered the readiness survey's before round or
    None when there is no survey), with the rules of ``path_state``, for many people at once."""
    ids = [u.pk for u in users]
    paths = {p.user_id: p for p in OnboardingPath.objects.filter(user_id__in=ids)}
    settings_row = CohortOnboarding.objects.filter(cohort=cohort).first()
    optional = set(settings_row.optional_steps) if settings_row else set()
    optional &= {str(s) for s in SKIPPABLE_STEPS}
    survey = leader_survey_for(None, cohort)
    surveyed = (
        set(
            SurveyResponse.objects.filter(survey=survey, respondent_id__in=ids, round=Round.BEFORE).values_list(
                "respondent_id", flat=True
            )
        )
        if survey is not None
        else set(ids)
    )
    version = current_version()
    acknowledged = (
        set(
            PolicyAcknowledgement.objects.filter(user_id__in=ids, version__major=version.major).values_list(
                "user_id", flat=True
            )
        )
        if version is not None
        else set(ids)
    )
    lessons = set(
        LessonProgress.objects.filter(user_id__in=ids, completed_at__isnull=False).values_list("user_id", flat=True)
    )
    member_of = Membership.objects.filter(user=OuterRef("actor"), cohort=OuterRef("cohort"))
    practised = set(
        activity_log.activities(actor_ids=ids, verbs=[Verb.POST_CREATED], context_type=criteria.topic_content_type())
        .filter(context_id__in=criteria.prompt_topic_ids())
        .filter(Exists(member_of))
        .values_list("actor_id", flat=True)
        .distinct()
    )
    result = {}
    for user in users:
        path = paths.get(user.pk)
        skipped = set(path.skipped) & optional if path else set()
        done = {
            Step.WELCOME: bool(path and path.welcome_seen_at),
            Step.SURVEY: user.pk in surveyed,
            Step.POLICY: user.pk in acknowledged,
            Step.PROFILE: user.profile.is_complete,
            Step.LESSON: user.pk in lessons,
            Step.PRACTICE: user.pk in practised,
            Step.GOALS: bool(path and path.goals_seen_at),
        }
        finished = [done[step] or str(step) in skipped for step in STEPS]
        nxt = next((step.label for step, ok in zip(STEPS, finished, strict=True) if not ok), "")
        result[user.pk] = (sum(finished), nxt)
    return result, (surveyed if survey is not None else None)


def _counts(qs, key: str) -> dict[int, int]:
    return {row[key]: row["n"] for row in qs.values(key).annotate(n=Count("pk")).order_by()}


def member_rows(cohort: Cohort, *, now: datetime | None = None) -> list[MemberRow]:
    """Every member of the cohort (not its facilitators), by name, with everything the console shows."""
    now = now or timezone.now()
    users = selectors.cohort_members(cohort)
    if not users:
        return []
    ids = [u.pk for u in users]
    steps, surveyed = _onboarding_steps(cohort, users)
    _, goal_rows = cohort_goal_table(cohort, now=now)
    goals = {row.user.pk: row for row in goal_rows}
    last_activity = activity_log.last_activity_by_person(actor_ids=ids)
    posts = _counts(Post.objects.filter(author_id__in=ids, deleted_at__isnull=True, hidden_at__isnull=True), "author")
    entries = _counts(Entry.objects.filter(author_id__in=ids, status=Entry.Status.PUBLISHED), "author")
    nudged = selectors.last_nudges(ids)
    rows = []
    for user in users:
        goal_row = goals.get(user.pk)
        moments = [t for t in (last_activity.get(user.pk), user.last_login) if t is not None]
        finished, nxt = steps[user.pk]
        rows.append(
            MemberRow(
                user=user,
                steps_finished=finished,
                next_step=nxt,
                goals_done=goal_row.done_count if goal_row else 0,
                goals_total=len(goal_row.cells) if goal_row else 0,
                goals_overdue=goal_row.overdue_count if goal_row else 0,
                last_active=max(moments) if moments else None,
                posts=posts.get(user.pk, 0),
                entries=entries.get(user.pk, 0),
                survey_done=None if surveyed is None else user.pk in surveyed,
                last_nudged=nudged.get(user.pk),
                nudge_again_at=selectors.nudge_available_at(nudged.get(user.pk)),
            )
        )
    return rows


@dataclass(frozen=True)
class MemberFilters:
    quiet_days: int | None = None
    behind: bool = False
    never_posted: bool = False
    not_onboarded: bool = False

    @property
    def active(self) -> bool:
        return bool(self.quiet_days or self.behind or self.never_posted or self.not_onboarded)


def filter_rows(rows: list[MemberRow], filters: MemberFilters, *, now: datetime) -> list[MemberRow]:
    """The rows matching every chosen filter."""
    out = rows
    if filters.quiet_days:
        out = [r for r in out if r.quiet_for(filters.quiet_days, now)]
    if filters.behind:
        out = [r for r in out if r.behind]
    if filters.never_posted:
        out = [r for r in out if r.never_posted]
    if filters.not_onboarded:
        out = [r for r in out if not r.onboarded]
    return out


@dataclass
class QueueCounts:
    reviews: int
    first_timers: int
    first_timers_overdue: int
    flags: int


def queue_counts(cohort: Cohort, *, now: datetime | None = None) -> QueueCounts:
    waiting, overdue = selectors.first_timer_counts(cohort, now)
    flags = (
        Flag.objects.filter(cohort=cohort, status=Flag.Status.OPEN)
        .values("content_type_id", "object_id")
        .distinct()
        .count()
    )
    return QueueCounts(
        reviews=selectors.open_review_count(cohort), first_timers=waiting, first_timers_overdue=overdue, flags=flags
    )


@dataclass
class Console:
    cohort: Cohort
    rows: list[MemberRow]
    shown: list[MemberRow]
    counts: QueueCounts
    timeline: list
    boards_without_queue: list[Board] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def console(cohort: Cohort, *, filters: MemberFilters, now: datetime | None = None) -> Console:
    """Everything the cohort console shows, in a fixed number of queries."""
    now = now or timezone.now()
    rows = member_rows(cohort, now=now)
    prompts = selectors.schedule_prompts(cohort)
    sessions = selectors.cohort_sessions(cohort)
    queued_boards = {p.board_id for p in prompts if p.status == ScheduledPrompt.Status.QUEUED}
    boards = selectors.cohort_boards(cohort)
    return Console(
        cohort=cohort,
        rows=rows,
        shown=filter_rows(rows, filters, now=now),
        counts=queue_counts(cohort, now=now),
        timeline=selectors.timeline(prompts, sessions),
        boards_without_queue=[b for b in boards if b.pk not in queued_boards],
        summary={
            "members": len(rows),
            "onboarded": sum(1 for r in rows if r.onboarded),
            "posted": sum(1 for r in rows if not r.never_posted),
            "behind": sum(1 for r in rows if r.behind),
            "quiet_week": sum(1 for r in rows if r.quiet_for(7, now)),
        },
    )
