"""Flags and the review queue, generic over content types (forum posts here; blog comments can join).

Anyone who can see a piece of content may flag it with a reason (off-topic, inappropriate,
confidential information, other + text). Open flags land in a review queue for the facilitators of
the content's cohort (organisation-wide content goes to admins). A moderator dismisses them, hides the
content, or hides it and tells the author why. Once FORUM_AUTO_HIDE_FLAGS distinct people have open
flags on the same content it is hidden automatically until someone reviews it (dismissing brings it
back). Every resolution is in the audit log; flaggers hear the outcome.

Making another app's content flaggable (the blogs do this for comments)
----------------------------------------------------------------------
1. Describe the content with a ``FlagHooks`` and register it once, in your AppConfig.ready()::

       from forums.services.flags import FlagHooks, ReviewItem, register_flaggable

       register_flaggable("comment", Comment, FlagHooks(
           label="blog comment",
           cohort=lambda c: c.entry.blog.cohort,          # routes the flag; None = admins' queue
           can_view=lambda user, c: blog_permissions.can_view_entry(user, c.entry),
           can_moderate=lambda user, c: blog_permissions.can_moderate_comment(user, c),
           author_id=lambda c: c.author_id,
           url=lambda c: c.get_absolute_url(),
           describe=lambda c: f"Comment on “{c.entry.title}”",
           is_hidden=lambda c: c.hidden_at is not None,
           is_auto_hidden=lambda c: c.hidden_at is not None and c.hidden_by_id is None,
           hide=comment_hide,        # (*, actor: User | None, obj, reason: str, action: str) -> None
           unhide=comment_unhide,    # (*, actor: User, obj, reason: str) -> None
           review=comment_review_items,  # (ids: list[int]) -> {id: ReviewItem}, a bounded number of queries
       ))

   ``hide``/``unhide`` must be your own services: they run inside the flag's transaction, write your
   rows, and should call ``forums.services.audit.moderation_log(...)`` with the ``action`` they are
   given (``actor=None`` means the system hid it after flags). ``review`` returns ``ReviewItem``s whose
   ``body_html`` is already-sanitised HTML (the queue marks it safe) and whose ``context`` holds the
   neighbouring items (e.g. the comment before and after) so the reviewer sees it in context.
2. Link people to ``{% url 'forums:flag-create' 'comment' comment.pk %}`` (the flag form), or call
   ``flag_create(actor=, target=, reason=, text=)`` from your own view.
3. Flags and resolutions then appear in ``forums:review-queue`` and ``forums:audit-log``; the queue
   calls your ``can_moderate`` before any action.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

import metrics
from metrics.verbs import Verb
from portal.jobs import enqueue_on_commit
from portal.people.models import Cohort, User

from .. import permissions
from ..models import Flag, ModerationAction, Post
from .audit import moderation_log


@dataclass
class ReviewItem:
    """What the review queue shows for one flagged thing."""

    obj: Any
    title: str  # e.g. "Post #4 in “Handling a difficult comment”"
    url: str
    author: User | None
    body_html: str  # sanitised HTML
    created_at: datetime | None = None
    hidden: bool = False
    where: str = ""  # e.g. the board's name
    context: list[dict] = field(default_factory=list)  # [{"author", "body_html", "created_at", "label"}]


@dataclass(frozen=True)
class FlagHooks:
    label: str
    cohort: Callable[[Any], Cohort | None]
    can_view: Callable[[Any, Any], bool]
    can_moderate: Callable[[Any, Any], bool]
    author_id: Callable[[Any], int | None]
    url: Callable[[Any], str]
    describe: Callable[[Any], str]
    is_hidden: Callable[[Any], bool]
    is_auto_hidden: Callable[[Any], bool]
    hide: Callable[..., None]
    unhide: Callable[..., None]
    review: Callable[[list[int]], dict[int, ReviewItem]]


_BY_KEY: dict[str, tuple[type[models.Model], FlagHooks]] = {}
_BY_MODEL: dict[type[models.Model], str] = {}


def register_flaggable(key: str, model: type[models.Model], hooks: FlagHooks) -> None:
    """Make ``model`` flaggable under the URL key ``key`` (idempotent: re-registering replaces)."""
    _BY_KEY[key] = (model, hooks)
    _BY_MODEL[model] = key


def flaggable(key: str) -> tuple[type[models.Model], FlagHooks]:
    """The model and hooks registered under ``key``; LookupError if none."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise LookupError(key) from None


