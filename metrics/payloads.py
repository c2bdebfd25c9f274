"""One payload type per verb: what ``metrics.record(..., data=...)`` may carry for each kind of activity.

The activity log is the contract between apps, and its ``data`` column is part of it: the rollups and
exports read these keys. ``record`` refuses a key its verb does not declare (``ValueError``), so a typo
or a new key is a decision made here, in one place, not a silent column nobody reads. Verbs absent
from ``PAYLOADS`` carry no data. Values are JSON: ids, labels, flags and small counts, never text
someone wrote.
"""

from __future__ import annotations

from typing import TypedDict

from .verbs import Verb


class NoPayload(TypedDict, total=False):
    """Most verbs: the actor, target, context and cohort say everything."""


class CoachPayload(TypedDict, total=False):
    kind: str
    rules: list[str]
    severities: list[str]


class FieldsChangedPayload(TypedDict, total=False):
    fields: list[str]


class EntryPublishedPayload(TypedDict, total=False):
    first: bool


class EntryUpdatedPayload(TypedDict, total=False):
    comments_enabled: bool


class ChangedPayload(TypedDict, total=False):
    changed: list[str]


class NotificationSettingsPayload(TypedDict, total=False):
    changed: dict[str, str]  # event -> delivery


class FeedUsedPayload(TypedDict, total=False):
    via: str


class ViaPayload(TypedDict, total=False):
    """Where an account or cohort came from, e.g. ``"lti"`` for one made by an LMS launch."""

    via: str


class PollVotedPayload(TypedDict, total=False):
    """How many options the vote chose (never which: a ballot is secret)."""

    options: int


class FlaggedPayload(TypedDict, total=False):
    reason: str


class GoalCompletedPayload(TypedDict, total=False):
    criterion: str
    deadline: str | None
    goal: int
    late: bool
    on_time: bool
    stage: str
    title: str


class GoalOverduePayload(TypedDict, total=False):
    deadline: str
    goal: int
    stage: str
    title: str


class InvitationRevokedPayload(TypedDict, total=False):
    invitation_id: int


class LessonPayload(TypedDict, total=False):
    lesson: int
    title: str


class MembershipPayload(TypedDict, total=False):
    kind: str
    via: str


class ModeratedPayload(TypedDict, total=False):
    action: str
    flags: int


class NotificationOpenedPayload(TypedDict, total=False):
    event: str


class NudgedPayload(TypedDict, total=False):
    template: str


class PolicyPayload(TypedDict, total=False):
    major: int
    version: str


class PostDeletedPayload(TypedDict, total=False):
    by_moderator: bool
    opening: bool


class PostEditedPayload(TypedDict, total=False):
    by_moderator: bool


class PromptEditedPayload(TypedDict, total=False):
    action: str
    direction: str


class PromptReleasedPayload(TypedDict, total=False):
    early: bool
    prompt: int
    session: int | None
    timing: str
    title: str


class PromptScheduledPayload(TypedDict, total=False):
    session: int | None
    welcome: bool


class PromptTemplatePayload(TypedDict, total=False):
    archived: bool
    category: str


class ReactionPayload(TypedDict, total=False):
    kind: str


class ReviewCommentedPayload(TypedDict, total=False):
    by_author: bool
    revision: int


class ReviewPublishedPayload(TypedDict, total=False):
    comments: int
    kind: str
    revisions: int


class ReviewKindPayload(TypedDict, total=False):
    kind: str


class ReviewRevisedPayload(TypedDict, total=False):
    revision: int


class SessionPayload(TypedDict, total=False):
    number: int
    new: bool


class SurveyAnsweredPayload(TypedDict, total=False):
    audience: str
    items: dict[str, dict[str, str]]
    round: str
    scores: dict[str, int]
    survey: int
    title: str


class TopicCreatedPayload(TypedDict, total=False):
    kind: str


class FirstResponsePayload(TypedDict, total=False):
    seconds: int


class UnsubscribedPayload(TypedDict, total=False):
    scope: str


