"""Goal ladders (edited in the portal), progress recomputed from activity, and deadline reminders."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import metrics
from metrics.verbs import Verb
from portal.notifications import Event
from portal.notifications.services import notify
from portal.people.models import Cohort, Membership, User

from .. import permissions
from ..models import Goal, GoalLadder, GoalProgress, GoalReminder, GoalStage
from ..selectors import criteria
from ..selectors.goals import (
    deadline_instant,
    goal_cohort,
    goal_state,
    joined_dates,
    ladder_for,
    stage_deadline,
    user_tz,
)


# ----------------------------------------------------------------------------- editing ladders
def ladder_for_editing(*, actor: User, cohort: Cohort | None) -> GoalLadder:
    """The ladder to edit: the default, or the cohort's own (created as a copy of the default on first edit).

    Guarantees: only people allowed to edit that cohort's programme; the copy is complete (stages and
    goals) or not made at all.
    """
    if not permissions.can_edit_cohort_programme(actor, cohort):
        raise PermissionDenied("You cannot edit this goal ladder.")
    with transaction.atomic():
        if cohort is None:
            ladder = GoalLadder.objects.filter(cohort__isnull=True).first()
            if ladder is None:
                ladder = GoalLadder.objects.create(name="Default crawl, walk, run")
            return ladder
        ladder = GoalLadder.objects.select_for_update().filter(cohort=cohort).first()
        if ladder is not None:
            return ladder
        default = GoalLadder.objects.filter(cohort__isnull=True).first()
        ladder = GoalLadder.objects.create(cohort=cohort, name=f"{cohort.name} goals")
        if default is not None:
            for stage in default.stages.prefetch_related("goals"):
                copy = GoalStage.objects.create(
                    ladder=ladder,
                    kind=stage.kind,
                    title=stage.title,
                    deadline_days=stage.deadline_days,
                    deadline_date=stage.deadline_date,
                )
                Goal.objects.bulk_create(
                    Goal(stage=copy, position=g.position, title=g.title, criterion=g.criterion, params=g.params)
                    for g in stage.goals.all()
                )
    return ladder


def _touch(ladder: GoalLadder) -> None:
    GoalLadder.objects.filter(pk=ladder.pk).update(updated_at=timezone.now())


def stage_update(
    *, actor: User, stage: GoalStage, title: str, deadline_days: int | None, deadline_date: date | None
) -> GoalStage:
    """Rename a stage or move its deadline (relative days or a fixed date, exactly one)."""
    if not permissions.can_edit_cohort_programme(actor, stage.ladder.cohort):
        raise PermissionDenied("You cannot edit this goal ladder.")
    if (deadline_days is None) == (deadline_date is None):
        raise ValidationError("Give the deadline either as days after the cohort starts or as a date, not both.")
    if not (title or "").strip():
        raise ValidationError({"title": "Give the stage a title."})
    with transaction.atomic():
        stage.title = title.strip()
        stage.deadline_days = deadline_days
        stage.deadline_date = deadline_date
        stage.full_clean()
        stage.save()
        _touch(stage.ladder)
    return stage


def goal_save(
    *, actor: User, stage: GoalStage, title: str, criterion: str, params: dict, goal: Goal | None = None
) -> Goal:
    """Add a goal to a stage or change one. The criterion must exist and its parameters be valid."""
    if not permissions.can_edit_cohort_programme(actor, stage.ladder.cohort):
        raise PermissionDenied("You cannot edit this goal ladder.")
    crit = criteria.get(criterion)
    cleaned = crit.clean_params(params)
    title = (title or "").strip() or crit.describe(cleaned)
    with transaction.atomic():
        if goal is None:
            last = stage.goals.order_by("-position").values_list("position", flat=True).first() or 0
            goal = Goal(stage=stage, position=last + 1)
        elif goal.stage_id != stage.pk:
            raise ValidationError("This goal belongs to another stage.")
        goal.title, goal.criterion, goal.params = title[:160], criterion, cleaned
        goal.save()
        # The target may have changed: stored progress is recomputed for everyone on this ladder.
        GoalProgress.objects.filter(goal=goal, completed_at__isnull=True).update(target=crit.target(cleaned))
        _touch(stage.ladder)
    return goal


def goal_delete(*, actor: User, goal: Goal) -> None:
    if not permissions.can_edit_cohort_programme(actor, goal.stage.ladder.cohort):
        raise PermissionDenied("You cannot edit this goal ladder.")
    with transaction.atomic():
        ladder = goal.stage.ladder
        goal.delete()
        _touch(ladder)


# ----------------------------------------------------------------------------- progress
def goal_progress_update(*, user: User, now: datetime | None = None) -> list[GoalProgress]:
    """Recompute the person's progress on every goal of their ladder from activity. Idempotent.

    Guarantees: running it any number of times gives the same rows; a goal is completed once, at the
    moment its criterion was actually met, and GOAL_COMPLETED is recorded exactly once for it (rows
    are locked, so two concurrent runs cannot both complete it); a goal once done stays done.
    """
    now = now or timezone.now()
    cohort = goal_cohort(user)
    ladder = ladder_for(cohort)
    if ladder is None:
        return []
    goals = list(Goal.objects.filter(stage__ladder=ladder).select_related("stage"))
    facts = criteria.Facts(user)
    tz = user_tz(user)
    joined_on = joined_dates(cohort, [user.pk]).get(user.pk) if cohort is not None else None
    with transaction.atomic():
        GoalProgress.objects.bulk_create(
            [GoalProgress(goal=g, user=user, updated_at=now) for g in goals], ignore_conflicts=True
        )
        rows = {p.goal_id: p for p in GoalProgress.objects.select_for_update().filter(user=user, goal__in=goals)}
        changed = []
        for goal in goals:
            crit = criteria.REGISTRY.get(goal.criterion)
            row = rows[goal.pk]
            if crit is None:
                continue
            measure, met_at = crit.measure(facts, goal.params)
            current = min(measure.current, 10_000)
            dirty = row.current != current or row.target != measure.target
            row.current, row.target = current, measure.target
            if measure.met and row.completed_at is None:
                row.completed_at = min(met_at() or now, now)
                dirty = True
                deadline = stage_deadline(goal.stage, cohort, user, joined_on=joined_on)
                on_time = (
                    goal_state(completed_at=row.completed_at, deadline_at=deadline_instant(deadline, tz), now=now)
                    == "done_on_time"
                )
                metrics.record(
                    actor=user,
                    verb=Verb.GOAL_COMPLETED,
                    target=goal,
                    cohort=cohort,
                    at=row.completed_at,
                    data={
                        "goal": goal.pk,
                        "title": goal.title,
                        "stage": goal.stage.kind,
                        "criterion": goal.criterion,
                        "deadline": deadline.isoformat(),
                        "on_time": on_time,
                        "late": not on_time,
                    },
                )
            if dirty:
                row.updated_at = now
                changed.append(row)
        if changed:
            GoalProgress.objects.bulk_update(changed, ["current", "target", "completed_at", "updated_at"])
    return list(rows.values())


# ----------------------------------------------------------------------------- reminders
def goal_reminders_send(*, now: datetime | None = None) -> int:
    """Remind people whose stage deadline is within ONBOARDING_GOAL_REMINDER_DAYS and who still have goals open.

    Guarantees: at most one reminder per person per stage, ever (a unique row is claimed before the
    notification is created, in the same transaction); nothing is sent after a deadline has passed.
    Returns how many reminders were sent.
    """
    now = now or timezone.now()
    window = timedelta(days=settings.ONBOARDING_GOAL_REMINDER_DAYS)
    default = GoalLadder.objects.filter(cohort__isnull=True).first()
    custom = {lad.cohort_id: lad for lad in GoalLadder.objects.filter(cohort__isnull=False)}
    stages_by_ladder: dict[int, list[GoalStage]] = {}
    for stage in GoalStage.objects.prefetch_related("goals"):
        stages_by_ladder.setdefault(stage.ladder_id, []).append(stage)
    # Each person follows one ladder: that of their goal cohort (first joined as a member), as goal_cohort().
    goal_cohort_of: dict[int, int] = {}
    for user_id, cohort_id in Membership.objects.order_by("-kind", "joined_at").values_list("user_id", "cohort_id"):
        goal_cohort_of.setdefault(user_id, cohort_id)
    sent = 0
    for cohort in Cohort.objects.all():
        ladder = custom.get(cohort.pk) or default
        if ladder is None:
            continue
        due = []
        for stage in stages_by_ladder.get(ladder.pk, []):
            deadline = stage_deadline(stage, cohort)
            # Roughly in range for someone in any time zone; checked exactly per person below.
            if (
                now - timedelta(days=1)
                <= deadline_instant(deadline, timezone.get_current_timezone())
                <= now + window + timedelta(days=1)
            ):
                due.append((stage, deadline))
        if not due:
            continue
        members = list(
            User.objects.filter(
                memberships__cohort=cohort, memberships__kind=Membership.Kind.MEMBER, is_active=True
            ).select_related("profile")
        )
        goal_ids = [g.pk for stage, _ in due for g in stage.goals.all()]
        done = set(
            GoalProgress.objects.filter(goal_id__in=goal_ids, user__in=members, completed_at__isnull=False).values_list(
                "user_id", "goal_id"
            )
        )
        already = set(
            GoalReminder.objects.filter(stage__in=[s for s, _ in due], user__in=members).values_list(
                "user_id", "stage_id"
            )
        )
        joined = joined_dates(cohort, [m.pk for m in members])
        for stage, _cohort_deadline in due:
            open_goals = list(stage.goals.all())
            for member in members:
                if (member.pk, stage.pk) in already or goal_cohort_of.get(member.pk) != cohort.pk:
                    continue
                deadline = stage_deadline(stage, cohort, joined_on=joined.get(member.pk))
                deadline_at = deadline_instant(deadline, user_tz(member))
                if not (now < deadline_at <= now + window):
                    continue
                remaining = [g for g in open_goals if (member.pk, g.pk) not in done]
                if not remaining:
                    continue
                if _remind(member=member, stage=stage, deadline=deadline, remaining=len(remaining), now=now):
                    sent += 1
    return sent


def _remind(*, member: User, stage: GoalStage, deadline: date, remaining: int, now: datetime) -> bool:
    with transaction.atomic():
        _, created = GoalReminder.objects.get_or_create(user=member, stage=stage, defaults={"sent_at": now})
        if not created:
            return False
        goals_word = "goal" if remaining == 1 else "goals"
        notify(
            recipient=member,
            event=Event.GOAL_DEADLINE,
            text=f"{stage.title}: {remaining} {goals_word} left before {deadline:%-d %B}.",
            url=reverse("onboarding:goals"),
            target=stage,
            group_key=f"goal-deadline:{stage.pk}",
        )
    return True


# ----------------------------------------------------------------------------- overdue
def goal_overdue_record(*, now: datetime | None = None) -> int:
    """Record GOAL_OVERDUE once per person and goal whose stage deadline passed unmet. Returns how many.

    Guarantees: each (person, goal) is claimed by a conditional update of its progress row before the
    activity is written, in one transaction, so two runs never record it twice; progress is recomputed
    first for the people concerned, so a goal met just before its deadline (and not yet counted) is not
    called overdue; the activity is dated at the deadline itself, in the person's time zone.
    """
    now = now or timezone.now()
    default = GoalLadder.objects.filter(cohort__isnull=True).first()
    custom = {lad.cohort_id: lad for lad in GoalLadder.objects.filter(cohort__isnull=False)}
    stages_by_ladder: dict[int, list[GoalStage]] = {}
    for stage in GoalStage.objects.prefetch_related("goals"):
        stages_by_ladder.setdefault(stage.ladder_id, []).append(stage)
    goal_cohort_of: dict[int, int] = {}
    for user_id, cohort_id in Membership.objects.order_by("-kind", "joined_at").values_list("user_id", "cohort_id"):
        goal_cohort_of.setdefault(user_id, cohort_id)
    recorded = 0
    for cohort in Cohort.objects.all():
        ladder = custom.get(cohort.pk) or default
        if ladder is None:
            continue
        # Deadlines that have passed somewhere on earth (checked exactly per person below).
        passed = [
            (stage, stage_deadline(stage, cohort))
            for stage in stages_by_ladder.get(ladder.pk, [])
            if deadline_instant(stage_deadline(stage, cohort), timezone.get_current_timezone())
            <= now + timedelta(days=1)
        ]
        if not passed:
            continue
        goal_ids = [g.pk for stage, _ in passed for g in stage.goals.all()]
        members = [
            u
            for u in User.objects.filter(
                memberships__cohort=cohort, memberships__kind=Membership.Kind.MEMBER, is_active=True
            ).select_related("profile")
            if goal_cohort_of.get(u.pk) == cohort.pk
        ]
        settled = set(
            GoalProgress.objects.filter(goal_id__in=goal_ids, user__in=members)
            .exclude(completed_at__isnull=True, overdue_at__isnull=True)
            .values_list("user_id", "goal_id")
        )
        joined = joined_dates(cohort, [m.pk for m in members])
        for member in members:
            tz = user_tz(member)
            # Relative deadlines count from the day this member joined, if later than the cohort start.
            mine = [(stage, stage_deadline(stage, cohort, joined_on=joined.get(member.pk))) for stage, _ in passed]
            late = [
                (stage, deadline, goal)
                for stage, deadline in mine
                if now >= deadline_instant(deadline, tz)
                for goal in stage.goals.all()
                if (member.pk, goal.pk) not in settled
            ]
            if not late:
                continue
            goal_progress_update(user=member, now=now)  # count anything done just before the deadline
            for stage, deadline, goal in late:
                if _claim_overdue(member=member, goal=goal, stage=stage, deadline=deadline, cohort=cohort, now=now):
                    recorded += 1
    return recorded


def _claim_overdue(*, member: User, goal: Goal, stage: GoalStage, deadline: date, cohort: Cohort, now) -> bool:
    with transaction.atomic():
        claimed = GoalProgress.objects.filter(
            goal=goal, user=member, completed_at__isnull=True, overdue_at__isnull=True
        ).update(overdue_at=now)
        if not claimed:
            return False
        metrics.record(
            actor=member,
            verb=Verb.GOAL_OVERDUE,
            target=goal,
            cohort=cohort,
            at=min(deadline_instant(deadline, user_tz(member)), now),
            data={"goal": goal.pk, "title": goal.title, "stage": stage.kind, "deadline": deadline.isoformat()},
        )
    return True