def hooks_for(obj: models.Model) -> tuple[str, FlagHooks]:
    key = _BY_MODEL.get(type(obj))
    if key is None:
        raise LookupError(f"{type(obj).__name__} is not flaggable")
    return key, _BY_KEY[key][1]


def hooks_for_content_type(content_type: ContentType) -> tuple[str, FlagHooks] | None:
    model = content_type.model_class()
    key = _BY_MODEL.get(cast("type[models.Model]", model))  # None (a stale content type) finds no key
    return (key, _BY_KEY[key][1]) if key else None


def registered_content_type_ids() -> list[int]:
    return [ContentType.objects.get_for_model(model).pk for model in _BY_MODEL]


# ---------------------------------------------------------------- flagging
def flag_create(*, actor: User, target: models.Model, reason: str, text: str = "") -> Flag:
    """Flag ``target`` for review.

    Guarantees: only content the flagger can see, never one's own; "other" needs a few words; one open
    flag per person per item (a second is refused with a clear message); the flag and its activity
    commit together; at FORUM_AUTO_HIDE_FLAGS distinct flaggers the item is hidden pending review.
    """
    _, hooks = hooks_for(target)
    if not hooks.can_view(actor, target):
        raise PermissionDenied("You cannot see this.")
    if hooks.author_id(target) == actor.pk:
        raise ValidationError("You cannot flag your own writing; edit or remove it instead.")
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": "Choose why you are flagging this."})
    text = " ".join((text or "").split())[:500]
    if reason == Flag.Reason.OTHER and len(text) < 5:
        raise ValidationError({"text": "Tell the facilitators in a few words what is wrong."})
    content_type = ContentType.objects.get_for_model(target)
    cohort = hooks.cohort(target)
    try:
        with transaction.atomic():
            already = Flag.objects.filter(
                content_type=content_type, object_id=target.pk, flagger=actor, status=Flag.Status.OPEN
            ).exists()
            if already:
                raise ValidationError("You have already flagged this. A facilitator will review it soon.")
            flag = Flag.objects.create(
                content_type=content_type, object_id=target.pk, cohort=cohort, flagger=actor, reason=reason, text=text
            )
            metrics.record(actor=actor, verb=Verb.FLAGGED, target=target, cohort=cohort, data={"reason": reason})
            flaggers = (
                Flag.objects.filter(content_type=content_type, object_id=target.pk, status=Flag.Status.OPEN)
                .values("flagger")
                .distinct()
                .count()
            )
            threshold = settings.FORUM_AUTO_HIDE_FLAGS
            if threshold and flaggers >= threshold and not hooks.is_hidden(target):
                hooks.hide(
                    actor=None,
                    obj=target,
                    reason=f"Hidden automatically: {flaggers} people flagged it. Waiting for a facilitator's review.",
                    action=ModerationAction.Action.AUTO_HIDE,
                )
    except IntegrityError:
        raise ValidationError("You have already flagged this. A facilitator will review it soon.") from None
    return flag


class Resolution:
    DISMISS = "dismiss"
    HIDE = "hide"
    HIDE_MESSAGE = "hide_message"
    choices = (
        (DISMISS, "Dismiss: nothing wrong"),
        (HIDE, "Hide the content"),
        (HIDE_MESSAGE, "Hide it and tell the author why"),
    )


