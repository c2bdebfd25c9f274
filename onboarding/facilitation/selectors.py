"""Reads for facilitation pages, with what each page needs joined (query counts do not grow with rows).

The cohort console's member table is in ``console.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from forums.models import Board, Post
from portal.people.models import Cohort, CohortSession, Membership, User

from . import permissions, timing
from .models import (
    BuddyPair,
    CohortFacilitation,
    Nudge,
    PromptCategory,
    PromptTemplate,
    ReviewComment,
    ReviewRequest,
    ReviewRevision,
    ScheduledPrompt,
)


# ---------------------------------------------------------------- cohort settings
def cohort_settings(cohort: Cohort) -> CohortFacilitation:
    """The cohort's facilitation settings, or (unsaved) the site defaults when it has none."""
    try:
        row = cohort.facilitation
    except CohortFacilitation.DoesNotExist:
        row = None
    if row is None:
        row = CohortFacilitation(cohort=cohort, quiet_days=settings.FACILITATION_QUIET_DAYS)
    return row


def cohort_zone(cohort: Cohort) -> ZoneInfo:
    return timing.zone(cohort_settings(cohort).time_zone)


def cohort_boards(cohort: Cohort) -> list[Board]:
    return list(Board.objects.filter(cohort=cohort).order_by("position", "title"))


def cohort_sessions(cohort: Cohort) -> list[CohortSession]:
    return list(CohortSession.objects.filter(cohort=cohort).order_by("number"))


def default_session(sessions: list[CohortSession], now: datetime | None = None) -> CohortSession | None:
    """The session a one-click clone is timed around: the next one to come, else the last."""
    now = now or timezone.now()
    upcoming = [s for s in sessions if s.starts_at >= now]
    return upcoming[0] if upcoming else (sessions[-1] if sessions else None)


# ---------------------------------------------------------------- the schedule and its timeline
def _responders() -> Coalesce:
    posts = (
        Post.objects.filter(
            topic=OuterRef("released_topic"), number__gt=1, deleted_at__isnull=True, hidden_at__isnull=True
        )
        .exclude(author__isnull=True)
        .order_by()
        .values("topic")
        .annotate(n=Count("author", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(posts, output_field=IntegerField()), 0)


def schedule_prompts(cohort: Cohort, *, include_cancelled: bool = False) -> list[ScheduledPrompt]:
    """Every prompt of the cohort in release order, each with its board, session, topic and responders."""
    qs = ScheduledPrompt.objects.filter(cohort=cohort)
    if not include_cancelled:
        qs = qs.exclude(status=ScheduledPrompt.Status.CANCELLED)
    prompts: list[Any] = list(  # when_text and responses are attached here, not declared on the model
        qs.select_related("board", "session", "released_topic", "source", "created_by__profile")
        .annotate(responders=_responders())
        .order_by(F("release_at").asc(nulls_last=True), "pk")
    )
    for prompt in prompts:
        prompt.when_text = when_text(prompt)
        prompt.responses = prompt.released_topic.reply_count if prompt.released_topic else 0
    return prompts


def when_text(prompt: ScheduledPrompt) -> str:
    """How a prompt is timed, in words ("2 days before session 1 at 09:00", "Queued without a time")."""
    if prompt.status == ScheduledPrompt.Status.RELEASED and prompt.released_session_number:
        side = "before" if prompt.released_timing == ScheduledPrompt.Timing.BEFORE else "after"
        return f"Released {side} session {prompt.released_session_number}"
    if prompt.session_id is not None:
        return timing.describe(
            offset_days=prompt.offset_days,
            at_time=prompt.at_time,
            session_number=cast(CohortSession, prompt.session).number,
        )
    if prompt.release_at is not None:
        return "At a set time"
    return "Queued without a time: released by hand, or early when the board goes quiet"


@dataclass
class TimelineGroup:
    session: CohortSession | None
    before: list[ScheduledPrompt] = field(default_factory=list)
    after: list[ScheduledPrompt] = field(default_factory=list)
    other: list[ScheduledPrompt] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.before or self.after or self.other)


def timeline(prompts: list[ScheduledPrompt], sessions: list[CohortSession]) -> list[TimelineGroup]:
    """Prompts grouped around the sessions they belong to: before / after each session, then the rest."""
    groups: dict[int | None, TimelineGroup] = {s.pk: TimelineGroup(session=s) for s in sessions}
    by_number = {s.number: s.pk for s in sessions}
    loose = TimelineGroup(session=None)
    for prompt in prompts:
        session_pk = prompt.session_id
        if prompt.status == ScheduledPrompt.Status.RELEASED and prompt.released_session_number:
            session_pk = by_number.get(prompt.released_session_number, session_pk)
        group = groups.get(session_pk)
        if group is None:
            loose.other.append(prompt)
            continue
        starts = cast(CohortSession, group.session).starts_at
        before = prompt.release_at is not None and prompt.release_at < starts
        if prompt.status == ScheduledPrompt.Status.RELEASED and prompt.released_timing:
            before = prompt.released_timing == ScheduledPrompt.Timing.BEFORE
        (group.before if before else group.after).append(prompt)
    return [*groups.values(), loose]


# ---------------------------------------------------------------- the library
def library(*, category: str = "", query: str = "") -> QuerySet[PromptTemplate]:
    qs = PromptTemplate.objects.filter(archived_at__isnull=True).select_related("owner__profile")
    if category:
        qs = qs.filter(category=category)
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(body__icontains=query))
    order = Case(
        *[When(category=value, then=Value(i)) for i, value in enumerate(PromptCategory.values)],
        default=Value(len(PromptCategory.values)),
    )
    return qs.annotate(uses=Count("scheduled_copies"), category_order=order).order_by(
        "category_order", F("owner").asc(nulls_first=True), "pk"
    )


