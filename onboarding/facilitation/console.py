"""The cohort console's reads: the cohort's summary, the filtered member table a page at a time, its queues.

A fixed number of queries whatever the number of members (``tests/facilitation/test_console*.py``), and
no work per member in Python beyond one page of the table (issue 13): who has finished onboarding, has
posted, is behind on goals or has gone quiet is decided by the database (``member_conditions``), which
counts the summary, filters the table and pages it. One page of rows is then built in full
(``member_rows``). Onboarding's own selectors work one person at a time
(``onboarding.selectors.path.path_state``); this module reads the same tables in bulk, and tests check
that both agree step by step and that the summary agrees with the rows.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from blogs.models import Entry
from forums.models import Board, Flag, Post
from metrics import api as activity_log
from metrics.verbs import Verb
from onboarding.models import (
    CohortOnboarding,
    GoalProgress,
    GoalStage,
    LessonProgress,
    OnboardingPath,
    PolicyAcknowledgement,
    PolicyVersion,
    Step,
    Survey,
    SurveyResponse,
)
from onboarding.models.path import SKIPPABLE_STEPS
from onboarding.models.surveys import Round
from onboarding.selectors import criteria
from onboarding.selectors.goals import cohort_goal_table, deadline_instant, ladder_for, stage_deadline, zone_named
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


@dataclass(frozen=True)
class _PathRules:
    """What decides a member's onboarding steps in this cohort (three queries, once per page)."""

    optional: frozenset[str]  # steps the cohort made optional: skipping one finishes it
    survey: Survey | None  # the readiness survey (None: the survey step is done for everyone)
    version: PolicyVersion | None  # the current policy (None: the policy step is done for everyone)


def _path_rules(cohort: Cohort) -> _PathRules:
    settings_row = CohortOnboarding.objects.filter(cohort=cohort).first()
    optional = set(settings_row.optional_steps) if settings_row else set()
    return _PathRules(
        optional=frozenset(optional & {str(s) for s in SKIPPABLE_STEPS}),
        survey=leader_survey_for(None, cohort),
        version=current_version(),
    )


def _onboarding_steps(
    cohort: Cohort, users: list[User], rules: _PathRules | None = None
) -> tuple[dict[int, tuple[int, str]], set[int] | None]:
    """({user id: (steps finished, next step label)}, who answered the readiness survey's before round or
    None when there is no survey), with the rules of ``path_state``, for many people at once."""
    ids = [u.pk for u in users]
    paths = {p.user_id: p for p in OnboardingPath.objects.filter(user_id__in=ids)}
    rules = rules or _path_rules(cohort)
    optional = set(rules.optional)
    survey = rules.survey
    surveyed = (
        set(
            SurveyResponse.objects.filter(survey=survey, respondent_id__in=ids, round=Round.BEFORE).values_list(
                "respondent_id", flat=True
            )
        )
        if survey is not None
        else set(ids)
    )
    version = rules.version
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


def member_rows(
    cohort: Cohort,
    *,
    now: datetime | None = None,
    users: list[User] | None = None,
    rules: _PathRules | None = None,
) -> list[MemberRow]:
    """Every member of the cohort (not its facilitators), by name, with everything the console shows.

    ``users``: only these members (the console's page of the table), in their order. A fixed number of
    queries, but Python work per member: the console builds one page of rows with it, never the cohort.
    """
    now = now or timezone.now()
    users = selectors.cohort_members(cohort) if users is None else users
    if not users:
        return []
    ids = [u.pk for u in users]
    steps, surveyed = _onboarding_steps(cohort, users, rules)
    _, goal_rows = cohort_goal_table(cohort, now=now, user_ids=ids)
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
    """The rows matching every chosen filter (row by row; ``MemberConditions.matching`` is the same in SQL)."""
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


# ---------------------------------------------------------------- the same facts as SQL conditions
NEVER = Q(pk__isnull=True)  # a condition no user meets (a primary key is never null)


def _any(conditions: list[Q]) -> Q:
    out = NEVER
    for condition in conditions:
        out = condition if out is NEVER else out | condition
    return out


def _mine(qs: QuerySet) -> Exists:
    """``qs`` has a row of the user the outer query is at (``qs`` is filtered by ``user``)."""
    return Exists(qs.filter(user=OuterRef("pk")))