def flag_resolve(*, actor: User, target: models.Model, action: str, message: str = "") -> int:
    """Resolve every open flag on ``target``: dismiss, hide, or hide and message the author.

    Guarantees: only someone who moderates the target; nothing to resolve raises ValidationError (so a
    second reviewer clicking the same item learns it was handled); dismissing brings back content that
    was hidden automatically; the audit log records who, what and why; flaggers are told the outcome
    and, for hide-and-message, the author gets the message, after commit. Returns how many flags closed.
    """
    _, hooks = hooks_for(target)
    if not hooks.can_moderate(actor, target):
        raise PermissionDenied("You do not moderate this.")
    if action not in (Resolution.DISMISS, Resolution.HIDE, Resolution.HIDE_MESSAGE):
        raise ValidationError({"action": "Choose dismiss, hide, or hide and message."})
    message = (message or "").strip()[:500]
    if action == Resolution.HIDE_MESSAGE and len(message) < 5:
        raise ValidationError({"message": "Write a short message to the author explaining why."})
    content_type = ContentType.objects.get_for_model(target)
    with transaction.atomic():
        open_flags = list(
            Flag.objects.select_for_update().filter(
                content_type=content_type, object_id=target.pk, status=Flag.Status.OPEN
            )
        )
        if not open_flags:
            raise ValidationError("Someone already reviewed these flags.")
        now = timezone.now()
        if action == Resolution.DISMISS:
            status = Flag.Status.DISMISSED
            audit_action = ModerationAction.Action.FLAG_DISMISS
            if hooks.is_auto_hidden(target):
                hooks.unhide(actor=actor, obj=target, reason="Flags dismissed after review")
        else:
            status = Flag.Status.UPHELD
            audit_action = (
                ModerationAction.Action.FLAG_HIDE
                if action == Resolution.HIDE
                else ModerationAction.Action.FLAG_HIDE_MESSAGE
            )
            hooks.hide(actor=actor, obj=target, reason=message or "Hidden after a review of flags", action=audit_action)
        Flag.objects.filter(pk__in=[f.pk for f in open_flags]).update(status=status, resolved_at=now, resolved_by=actor)
        reasons = sorted({f.reason for f in open_flags})
        if action == Resolution.DISMISS:
            moderation_log(
                actor=actor,
                action=audit_action,
                target=target,
                cohort=hooks.cohort(target),
                summary=hooks.describe(target),
                url=hooks.url(target),
                reason=message,
                data={"flags": len(open_flags), "reasons": reasons},
            )
        metrics.record(
            actor=actor,
            verb=Verb.MODERATED,
            target=target,
            cohort=hooks.cohort(target),
            data={"action": f"flag_{action}", "flags": len(open_flags)},
        )
        flag_ids = [f.pk for f in open_flags]
        key, _ = hooks_for(target)
        enqueue_on_commit(
            "forums.tasks.flags_resolved_notify",
            flag_ids,
            actor.pk,
            key,
            target.pk,
            message if action == Resolution.HIDE_MESSAGE else "",
        )
    return len(open_flags)


# ---------------------------------------------------------------- forum posts are flaggable
def _post_can_view(user, post: Post) -> bool:
    return permissions.can_view_topic(user, post.topic) and not post.is_removed


def _post_can_moderate(user, post: Post) -> bool:
    return permissions.can_moderate_board(user, post.topic.board)


def _post_hide(*, actor: User | None, obj: Post, reason: str, action: str) -> None:
    from .posts import post_hide

    post_hide(actor=actor, post=obj, reason=reason, action=action)


def _post_unhide(*, actor: User, obj: Post, reason: str) -> None:
    from .posts import post_unhide

    post_unhide(actor=actor, post=obj, reason=reason)


def _post_review(ids: list[int]) -> dict[int, ReviewItem]:
    posts = {p.pk: p for p in Post.objects.filter(pk__in=ids).select_related("topic__board__cohort", "author__profile")}
    if not posts:
        return {}
    around = Q()
    for post in posts.values():
        around |= Q(topic_id=post.topic_id, number__in=[post.number - 1, post.number + 1])
    neighbours: dict[tuple[int, int], Post] = {
        (p.topic_id, p.number): p for p in Post.objects.filter(around).select_related("author__profile")
    }
    items = {}
    for pk, post in posts.items():
        context = []
        for number, label in ((post.number - 1, "Before"), (post.number + 1, "After")):
            other = neighbours.get((post.topic_id, number))
            if other is not None:
                context.append(
                    {
                        "label": label,
                        "author": other.author,
                        "body_html": other.body if not other.is_removed else "",
                        "removed": other.is_removed,
                        "created_at": other.created_at,
                        "url": other.get_absolute_url(),
                    }
                )
        items[pk] = ReviewItem(
            obj=post,
            title=f"#{post.number} in “{post.topic.title}”",
            url=post.get_absolute_url(),
            author=post.author,
            body_html=post.body,
            created_at=post.created_at,
            hidden=post.hidden_at is not None,
            where=post.topic.board.title,
            context=context,
        )
    return items


POST_HOOKS = FlagHooks(
    label="forum post",
    cohort=lambda post: post.topic.board.cohort,
    can_view=_post_can_view,
    can_moderate=_post_can_moderate,
    author_id=lambda post: post.author_id,
    url=lambda post: post.get_absolute_url(),
    describe=lambda post: f"Post #{post.number} in “{post.topic.title}”",
    is_hidden=lambda post: post.hidden_at is not None,
    is_auto_hidden=lambda post: post.hidden_at is not None and post.hidden_by_id is None,
    hide=_post_hide,
    unhide=_post_unhide,
    review=_post_review,
)
