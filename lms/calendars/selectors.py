"""What goes into a person's calendar: plain data, read in a fixed number of queries.

lms reads three other apps here, read-only: portal (cohort sessions), facilitation (starter prompts the
person facilitates) and onboarding (goal ladders and their deadline rules). A calendar is a view over
their schedules, so these arrows point from lms to them and never back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import cast

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from onboarding.facilitation.models import ScheduledPrompt
from onboarding.selectors.goals import goal_cohort, ladder_for, stage_deadline
from portal.people.models import CohortSession, Membership


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    description: str
    path: str  # the page in the portal (made absolute by the builder)
    start: datetime | date
    end: datetime | date
    categories: tuple[str, ...] = field(default_factory=tuple)
    updated: datetime | None = None


def _host() -> str:
    from urllib.parse import urlsplit

    return urlsplit(settings.SITE_URL).hostname or "keystone.invalid"


def session_event(session: CohortSession) -> CalendarEvent:
    """One formal session (its cohort preloaded)."""
    cohort = session.cohort
    return CalendarEvent(
        uid=f"session-{session.pk}@{_host()}",
        summary=f"{cohort.name}: {session.title}",
        description=f"Session {session.number} of the {cohort.name} cohort.",
        path=cohort.get_absolute_url(),
        start=session.starts_at,
        end=session.starts_at + timedelta(minutes=settings.CALENDAR_SESSION_MINUTES),
        categories=("Cohort session",),
    )


def _session_events(user) -> list[CalendarEvent]:
    sessions = (
        CohortSession.objects.filter(cohort__memberships__user=user)
        .select_related("cohort")
        .order_by("starts_at", "pk")
        .distinct()
    )
    return [session_event(s) for s in sessions]


def _prompt_events(user, since: datetime) -> list[CalendarEvent]:
    """Release times of starter prompts in the cohorts the person facilitates (queued with a time, or released)."""
    facilitated = Membership.objects.filter(user=user, kind=Membership.Kind.FACILITATOR).values("cohort_id")
    prompts = (
        ScheduledPrompt.objects.filter(cohort_id__in=facilitated)
        .exclude(status=ScheduledPrompt.Status.CANCELLED)
        .filter(release_at__isnull=False, release_at__gte=since)
        .select_related("cohort", "board")
        .order_by("release_at", "pk")
    )
    events = []
    for p in prompts:
        at = cast(datetime, p.released_at or p.release_at)  # a scheduled prompt always has a release time
        events.append(
            CalendarEvent(
                uid=f"prompt-{p.pk}@{_host()}",
                summary=f"Starter prompt goes out: {p.title}",
                description=f"In {p.board.title}, {p.cohort.name} cohort. {p.get_status_display()}.",
                path=reverse("facilitation:schedule", args=[p.cohort.slug]),
                start=at,
                end=at + timedelta(minutes=settings.CALENDAR_PROMPT_MINUTES),
                categories=("Starter prompt",),
                updated=p.updated_at,
            )
        )
    return events


def _goal_events(user) -> list[CalendarEvent]:
    """One all-day event per stage of the person's goal ladder, on its deadline (their cohort's rule)."""
    cohort = goal_cohort(user)
    ladder = ladder_for(cohort)
    if ladder is None:
        return []
    events = []
    for stage in ladder.stages.prefetch_related("goals"):
        goals = [g.title for g in stage.goals.all()]
        if not goals:
            continue
        day = stage_deadline(stage, cohort, user)
        events.append(
            CalendarEvent(
                uid=f"goal-stage-{stage.pk}-{user.pk}@{_host()}",
                summary=f"Goal deadline: {stage.get_kind_display()} ({stage.title})",
                description="Goals due: " + "; ".join(goals) + ".",
                path=reverse("onboarding:goals"),
                start=day,
                end=day + timedelta(days=1),
                categories=("Goal deadline",),
            )
        )
    return events


def person_calendar(user, *, now: datetime | None = None) -> list[CalendarEvent]:
    """Everything in one person's calendar feed.

    Guarantees: a fixed number of queries however many sessions, prompts and goals there are; only
    the person's own cohorts, and prompt times only where they facilitate; prompts released more than
    CALENDAR_PAST_DAYS ago are left out (the feed stays small).
    """
    now = now or timezone.now()
    since = now - timedelta(days=settings.CALENDAR_PAST_DAYS)
    return _session_events(user) + _prompt_events(user, since) + _goal_events(user)