@dataclass(frozen=True)
class MemberConditions:
    """The facts the console's summary and filters count, as conditions on ``User`` rows.

    Guarantees: for every member, each condition holds exactly when the ``MemberRow`` that ``member_rows``
    builds says so (``onboarded``, ``never_posted``, ``behind``, ``quiet_for``): the same tables and rules,
    with goal deadlines worked out once per stage and time zone instead of per member x goal.
    """

    members: QuerySet  # the cohort's active members (not its facilitators)
    onboarded: Q
    posted: Q
    behind: Q
    now: datetime

    def quiet(self, days: int) -> Q:
        """Nothing in the activity log and no sign-in for ``days`` days (or ever)."""
        since = self.now - timedelta(days=days)
        recent = activity_log.activities(since=since).filter(actor_id=OuterRef("pk"))
        return (Q(last_login__isnull=True) | Q(last_login__lt=since)) & Q(~Exists(recent))

    def matching(self, filters: MemberFilters) -> Q:
        """Members matching every chosen filter: ``filter_rows`` as one condition."""
        out = Q()
        if filters.quiet_days:
            out &= self.quiet(filters.quiet_days)
        if filters.behind:
            out &= self.behind
        if filters.never_posted:
            out &= ~self.posted
        if filters.not_onboarded:
            out &= ~self.onboarded
        return out


def _onboarded(rules: _PathRules) -> Q:
    """Every step of the path done, or skipped where the cohort made it optional (``_onboarding_steps``)."""
    paths = OnboardingPath.objects.all()
    surveyed = SurveyResponse.objects.filter(survey=rules.survey, respondent=OuterRef("pk"), round=Round.BEFORE)
    acknowledged = PolicyAcknowledgement.objects.filter(version__major=rules.version.major if rules.version else 0)
    done: dict[Step, Q | None] = {  # None: done for everyone
        Step.WELCOME: Q(_mine(paths.filter(welcome_seen_at__isnull=False))),
        Step.SURVEY: None if rules.survey is None else Q(Exists(surveyed)),
        Step.POLICY: None if rules.version is None else Q(_mine(acknowledged)),
        Step.PROFILE: Q(profile__completed_at__isnull=False),
        Step.LESSON: Q(_mine(LessonProgress.objects.filter(completed_at__isnull=False))),
        Step.PRACTICE: Q(Exists(_practised().filter(actor_id=OuterRef("pk")))),
        Step.GOALS: Q(_mine(paths.filter(goals_seen_at__isnull=False))),
    }
    out = Q()
    for step, condition in done.items():
        if condition is None:
            continue
        if str(step) in rules.optional:  # ``skipped`` is a JSON list of step keys
            condition |= Q(_mine(paths.filter(skipped__icontains=f'"{step}"')))
        out &= condition
    return out


def _practised() -> QuerySet:
    """Replies to a starter prompt in a cohort of the replier's (the path's practice step)."""
    member_of = Membership.objects.filter(user=OuterRef("actor"), cohort=OuterRef("cohort"))
    return (
        activity_log.activities(verbs=[Verb.POST_CREATED], context_type=criteria.topic_content_type())
        .filter(context_id__in=criteria.prompt_topic_ids())
        .filter(Exists(member_of))
    )


def _posted() -> Q:
    posts = Post.objects.filter(author=OuterRef("pk"), deleted_at__isnull=True, hidden_at__isnull=True)
    entries = Entry.objects.filter(author=OuterRef("pk"), status=Entry.Status.PUBLISHED)
    return Q(Exists(posts)) | Q(Exists(entries))


def _latest_late_join(stage: GoalStage, cohort: Cohort, zone, now: datetime) -> date | None:
    """The last day a member may have joined and have ``stage`` overdue by ``now`` in ``zone``: None when
    nobody has (even who joined before the start). Deadlines grow with the join day, so it is a cut-off."""

    def overdue(joined_on: date) -> bool:
        return now >= deadline_instant(stage_deadline(stage, cohort, joined_on=joined_on), zone)

    if not overdue(cohort.starts_on):
        return None
    day = max(cohort.starts_on, timezone.localdate(now, zone) - timedelta(days=(stage.deadline_days or 0) + 1))
    while day > cohort.starts_on and not overdue(day):
        day -= timedelta(days=1)
    while overdue(day + timedelta(days=1)):
        day += timedelta(days=1)
    return day


