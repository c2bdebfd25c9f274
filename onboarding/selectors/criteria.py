"""The registry of measurable criteria behind goals and practice tasks.

Each criterion counts something a person really did. It reads only:
- the activity log through metrics' read API (``metrics.api``: the public contract between apps, every
  app records its writes there through ``metrics.record``; we filter by actor, verb, target/context
  and cohort, never by another app's tables);
- ``portal.people.models.Follow`` and ``Profile`` (people, owned by the foundation);
- onboarding's own tables (lesson progress, policy acknowledgements).

Parameters are small integers edited in the portal (``{"n": 10}``); ``clean_params`` validates them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from metrics import api as activity_log
from metrics.verbs import Verb
from portal.people.models import Follow, Membership, User

from .policy import current_acknowledgement


@dataclass(frozen=True)
class Param:
    name: str = "n"
    label: str = "How many"
    default: int = 1
    min: int = 1
    max: int = 500


@dataclass(frozen=True)
class Measure:
    current: int
    target: int

    @property
    def met(self) -> bool:
        return self.current >= self.target


class Facts:
    """What one person has done, loaded lazily and at most once per recomputation."""

    def __init__(self, user: User):
        self.user = user

    @cached_property
    def verb_counts(self) -> dict[str, int]:
        return activity_log.verb_counts(actor=self.user, verbs=COUNTED_VERBS)

    def activities(self, *verbs: str) -> QuerySet:
        return activity_log.activities(actor=self.user, verbs=verbs)

    @property
    def member_cohort_ids(self) -> QuerySet:
        """The person's cohorts, as a subquery (a criterion filtering by them costs no query of its own)."""
        return Membership.objects.filter(user=self.user).values("cohort_id")


def nth_time(times: Iterable[datetime | None], n: int) -> datetime | None:
    """The moment the n-th thing happened (``times`` need not be sorted); None if fewer than n."""
    ordered = sorted(t for t in times if t is not None)
    return ordered[n - 1] if len(ordered) >= n else None


def topic_content_type() -> ContentType | None:
    try:
        return ContentType.objects.get_by_natural_key("forums", "topic")
    except ContentType.DoesNotExist:
        return None


def entry_content_type() -> ContentType | None:
    try:
        return ContentType.objects.get_by_natural_key("blogs", "entry")
    except ContentType.DoesNotExist:
        return None


# ----------------------------------------------------------------------------- the criteria
def _profile(facts: Facts, params: dict) -> tuple[int, Callable[[], datetime | None]]:
    completed_at = facts.user.profile.completed_at
    return (1 if completed_at else 0), lambda: completed_at


def _policy(facts: Facts, params: dict):
    ack = current_acknowledgement(facts.user)
    return (1 if ack else 0), lambda: ack.acknowledged_at if ack else None


def _follows(facts: Facts, params: dict):
    qs = Follow.objects.filter(follower=facts.user)
    return qs.count(), lambda: nth_time(qs.values_list("created_at", flat=True), params.get("n", 1))


def _blog_authors() -> QuerySet:
    return activity_log.actor_ids_who(verbs=[Verb.ENTRY_PUBLISHED])


def _follow_bloggers(facts: Facts, params: dict):
    qs = Follow.objects.filter(follower=facts.user, followee_id__in=_blog_authors())
    return qs.count(), lambda: nth_time(qs.values_list("created_at", flat=True), params.get("n", 1))


def _verb_count(verb: str):
    def compute(facts: Facts, params: dict):
        return facts.verb_counts.get(verb, 0), lambda: nth_time(
            facts.activities(verb).values_list("created_at", flat=True), params.get("n", 1)
        )

    return compute


def _distinct(qs: QuerySet, key: str, n: int):
    """Count distinct values of ``key`` and, lazily, when the n-th distinct one first appeared."""
    grouped = activity_log.first_times(qs, key)
    return grouped.count(), lambda: nth_time((row["first"] for row in grouped), n)


def _publish_entries(facts: Facts, params: dict):
    return _distinct(facts.activities(Verb.ENTRY_PUBLISHED), "target_id", params.get("n", 1))


def _comment_entries(facts: Facts, params: dict):
    # A comment's activity names the entry as its context; count entries, not comments.
    qs = facts.activities(Verb.COMMENTED).exclude(context_id=None)
    return _distinct(qs, "context_id", params.get("n", 1))


def prompt_topic_ids() -> QuerySet:
    """Topics that are starter prompts: released by the prompt schedule, or opened by a cohort's facilitator."""
    facilitators = Membership.objects.filter(kind=Membership.Kind.FACILITATOR).values("user_id")
    topic_type = topic_content_type()
    return activity_log.activities_matching(
        (Q(verb=Verb.PROMPT_RELEASED) | Q(verb=Verb.TOPIC_CREATED, actor_id__in=facilitators))
        & Q(target_type=topic_type)
    ).values("target_id")


def reply_to_prompt_activities(facts: Facts) -> QuerySet:
    """The person's replies to starter prompts of their cohorts (``reply_to_prompt`` counts their topics)."""
    topic_type = topic_content_type()
    return facts.activities(Verb.POST_CREATED).filter(
        context_type=topic_type, context_id__in=prompt_topic_ids(), cohort_id__in=facts.member_cohort_ids
    )


def _reply_to_prompt(facts: Facts, params: dict):
    return _distinct(reply_to_prompt_activities(facts), "context_id", params.get("n", 1))


def _lessons(facts: Facts, params: dict):
    from ..models import LessonProgress

    qs = LessonProgress.objects.filter(user=facts.user, completed_at__isnull=False)
    return qs.count(), lambda: nth_time(qs.values_list("completed_at", flat=True), params.get("n", 1))