Payload = (
    NoPayload
    | CoachPayload
    | FieldsChangedPayload
    | EntryPublishedPayload
    | EntryUpdatedPayload
    | ChangedPayload
    | FeedUsedPayload
    | FlaggedPayload
    | GoalCompletedPayload
    | GoalOverduePayload
    | InvitationRevokedPayload
    | LessonPayload
    | MembershipPayload
    | ModeratedPayload
    | NotificationOpenedPayload
    | NudgedPayload
    | PolicyPayload
    | PostDeletedPayload
    | PostEditedPayload
    | PromptEditedPayload
    | PromptReleasedPayload
    | PromptScheduledPayload
    | PromptTemplatePayload
    | ReactionPayload
    | ReviewCommentedPayload
    | ReviewPublishedPayload
    | ReviewKindPayload
    | ReviewRevisedPayload
    | SessionPayload
    | SurveyAnsweredPayload
    | TopicCreatedPayload
    | FirstResponsePayload
    | UnsubscribedPayload
)

PAYLOADS: dict[str, type] = {
    Verb.COACH_FINDING.value: CoachPayload,
    Verb.COACH_OVERRIDDEN.value: CoachPayload,
    Verb.COHORT_UPDATED.value: FieldsChangedPayload,
    Verb.ENTRY_PUBLISHED.value: EntryPublishedPayload,
    Verb.ENTRY_UPDATED.value: EntryUpdatedPayload,
    Verb.FACILITATION_SETTINGS_CHANGED.value: ChangedPayload,
    Verb.NOTIFICATION_SETTINGS_CHANGED.value: NotificationSettingsPayload,
    Verb.FEED_USED.value: FeedUsedPayload,
    Verb.SIGNED_UP.value: ViaPayload,
    Verb.POLL_VOTED.value: PollVotedPayload,
    Verb.SIGNED_IN.value: ViaPayload,
    Verb.COHORT_CREATED.value: ViaPayload,
    Verb.FLAGGED.value: FlaggedPayload,
    Verb.GOAL_COMPLETED.value: GoalCompletedPayload,
    Verb.GOAL_OVERDUE.value: GoalOverduePayload,
    Verb.INVITATION_REVOKED.value: InvitationRevokedPayload,
    Verb.LESSON_STARTED.value: LessonPayload,
    Verb.LESSON_COMPLETED.value: LessonPayload,
    Verb.MEMBER_ADDED.value: MembershipPayload,
    Verb.MEMBER_REMOVED.value: MembershipPayload,
    Verb.MODERATED.value: ModeratedPayload,
    Verb.NOTIFICATION_OPENED.value: NotificationOpenedPayload,
    Verb.NUDGED.value: NudgedPayload,
    Verb.POLICY_ACKNOWLEDGED.value: PolicyPayload,
    Verb.POST_DELETED.value: PostDeletedPayload,
    Verb.POST_EDITED.value: PostEditedPayload,
    Verb.PROMPT_EDITED.value: PromptEditedPayload,
    Verb.PROMPT_RELEASED.value: PromptReleasedPayload,
    Verb.PROMPT_SCHEDULED.value: PromptScheduledPayload,
    Verb.PROMPT_TEMPLATE_SAVED.value: PromptTemplatePayload,
    Verb.REACTED.value: ReactionPayload,
    Verb.UNREACTED.value: ReactionPayload,
    Verb.REVIEW_COMMENTED.value: ReviewCommentedPayload,
    Verb.REVIEW_PUBLISHED.value: ReviewPublishedPayload,
    Verb.REVIEW_REQUESTED.value: ReviewKindPayload,
    Verb.REVIEW_WITHDRAWN.value: ReviewKindPayload,
    Verb.REVIEW_REVISED.value: ReviewRevisedPayload,
    Verb.SESSION_CANCELLED.value: SessionPayload,
    Verb.SESSION_SCHEDULED.value: SessionPayload,
    Verb.SURVEY_ANSWERED.value: SurveyAnsweredPayload,
    Verb.TOPIC_CREATED.value: TopicCreatedPayload,
    Verb.TOPIC_FIRST_RESPONSE.value: FirstResponsePayload,
    Verb.UNSUBSCRIBED.value: UnsubscribedPayload,
}


def payload_type(verb: Verb | str) -> type:
    """The payload type of ``verb`` (``NoPayload`` when it carries no data)."""
    return PAYLOADS.get(str(Verb(verb).value), NoPayload)


def check_payload(verb: Verb | str, data: dict | None) -> None:
    """Refuse keys the verb's payload type does not declare."""
    if not data:
        return
    allowed = set(payload_type(verb).__annotations__)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValueError(f"metrics.record(verb={Verb(verb).value!r}) does not take data keys {unknown}.")
