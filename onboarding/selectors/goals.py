"""Reads about goals: which ladder applies, deadlines in each person's time zone, states, tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import Count, Prefetch
from django.utils import timezone

from metrics.verbs import Verb
from portal.models import Cohort, Follow, Membership, User

from .. import criteria
from ..models import Goal, GoalLadder, GoalProgress, GoalStage


class State:
    PENDING = "pending"
    ON_TIME = "done_on_time"
    LATE = "done_late"
    OVERDUE = "overdue"
    LABELS = {PENDING: "To do", ON_TIME: "Done on time", LATE: "Done late", OVERDUE: "Overdue"}


def user_tz(user) -> ZoneInfo:
    name = getattr(getattr(user, "profile", None), "timezone", "") or settings.TIME_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def goal_cohort(user) -> Cohort | None:
    """The cohort whose ladder a person follows: the first they joined as a member, else any."""
    membership = (
        Membership.objects.filter(user=user)
        .select_related("cohort")
        .order_by("-kind", "joined_at")  # "member" sorts after "facilitator": members first when reversed
        .first()
    )
    return membership.cohort if membership else None


def ladder_for(cohort: Cohort | None) -> GoalLadder | None:
    """The cohort's own ladder, else the default one."""
    if cohort is not None:
        ladder = GoalLadder.objects.filter(cohort=cohort).first()
        if ladder is not None:
            return ladder
    return GoalLadder.objects.filter(cohort__isnull=True).first()


def stage_deadline(stage: GoalStage, cohort: Cohort | None, user: User | None = None) -> date:
    """The deadline date: a fixed date, or days after the cohort start (no cohort: after the person joined)."""
    if stage.deadline_date is not None:
        return stage.deadline_date
    if cohort is not None:
        start = cohort.starts_on
    elif user is not None:
        start = timezone.localdate(user.date_joined, user_tz(user))
    else:
        start = timezone.localdate()
    return start + timedelta(days=stage.deadline_days or 0)


def deadline_instant(day: date, tz: ZoneInfo) -> datetime:
    """A deadline date lasts until midnight at its end, in the person's own time zone."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def goal_state(*, completed_at: datetime | None, deadline_at: datetime, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if completed_at is not None:
        return State.ON_TIME if completed_at < deadline_at else State.LATE
    return State.OVERDUE if now >= deadline_at else State.PENDING


@dataclass
class GoalRow:
    goal: Goal
    current: int
    target: int
    completed_at: datetime | None
    deadline: date
    state: str
    action_url: str | None = None
    action_label: str = ""
    help: str = ""

    @property
    def percent(self) -> int:
        if self.completed_at:
            return 100
        return min(100, round(100 * self.current / self.target)) if self.target else 0

    @property
    def state_label(self) -> str:
        return State.LABELS[self.state]

    @property
    def done(self) -> bool:
        return self.completed_at is not None


@dataclass
class StageRow:
    stage: GoalStage
    deadline: date
    days_left: int
    goals: list[GoalRow] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        return sum(1 for g in self.goals if g.done)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.goals)) if self.goals else 0


def _ladder_goals(ladder: GoalLadder) -> list[GoalStage]:
    stages = list(
        GoalStage.objects.filter(ladder=ladder).prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("position", "pk"))
        )
    )
    return sorted(stages, key=lambda s: s.order)


def my_goals(user: User, *, now: datetime | None = None) -> list[StageRow]:
    """The person's ladder with progress, deadline and state per goal (a fixed number of queries)."""
    now = now or timezone.now()
    cohort = goal_cohort(user)
    ladder = ladder_for(cohort)
    if ladder is None:
        return []
    tz = user_tz(user)
    stages = _ladder_goals(ladder)
    progress = {
        p.goal_id: p
        for p in GoalProgress.objects.filter(user=user, goal__stage__ladder=ladder).only(
            "goal_id", "current", "target", "completed_at"
        )
    }
    today = timezone.localdate(now, tz)
    rows = []
    for stage in stages:
        deadline = stage_deadline(stage, cohort, user)
        deadline_at = deadline_instant(deadline, tz)
        stage_row = StageRow(stage=stage, deadline=deadline, days_left=(deadline - today).days)
        for goal in stage.goals.all():
            crit = criteria.REGISTRY.get(goal.criterion)
            p = progress.get(goal.pk)
            target = crit.target(goal.params) if crit else 1
            completed_at = p.completed_at if p else None
            stage_row.goals.append(
                GoalRow(
                    goal=goal,
                    current=min(p.current, target) if p else 0,
                    target=target,
                    completed_at=completed_at,
                    deadline=deadline,
                    state=goal_state(completed_at=completed_at, deadline_at=deadline_at, now=now),
                    action_url=crit.action_url if crit else None,
                    action_label=crit.action_label if crit else "",
                    help=crit.help if crit else "",
                )
            )
        rows.append(stage_row)
    return rows