# ---------------------------------------------------------------- the board panel (forums board page)
@dataclass
class BoardPanel:
    next_prompt: ScheduledPrompt | None
    queued: int
    quiet_days: int
    newest_topic_at: datetime | None


def board_panel(board: Board) -> BoardPanel:
    queued = ScheduledPrompt.objects.filter(board=board, status=ScheduledPrompt.Status.QUEUED)
    nxt = queued.select_related("session").order_by(F("release_at").asc(nulls_last=True), "pk").first()
    if nxt is not None:
        cast(Any, nxt).when_text = when_text(nxt)
    newest = board.topics.filter(is_visible=True).order_by("-created_at").values_list("created_at", flat=True).first()
    return BoardPanel(
        next_prompt=nxt,
        queued=queued.count(),
        quiet_days=cohort_settings(cast(Cohort, board.cohort)).quiet_days,
        newest_topic_at=newest,
    )


# ---------------------------------------------------------------- first-timers
def first_timer_posts(*, cohort_ids: Iterable[int] | None, author_ids: Iterable[int] | None = None) -> QuerySet[Post]:
    """Posts (opening posts and replies) by cohort members with few posts that nobody has answered yet.

    A first-timer has at most FACILITATION_FIRST_TIMER_MAX_POSTS visible forum posts in all. A post is
    answered once someone else posts after it in the same topic. Oldest first. ``cohort_ids`` None means
    every cohort (admins); ``author_ids`` narrows to some authors (a buddy's queue).
    """
    author_posts = (
        Post.objects.filter(author=OuterRef("author"), deleted_at__isnull=True, hidden_at__isnull=True)
        .order_by()
        .values("author")
        .annotate(n=Count("pk"))
        .values("n")
    )
    answered = Post.objects.filter(
        topic=OuterRef("topic"), number__gt=OuterRef("number"), deleted_at__isnull=True, hidden_at__isnull=True
    ).exclude(author=OuterRef("author"))
    member = Membership.objects.filter(
        cohort=OuterRef("topic__board__cohort"), user=OuterRef("author"), kind=Membership.Kind.MEMBER
    )
    qs = Post.objects.filter(
        topic__board__cohort__isnull=False,
        topic__is_visible=True,
        deleted_at__isnull=True,
        hidden_at__isnull=True,
        author__isnull=False,
    )
    if cohort_ids is not None:
        qs = qs.filter(topic__board__cohort_id__in=cohort_ids)
    if author_ids is not None:
        qs = qs.filter(author_id__in=author_ids)
    return (
        qs.filter(Exists(member))
        .annotate(author_posts=Subquery(author_posts, output_field=IntegerField()))
        .filter(author_posts__lte=settings.FACILITATION_FIRST_TIMER_MAX_POSTS)
        .exclude(Exists(answered))
        .select_related("topic__board__cohort", "author__profile")
        .order_by("created_at", "pk")
    )


def first_timer_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(hours=settings.FACILITATION_FIRST_TIMER_HOURS)


