"""The kinds of notification event. Apps create events with ``portal.services.notifications.notify``."""

from django.db import models


class Event(models.TextChoices):
    TOPIC_REPLY = "topic_reply", "Reply to your topic"
    POST_REPLY = "post_reply", "Reply to your post"
    MENTION = "mention", "Mention"
    QUOTE = "quote", "Quote of your post"
    REACTION = "reaction", "Reaction"
    ANSWER_ACCEPTED = "answer_accepted", "Your answer was accepted"
    ENTRY_COMMENT = "entry_comment", "Comment on your entry"
    FOLLOWED_ENTRY = "followed_entry", "New entry from someone you follow"
    WATCHED_TOPIC = "watched_topic", "New topic in a watched board"
    STARTER_PROMPT = "starter_prompt", "New starter prompt in your cohort"
    NUDGE = "nudge", "Nudge from a facilitator"
    GOAL_DEADLINE = "goal_deadline", "Goal deadline approaching"
    REVIEW_COMMENT = "review_comment", "Private review comment"
    FLAG_RESOLVED = "flag_resolved", "Flag resolved"
    INVITATION = "invitation", "Invitation"
    NEW_FOLLOWER = "new_follower", "New follower"
    SURVEY = "survey", "Survey invitation"


# Each event's label by value (a row's label is read per notification shown: no enum lookup each time).
EVENT_LABELS: dict[str, str] = dict(Event.choices)


# --- Delivery defaults, grouped wording and the visibility registry (notifications app) -------------

from collections.abc import Callable  # noqa: E402

# Mentions, replies and nudges reach people straight away; everything else waits for the daily digest.
IMMEDIATE_BY_DEFAULT = frozenset(
    {
        Event.TOPIC_REPLY.value,
        Event.POST_REPLY.value,
        Event.MENTION.value,
        Event.ENTRY_COMMENT.value,
        Event.REVIEW_COMMENT.value,
        Event.NUDGE.value,  # a facilitator's nudge is personal and timely (facilitation)
    }
)


def default_delivery(event: str) -> str:
    """The delivery an event gets until the person chooses otherwise (a ``portal.models.Delivery`` value)."""
    return "immediate" if event in IMMEDIATE_BY_DEFAULT else "daily"


# How a group of several events reads. ``{count}`` is the number of events, ``{others}`` one fewer.
GROUPED_TEXT = {
    Event.TOPIC_REPLY.value: "{count} new replies to your topic",
    Event.POST_REPLY.value: "{count} new replies to your post",
    Event.MENTION.value: "You were mentioned {count} times",
    Event.QUOTE.value: "{count} people quoted your post",
    Event.REACTION.value: "{count} people reacted to your post",
    Event.ENTRY_COMMENT.value: "{count} new comments on your entry",
    Event.FOLLOWED_ENTRY.value: "{count} new entries from people you follow",
    Event.WATCHED_TOPIC.value: "{count} new topics in a board you watch",
    Event.STARTER_PROMPT.value: "{count} new starter prompts in your cohort",
    Event.NUDGE.value: "{count} nudges from your facilitators",
    Event.GOAL_DEADLINE.value: "{count} goal deadlines are coming up",
    Event.REVIEW_COMMENT.value: "{count} new comments on your draft review",
    Event.FLAG_RESOLVED.value: "{count} of your flags were resolved",
    Event.INVITATION.value: "{count} invitations are waiting for you",
    Event.NEW_FOLLOWER.value: "{count} people started following you",
    Event.SURVEY.value: "{count} surveys are waiting for your answer",
}


def grouped_text(event: str, count: int, template: str = "") -> str:
    """The text of a group of ``count`` events. Placeholders are replaced, never ``str.format``-ed,
    so braces in a title someone typed cannot break or leak anything."""
    text = template or GROUPED_TEXT.get(event) or "{count} new notifications"
    return text.replace("{count}", str(count)).replace("{others}", str(count - 1))


VisibilityCheck = Callable[..., bool]
_VISIBILITY: dict[str, tuple[VisibilityCheck, Callable | None]] = {}


def register_visibility(model_label: str, check: VisibilityCheck, *, queryset: Callable | None = None) -> None:
    """Register ``check(user, obj) -> bool`` for notification targets of ``model_label`` ("forums.post").

    The bell, the list, e-mails and digests call it before showing a notification, so a person never
    sees a notification about content they can no longer read (e.g. after leaving a cohort).
    ``queryset(qs) -> qs`` may add ``select_related`` so that many targets load in one query.
    Apps register in their ``AppConfig.ready``. Targets of unregistered models are shown.
    """
    _VISIBILITY[model_label.lower()] = (check, queryset)


def visibility_check(model_label: str) -> tuple[VisibilityCheck, Callable | None] | None:
    return _VISIBILITY.get(model_label.lower())


def _cohort_visible(user, cohort) -> bool:
    from portal.people import permissions

    return (
        cohort.pk in permissions.member_cohort_ids(user) or permissions.is_admin(user) or permissions.is_analyst(user)
    )


def _person_visible(user, person) -> bool:
    return person.is_active


def _invitation_visible(user, invitation) -> bool:
    from portal.people import permissions

    return invitation.email.lower() == user.email.lower() or permissions.can_invite(user, invitation.cohort_id)


register_visibility("people.cohort", _cohort_visible)
register_visibility("people.user", _person_visible)
register_visibility("people.invitation", _invitation_visible)


# --- Mutes (issue 17, feat): apps say whether a recipient muted the source of an event ------------------

MuteCheck = Callable[..., bool]
_MUTE_CHECKS: list[MuteCheck] = []


def register_mute_check(check: MuteCheck) -> None:
    """Register ``check(recipient, *, actor, target) -> bool``: True when the recipient muted what this
    event comes from (a topic, a person). ``notify`` creates nothing then. Register in ``AppConfig.ready``."""
    if check not in _MUTE_CHECKS:
        _MUTE_CHECKS.append(check)


def is_muted(recipient, *, actor, target) -> bool:
    return any(check(recipient, actor=actor, target=target) for check in _MUTE_CHECKS)
