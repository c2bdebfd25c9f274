"""Reads about goals: which ladder applies, deadlines in each person's time zone, states, tables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import Count, Exists, F, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from metrics.verbs import Verb
from portal.people.models import Cohort, Follow, Membership, User
from portal.prepared_models import prepared_objects

from ..models import Goal, GoalLadder, GoalProgress, GoalStage
from . import criteria

_M = TypeVar("_M", bound=Model)
_UNSET = object()


class State:
    PENDING = "pending"
    ON_TIME = "done_on_time"
    LATE = "done_late"
    OVERDUE = "overdue"
    LABELS = {PENDING: "To do", ON_TIME: "Done on time", LATE: "Done late", OVERDUE: "Overdue"}


def user_tz(user) -> ZoneInfo:
    return zone_named(getattr(getattr(user, "profile", None), "timezone", ""))


def zone_named(name: str | None) -> ZoneInfo:
    """The zone a profile's ``timezone`` names: the site's zone when it is empty or unknown."""
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def goal_memberships(user) -> QuerySet[Membership]:
    """A person's memberships, the one whose cohort's ladder they follow first (see ``goal_membership``)."""
    return (
        Membership.objects.filter(user=user)
        .select_related("cohort")
        .order_by("-kind", "joined_at")  # "member" sorts after "facilitator": members first when reversed
    )


def goal_membership(user) -> Membership | None:
    """The membership whose cohort's ladder a person follows: the first they joined as a member, else any."""
    return goal_memberships(user).first()


def goal_cohort(user) -> Cohort | None:
    """The cohort whose ladder a person follows (see ``goal_membership``)."""
    membership = goal_membership(user)
    return membership.cohort if membership else None


def own_or_default(qs: QuerySet[_M], cohort: Cohort | None) -> _M | None:
    """The cohort's own row (lowest id), else the default one (no cohort): one query."""
    if cohort is None:
        return qs.filter(cohort__isnull=True).order_by("pk").first()
    return (
        qs.filter(Q(cohort=cohort) | Q(cohort__isnull=True)).order_by(F("cohort_id").asc(nulls_last=True), "pk").first()
    )


def own_or_default_pk(qs: QuerySet, cohort_ref) -> Subquery:
    """``own_or_default`` as a subquery: the pk of the cohort's own row, else of the default one.

    ``cohort_ref`` is an expression for the cohort id (``OuterRef("cohort_id")``), or None for no cohort.
    """
    if cohort_ref is None:
        return Subquery(qs.filter(cohort__isnull=True).order_by("pk").values("pk")[:1])
    return Subquery(
        qs.filter(Q(cohort_id=cohort_ref) | Q(cohort__isnull=True))
        .order_by(F("cohort_id").asc(nulls_last=True), "pk")
        .values("pk")[:1]
    )


def ladder_for(cohort: Cohort | None) -> GoalLadder | None:
    """The cohort's own ladder, else the default one."""
    return own_or_default(GoalLadder.objects.all(), cohort)


def stage_deadline(
    stage: GoalStage, cohort: Cohort | None, user: User | None = None, *, joined_on: date | None = None
) -> date:
    """The deadline date: a fixed date, or days after the cohort start (no cohort: after the person joined).

    A person who joined the cohort after it started counts the days from the day they joined
    (``joined_on``), so a late joiner never starts with goals already overdue.
    """
    if stage.deadline_date is not None:
        return stage.deadline_date
    if cohort is not None:
        start = cohort.starts_on
        if joined_on is not None and joined_on > start:
            start = joined_on
    elif user is not None:
        start = timezone.localdate(user.date_joined, user_tz(user))
    else:
        start = timezone.localdate()
    return start + timedelta(days=stage.deadline_days or 0)


def joined_dates(cohort: Cohort, user_ids=None) -> dict[int, date]:
    """The local day each member joined ``cohort`` (one query), for deadlines relative to the start."""
    qs = Membership.objects.filter(cohort=cohort)
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    return {user_id: timezone.localdate(at) for user_id, at in qs.values_list("user_id", "joined_at")}


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


def _my_ladder_stages(user: User, cohort: Cohort | None) -> list[GoalStage]:
    """The stages of the ladder that applies, each with its goals carrying the person's stored progress.

    Two queries: the ladder is a subquery, and progress is annotated on each goal (``my_current``,
    ``my_completed_at``, ``my_has_progress``) instead of read separately. Both are compiled once per thread
    (issue 13: the home page's goals card); the goals are put on their stages as ``prefetch_related`` would.
    """
    if cohort is None:
        stages = prepared_objects("onboarding.ladder_stages.default", _ladder_stages)
        goals = prepared_objects("onboarding.ladder_goals.default", _ladder_goals_of, user.pk)
    else:
        stages = prepared_objects("onboarding.ladder_stages", _ladder_stages, cohort.pk)
        goals = prepared_objects("onboarding.ladder_goals", _ladder_goals_of, user.pk, cohort.pk)
    by_stage: dict[int, list[Goal]] = {stage.pk: [] for stage in stages}
    stage_field = Goal._meta.get_field("stage")
    for goal in goals:
        by_stage[goal.stage_id].append(goal)
    for stage in stages:
        for goal in by_stage[stage.pk]:
            stage_field.set_cached_value(goal, stage)
        prefetched: Any = Goal.objects.all()
        prefetched._result_cache = by_stage[stage.pk]
        prefetched._prefetch_done = True
        stage._prefetched_objects_cache = {stage_field.remote_field.cache_name: prefetched}
    return sorted(stages, key=lambda s: s.order)


def _ladder_pk(cohort_id: int | None) -> Subquery:
    return own_or_default_pk(GoalLadder.objects.all(), cohort_id)