def current_stage(stages: list[StageRow]) -> StageRow | None:
    """The first stage with something left to do (the one the home page shows)."""
    for stage in stages:
        if stage.done_count < len(stage.goals):
            return stage
    return None


@dataclass
class MemberGoals:
    user: User
    cells: list[GoalRow]

    @property
    def done_count(self) -> int:
        return sum(1 for c in self.cells if c.done)

    @property
    def overdue_count(self) -> int:
        return sum(1 for c in self.cells if c.state == State.OVERDUE)


def cohort_goal_table(cohort: Cohort, *, now: datetime | None = None) -> tuple[list[GoalStage], list[MemberGoals]]:
    """Every member x every goal of the cohort's ladder, from stored progress (queries do not grow with members)."""
    now = now or timezone.now()
    ladder = ladder_for(cohort)
    if ladder is None:
        return [], []
    stages = _ladder_goals(ladder)
    goals = [(stage, goal) for stage in stages for goal in stage.goals.all()]
    members = [
        m.user
        for m in Membership.objects.filter(cohort=cohort, kind=Membership.Kind.MEMBER)
        .select_related("user__profile")
        .order_by("user__profile__display_name", "user__email")
    ]
    progress = {
        (p.user_id, p.goal_id): p
        for p in GoalProgress.objects.filter(goal__stage__ladder=ladder, user__in=[m.pk for m in members]).only(
            "user_id", "goal_id", "current", "target", "completed_at"
        )
    }
    deadlines = {stage.pk: stage_deadline(stage, cohort) for stage in stages}
    rows = []
    for member in members:
        tz = user_tz(member)
        cells = []
        for stage, goal in goals:
            crit = criteria.REGISTRY.get(goal.criterion)
            target = crit.target(goal.params) if crit else 1
            p = progress.get((member.pk, goal.pk))
            completed_at = p.completed_at if p else None
            cells.append(
                GoalRow(
                    goal=goal,
                    current=min(p.current, target) if p else 0,
                    target=target,
                    completed_at=completed_at,
                    deadline=deadlines[stage.pk],
                    state=goal_state(
                        completed_at=completed_at, deadline_at=deadline_instant(deadlines[stage.pk], tz), now=now
                    ),
                )
            )
        rows.append(MemberGoals(user=member, cells=cells))
    return stages, rows


def suggested_bloggers(user: User, *, limit: int = 6) -> list[User]:
    """The "influential bloggers": people who publish, most followed first, not yet followed by ``user``."""
    from metrics.models import Activity

    authors = Activity.objects.filter(verb=Verb.ENTRY_PUBLISHED).values("actor_id")
    followed = Follow.objects.filter(follower=user).values("followee_id")
    return list(
        User.objects.filter(pk__in=authors, is_active=True)
        .exclude(pk=user.pk)
        .exclude(pk__in=followed)
        .select_related("profile")
        .annotate(followers=Count("follower_set", distinct=True))
        .order_by("-followers", "profile__display_name")[:limit]
    )