def _replies_from_colleagues(facts: Facts, params: dict):
    """Distinct other people who replied to a topic you started or commented on an entry you published."""
    mine = facts.activities(Verb.TOPIC_CREATED, Verb.ENTRY_PUBLISHED)
    topic_type, entry_type = topic_content_type(), entry_content_type()
    qs = activity_log.activities_matching(
        Q(
            verb=Verb.POST_CREATED,
            context_type=topic_type,
            context_id__in=mine.filter(target_type=topic_type).values("target_id"),
        )
        | Q(
            verb=Verb.COMMENTED,
            context_type=entry_type,
            context_id__in=mine.filter(target_type=entry_type).values("target_id"),
        )
    ).exclude(actor=facts.user)
    return _distinct(qs, "actor_id", params.get("n", 1))


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str  # may use {n}
    compute: Callable
    params: tuple[Param, ...] = ()
    action: str = ""  # URL name where the person can do it
    action_label: str = ""
    help: str = ""
    fixed_target: int = 1
    extra: dict = field(default_factory=dict)

    def describe(self, params: dict | None) -> str:
        return self.label.format(**self.clean_params(params or {}, strict=False))

    def target(self, params: dict) -> int:
        p = self.clean_params(params, strict=False)
        return p.get("n", self.fixed_target) if self.params else self.fixed_target

    def clean_params(self, raw: dict, *, strict: bool = True) -> dict:
        """Whole numbers in range for every parameter; ``strict`` raises a readable error, else falls back."""
        cleaned = {}
        for param in self.params:
            value = (raw or {}).get(param.name, param.default)
            try:
                value = int(value)
            except (TypeError, ValueError):
                if strict:
                    raise ValidationError(f"{param.label}: enter a whole number.") from None
                value = param.default
            if not param.min <= value <= param.max:
                if strict:
                    raise ValidationError(f"{param.label}: choose a number from {param.min} to {param.max}.")
                value = min(max(value, param.min), param.max)
            cleaned[param.name] = value
        return cleaned

    def measure(self, facts: Facts, params: dict) -> tuple[Measure, Callable[[], datetime | None]]:
        cleaned = self.clean_params(params, strict=False)
        current, met_at = self.compute(facts, cleaned)
        return Measure(current=current, target=self.target(cleaned)), met_at

    @property
    def action_url(self) -> str | None:
        if not self.action:
            return None
        try:
            return reverse(self.action)
        except NoReverseMatch:
            return None


N = Param()
REGISTRY: dict[str, Criterion] = {
    c.key: c
    for c in [
        Criterion("profile_complete", "Complete your profile", _profile, action="people:profile-edit",
                  action_label="Edit your profile", help="Name, job title, department and management level."),
        Criterion("acknowledge_policy", "Acknowledge the social media policy", _policy, action="onboarding:policy",
                  action_label="Read the policy"),
        Criterion("follow_colleagues", "Connect with {n} colleagues", _follows, (Param(default=10),),
                  action="people:directory", action_label="Find colleagues"),
        Criterion("follow_bloggers", "Follow {n} influential bloggers", _follow_bloggers, (Param(default=5),),
                  action="blogs:index", action_label="Find bloggers to follow",
                  help="Suggestions are the authors most followed by your colleagues."),
        Criterion("start_topics", "Start {n} topic(s)", _verb_count(Verb.TOPIC_CREATED), (N,),
                  action="forums:index", action_label="Go to the boards"),
        Criterion("reply", "Reply {n} time(s)", _verb_count(Verb.POST_CREATED), (N,),
                  action="forums:index", action_label="Go to the boards"),
        Criterion("reply_to_prompt", "Reply to {n} starter prompt(s) in your cohort", _reply_to_prompt, (N,),
                  action="forums:index", action_label="Find this week's prompt"),
        Criterion("comment_entries", "Comment on {n} blog entries", _comment_entries, (Param(default=3),),
                  action="blogs:index", action_label="Read the blogs"),
        Criterion("publish_entries", "Publish {n} blog entry(ies)", _publish_entries, (N,),
                  action="blogs:index", action_label="Write an entry"),
        Criterion("complete_lessons", "Complete {n} lesson(s)", _lessons, (N,),
                  action="onboarding:index", action_label="Open the lessons"),
        Criterion("use_feed", "Subscribe to your personal aggregated feed", _verb_count(Verb.FEED_USED),
                  action="blogs:index", action_label="Get your feed",
                  help="Fetch your personal feed in a feed reader, or export what you follow as OPML."),
        Criterion("replies_from_colleagues", "Get replies from {n} colleagues", _replies_from_colleagues,
                  (Param(default=3),), action="forums:index", action_label="Start a conversation"),
    ]
}  # fmt: skip

# Verbs whose counts Facts loads in one query.
COUNTED_VERBS = [Verb.TOPIC_CREATED, Verb.POST_CREATED, Verb.FEED_USED]

# Verbs after which goal progress may have moved (recorded by any app); others never trigger a recomputation.
PROGRESS_VERBS = frozenset(
    {
        Verb.PROFILE_COMPLETED,
        Verb.FOLLOWED,
        Verb.UNFOLLOWED,
        Verb.TOPIC_CREATED,
        Verb.POST_CREATED,
        Verb.POST_DELETED,
        Verb.COMMENTED,
        Verb.ENTRY_PUBLISHED,
        Verb.LESSON_COMPLETED,
        Verb.POLICY_ACKNOWLEDGED,
        Verb.FEED_USED,
    }
)


def get(key: str) -> Criterion:
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValidationError(f"Unknown criterion {key!r}.") from None


def choices() -> list[tuple[str, str]]:
    return [(c.key, c.label.replace("{n}", "N")) for c in REGISTRY.values()]