def _behind(cohort: Cohort, members: QuerySet, now: datetime) -> Q:
    """A goal of the cohort's ladder not done by its stage's deadline (``cohort_goal_table``'s overdue).

    Deadlines depend on the stage, the member's time zone and, for late joiners, the day they joined: they
    are worked out once per stage and time zone in the cohort (two queries, plus the ladder's), and become
    a condition on the zone and the join time.
    """
    ladder = ladder_for(cohort)
    if ladder is None:
        return NEVER
    stages = [s for s in GoalStage.objects.filter(ladder=ladder).annotate(n=Count("goals")) if s.n]
    if not stages:
        return NEVER
    names = set(members.order_by().values_list("profile__timezone", flat=True).distinct())
    zones = {name: zone_named(name) for name in names}
    here = timezone.get_current_timezone()
    conditions = []
    for stage in stages:
        by_outcome: dict[Any, list[str | None]] = {}  # True (everyone), a latest join day, or None (nobody)
        for name, zone in zones.items():
            if stage.deadline_date is not None:
                outcome: Any = now >= deadline_instant(stage_deadline(stage, cohort), zone) or None
            else:
                outcome = _latest_late_join(stage, cohort, zone, now)
            by_outcome.setdefault(outcome, []).append(name)
        overdue = []
        for outcome, in_zones in by_outcome.items():
            if outcome is None:
                continue
            named = [n for n in in_zones if n is not None]
            zone_q = Q(profile__timezone__in=named) if named else Q(profile__isnull=True)
            if named and None in in_zones:
                zone_q |= Q(profile__isnull=True)
            if outcome is not True:  # joined (local day, as ``joined_dates`` counts it) no later than that day
                before = datetime.combine(outcome + timedelta(days=1), time.min, tzinfo=here)
                joined = Membership.objects.filter(
                    cohort=cohort, kind=Membership.Kind.MEMBER, user=OuterRef("pk"), joined_at__lt=before
                )
                zone_q &= Q(Exists(joined))
            overdue.append(zone_q)
        if not overdue:
            continue
        done = GoalProgress.objects.filter(
            user=OuterRef(OuterRef("pk")), goal=OuterRef("pk"), completed_at__isnull=False
        )
        undone = stage.goals.filter(~Exists(done))
        conditions.append(_any(overdue) & Q(Exists(undone)))
    return _any(conditions)


def member_conditions(cohort: Cohort, *, now: datetime, rules: _PathRules | None = None) -> MemberConditions:
    """The cohort's members and the conditions the console counts and filters them by (a few queries)."""
    members = User.objects.filter(
        Exists(Membership.objects.filter(cohort=cohort, kind=Membership.Kind.MEMBER, user=OuterRef("pk"))),
        is_active=True,
    )
    return MemberConditions(
        members=members,
        onboarded=_onboarded(rules or _path_rules(cohort)),
        posted=_posted(),
        behind=_behind(cohort, members, now),
        now=now,
    )


def member_ids(cohort: Cohort, filters: MemberFilters, *, now: datetime | None = None) -> list[int]:
    """The ids of the members matching ``filters`` (the nudge form's preselection), by name."""
    conditions = member_conditions(cohort, now=now or timezone.now())
    qs = conditions.members.filter(conditions.matching(filters)).order_by("profile__display_name", "email")
    return list(qs.values_list("pk", flat=True))


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
    counts: QueueCounts
    timeline: list
    summary: dict[str, int]  # counts over every member: members, onboarded, posted, behind, quiet_week
    shown: int  # members matching the filters
    page_rows: list[MemberRow]  # the page of those the table shows, by name
    page: int
    pages: int
    boards_without_queue: list[Board] = field(default_factory=list)


def console(
    cohort: Cohort, *, filters: MemberFilters, now: datetime | None = None, page: int = 1, page_size: int = 50
) -> Console:
    """Everything the cohort console shows, in a fixed number of queries and with Python work for one page
    of members only: the summary and the filtered count are one aggregate query over the cohort.

    Guarantees: ``page`` is clamped to the pages there are (1 when nobody matches).
    """
    now = now or timezone.now()
    rules = _path_rules(cohort)
    conditions = member_conditions(cohort, now=now, rules=rules)
    postgres = connection.vendor == "postgresql"
    # On SQLite no transaction: IMMEDIATE mode would take the write lock for a read.
    with transaction.atomic() if postgres else nullcontext():
        if postgres:
            # A subplan per member and condition inflates the estimated cost past jit_above_cost: compiling
            # took 170 ms of a 210 ms count of 2,000 members (as in metrics.rollup.days); this transaction only.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        summary = conditions.members.aggregate(
            members=Count("pk"),
            onboarded=Count("pk", filter=conditions.onboarded),
            posted=Count("pk", filter=conditions.posted),
            behind=Count("pk", filter=conditions.behind),
            quiet_week=Count("pk", filter=conditions.quiet(7)),
            shown=Count("pk", filter=conditions.matching(filters)),
        )
        shown = summary.pop("shown")
        pages = max(1, -(-shown // page_size))
        page = min(pages, max(1, page))
        users = []
        if shown:
            users = list(
                conditions.members.filter(conditions.matching(filters))
                .select_related("profile")
                .order_by("profile__display_name", "email")[(page - 1) * page_size : page * page_size]
            )
    prompts = selectors.schedule_prompts(cohort)
    sessions = selectors.cohort_sessions(cohort)
    queued_boards = {p.board_id for p in prompts if p.status == ScheduledPrompt.Status.QUEUED}
    boards = selectors.cohort_boards(cohort)
    return Console(
        cohort=cohort,
        counts=queue_counts(cohort, now=now),
        timeline=selectors.timeline(prompts, sessions),
        summary=summary,
        shown=shown,
        page_rows=member_rows(cohort, now=now, users=users, rules=rules),
        page=page,
        pages=pages,
        boards_without_queue=[b for b in boards if b.pk not in queued_boards],
    )