def _ladder_stages(cohort_id: int | None = None) -> QuerySet[GoalStage]:
    return GoalStage.objects.filter(ladder_id=_ladder_pk(cohort_id))


def _ladder_goals_of(user_id: int, cohort_id: int | None = None) -> QuerySet[Goal]:
    """The goals of the ladder's stages, in the order the stages' prefetch gave them."""
    mine = GoalProgress.objects.filter(user_id=user_id, goal=OuterRef("pk"))
    return (
        Goal.objects.filter(stage__ladder_id=_ladder_pk(cohort_id))
        .order_by("position", "pk")
        .annotate(
            my_has_progress=Exists(mine),
            my_current=Subquery(mine.values("current")[:1]),
            my_completed_at=Subquery(mine.values("completed_at")[:1]),
        )
    )


def my_goals(
    user: User, *, now: datetime | None = None, membership: Membership | object | None = _UNSET
) -> list[StageRow]:
    """The person's ladder with progress, deadline and state per goal (two queries, plus the membership).

    ``membership``: the person's ``goal_membership``, when the caller has already read it.
    """
    now = now or timezone.now()
    membership = goal_membership(user) if membership is _UNSET else cast("Membership | None", membership)
    cohort = membership.cohort if membership is not None else None
    stages = _my_ladder_stages(user, cohort)
    if not stages:
        return []
    tz = user_tz(user)
    today = timezone.localdate(now, tz)
    joined_on = timezone.localdate(membership.joined_at) if membership is not None else None
    rows = []
    for stage in stages:
        deadline = stage_deadline(stage, cohort, user, joined_on=joined_on)
        deadline_at = deadline_instant(deadline, tz)
        stage_row = StageRow(stage=stage, deadline=deadline, days_left=(deadline - today).days)
        for goal in stage.goals.all():
            crit = criteria.REGISTRY.get(goal.criterion)
            g = cast(Any, goal)
            target = crit.target(goal.params) if crit else 1
            completed_at = g.my_completed_at if g.my_has_progress else None
            stage_row.goals.append(
                GoalRow(
                    goal=goal,
                    current=min(g.my_current, target) if g.my_has_progress else 0,
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


def cohort_goal_table(
    cohort: Cohort, *, now: datetime | None = None, user_ids: Iterable[int] | None = None
) -> tuple[list[GoalStage], list[MemberGoals]]:
    """Every member x every goal of the cohort's ladder, from stored progress (queries do not grow with members).

    ``user_ids`` narrows the members to some (the console's page of its member table).
    """
    now = now or timezone.now()
    ladder = ladder_for(cohort)
    if ladder is None:
        return [], []
    stages = _ladder_goals(ladder)
    goals = [(stage, goal) for stage in stages for goal in stage.goals.all()]
    member_qs = Membership.objects.filter(cohort=cohort, kind=Membership.Kind.MEMBER)
    if user_ids is not None:
        member_qs = member_qs.filter(user_id__in=list(user_ids))
    memberships = list(member_qs.select_related("user__profile").order_by("user__profile__display_name", "user__email"))
    members = [m.user for m in memberships]
    joined = {m.user_id: timezone.localdate(m.joined_at) for m in memberships}
    progress = {
        (p.user_id, p.goal_id): p
        for p in GoalProgress.objects.filter(goal__stage__ladder=ladder, user__in=[m.pk for m in members]).only(
            "user_id", "goal_id", "current", "target", "completed_at"
        )
    }
    # Deadlines once per stage and join date (late joiners count from the day they joined), deadline
    # instants once per stage, join date and time zone, targets once per goal: not per member x goal (the
    # console with hundreds of members spent most of its time here, issue 13).
    targets = {}
    for _, goal in goals:
        crit = criteria.REGISTRY.get(goal.criterion)
        targets[goal.pk] = crit.target(goal.params) if crit else 1
    deadline_cache: dict[tuple[int, date | None], date] = {}
    instants: dict[tuple[int, date | None, str], datetime] = {}
    rows = []
    for member in members:
        tz = user_tz(member)
        joined_on = joined.get(member.pk)
        deadlines = {}
        at = {}
        for stage in stages:
            dkey = (stage.pk, joined_on)
            if dkey not in deadline_cache:
                deadline_cache[dkey] = stage_deadline(stage, cohort, joined_on=joined_on)
            deadlines[stage.pk] = deadline_cache[dkey]
            ikey = (stage.pk, joined_on, str(tz))
            if ikey not in instants:
                instants[ikey] = deadline_instant(deadlines[stage.pk], tz)
            at[stage.pk] = instants[ikey]
        cells = []
        for stage, goal in goals:
            target = targets[goal.pk]
            p = progress.get((member.pk, goal.pk))
            completed_at = p.completed_at if p else None
            cells.append(
                GoalRow(
                    goal=goal,
                    current=min(p.current, target) if p else 0,
                    target=target,
                    completed_at=completed_at,
                    deadline=deadlines[stage.pk],
                    state=goal_state(completed_at=completed_at, deadline_at=at[stage.pk], now=now),
                )
            )
        rows.append(MemberGoals(user=member, cells=cells))
    return stages, rows


def suggested_bloggers(user: User, *, limit: int = 6) -> list[User]:
    """The "influential bloggers": people who publish, most followed first, not yet followed by ``user``."""
    from metrics.api import actor_ids_who

    authors = actor_ids_who(verbs=[Verb.ENTRY_PUBLISHED])
    followed = Follow.objects.filter(follower=user).values("followee_id")
    return list(
        User.objects.filter(pk__in=authors, is_active=True)
        .exclude(pk=user.pk)
        .exclude(pk__in=followed)
        .select_related("profile")
        .annotate(followers=Count("follower_set", distinct=True))
        .order_by("-followers", "profile__display_name")[:limit]
    )