@dataclass
class FirstTimerQueue:
    overdue: list[Post]
    recent: list[Post]
    buddy_posts: list[Post]
    hours: int

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.recent) + len(self.buddy_posts)


QUEUE_LIMIT = 200


def first_timer_queue(user: User, *, cohort: Cohort | None = None, now: datetime | None = None) -> FirstTimerQueue:
    """What this person's first-timer queue shows: their cohorts' unanswered first posts (facilitators and
    admins; ``cohort`` narrows it), split at FACILITATION_FIRST_TIMER_HOURS, and their buddy's."""
    cutoff = first_timer_cutoff(now)
    overdue: list[Post] = []
    recent: list[Post] = []
    if permissions.can_use_facilitation(user):
        ids = [cohort.pk] if cohort is not None else permissions.facilitation_cohorts(user).values_list("pk", flat=True)
        for post in first_timer_posts(cohort_ids=ids)[:QUEUE_LIMIT]:
            (overdue if post.created_at <= cutoff else recent).append(post)
    buddies = permissions.buddy_ids(user)
    buddy_posts = []
    if buddies:
        buddy_posts = list(first_timer_posts(cohort_ids=list(buddies), author_ids=set(buddies.values()))[:QUEUE_LIMIT])
    return FirstTimerQueue(
        overdue=overdue, recent=recent, buddy_posts=buddy_posts, hours=settings.FACILITATION_FIRST_TIMER_HOURS
    )


def first_timer_counts(cohort: Cohort, now: datetime | None = None) -> tuple[int, int]:
    """(waiting, of which overdue) for one cohort: two counting queries."""
    qs = first_timer_posts(cohort_ids=[cohort.pk])
    return qs.count(), qs.filter(created_at__lte=first_timer_cutoff(now)).count()


# ---------------------------------------------------------------- private reviews
def reviews_for(user: User) -> tuple[list[ReviewRequest], list[ReviewRequest]]:
    """(the person's own drafts, open drafts waiting for them as a facilitator), newest activity first."""
    base = ReviewRequest.objects.select_related("author__profile", "cohort", "board", "topic").annotate(
        comment_count=Count("comments")
    )
    mine: list[ReviewRequest] = list(base.filter(author=user).order_by("-updated_at", "-pk")[:100])
    cohort_ids = permissions.reviews_cohort_ids(user)
    waiting: list[ReviewRequest] = []
    if cohort_ids:
        waiting = list(
            base.filter(cohort_id__in=cohort_ids, status=ReviewRequest.Status.OPEN)
            .exclude(author=user)
            .order_by("updated_at", "pk")
        )
    return mine, waiting


def review_for(user: User, pk: int) -> ReviewRequest | None:
    """The review with its comments and revisions, if ``user`` may see it (else None: the view says 404)."""
    review = (
        ReviewRequest.objects.select_related("author__profile", "cohort", "board", "topic__board")
        .prefetch_related(
            Prefetch("comments", queryset=ReviewComment.objects.select_related("author__profile")),
            Prefetch("revisions", queryset=ReviewRevision.objects.order_by("-number")),
        )
        .filter(pk=pk)
        .first()
    )
    if review is None or not permissions.can_view_review(user, review):
        return None
    return review


def open_review_count(cohort: Cohort) -> int:
    return ReviewRequest.objects.filter(cohort=cohort, status=ReviewRequest.Status.OPEN).count()


# ---------------------------------------------------------------- buddies and nudges
def cohort_buddies(cohort: Cohort) -> list[BuddyPair]:
    return list(
        BuddyPair.objects.filter(cohort=cohort).select_related("first__profile", "second__profile").order_by("pk")
    )


def cohort_members(cohort: Cohort) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(cohort=cohort, kind=Membership.Kind.MEMBER, user__is_active=True)
        .select_related("user__profile")
        .order_by("user__profile__display_name", "user__email")
    ]


def last_nudges(user_ids: Iterable[int]) -> dict[int, datetime]:
    """{member id: when they were last nudged (by anyone)} in one query."""
    rows = (
        Nudge.objects.filter(recipient_id__in=list(user_ids))
        .values("recipient_id")
        .annotate(last=Max("created_at"))
        .order_by()
    )
    return {row["recipient_id"]: row["last"] for row in rows}


def nudge_available_at(last: datetime | None) -> datetime | None:
    """When a member nudged at ``last`` may be nudged again (None: now)."""
    if last is None:
        return None
    return last + timedelta(days=settings.FACILITATION_NUDGE_INTERVAL_DAYS)
