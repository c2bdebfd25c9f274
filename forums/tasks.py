"""Forum jobs: notification events after a write commits, and pruning abandoned uploads.

Each task takes ids, re-loads its rows (content removed meanwhile notifies nobody), notifies only
people who may see the board, and gives each person at most one notification per post. Re-running a
task does not repeat a notification: non-grouped events are skipped when the person already has one
for that post, grouped ones fold into the same unread row.
"""

from __future__ import annotations

from celery import shared_task
from django.contrib.contenttypes.models import ContentType

from portal.notifications import Event
from portal.notifications.models import Notification
from portal.people.models import User


def _already(recipient_id: int, event: str, target) -> bool:
    content_type = ContentType.objects.get_for_model(target)
    return Notification.objects.filter(
        recipient_id=recipient_id, event=event, target_type=content_type, target_id=target.pk
    ).exists()


def _send(recipients: dict[int, tuple[str, str, str]], *, actor, target, url: str) -> int:
    """recipients: {user id: (event, text, group_key)}."""
    from portal.notifications.services import notify

    sent = 0
    people = User.objects.in_bulk(list(recipients))
    for user_id, (event, text, group_key) in recipients.items():
        recipient = people.get(user_id)
        if recipient is None:
            continue
        if not group_key and _already(user_id, event, target):
            continue
        if notify(
            recipient=recipient, event=event, text=text, url=url, actor=actor, target=target, group_key=group_key
        ):
            sent += 1
    return sent


def _load_post(post_id: int):
    from .models import Post

    return (
        Post.objects.select_related("topic__board", "author__profile", "reply_to", "topic__author")
        .filter(pk=post_id, deleted_at__isnull=True, hidden_at__isnull=True)
        .first()
    )


def _quoted_authors(post) -> set[int]:
    from .models import Post
    from .services._common import quote_pattern

    post_ids = {int(pid) for pid, _ in quote_pattern().findall(post.body)}
    if not post_ids:
        return set()
    return set(
        Post.objects.filter(pk__in=post_ids, topic__board=post.topic.board)
        .exclude(author__isnull=True)
        .values_list("author_id", flat=True)
    )


@shared_task(name="forums.tasks.post_created_notify")
def post_created_notify(post_id: int) -> int:
    """Tell the people a new reply concerns: mentioned, quoted, replied to, the topic's author, watchers."""
    from portal.mentions import mentioned_ids

    from .models import Watch
    from .permissions import board_audience_ids

    post = _load_post(post_id)
    if post is None:
        return 0
    topic, actor = post.topic, post.author
    name = actor.display_name if actor else "Someone"
    title = topic.title
    recipients: dict[int, tuple[str, str, str]] = {}

    def offer(user_ids, event, text, group_key=""):
        for uid in user_ids:
            if uid and uid not in recipients and (actor is None or uid != actor.pk):
                recipients[uid] = (event, text, group_key)

    offer(mentioned_ids(post.body), Event.MENTION, f"{name} mentioned you in “{title}”")
    offer(_quoted_authors(post), Event.QUOTE, f"{name} quoted you in “{title}”")
    if post.reply_to is not None and post.reply_to.deleted_at is None:
        offer([post.reply_to.author_id], Event.POST_REPLY, f"{name} replied to your post in “{title}”")
    group = f"forums-topic-reply:{topic.pk}"
    offer([topic.author_id], Event.TOPIC_REPLY, f"New replies to your topic “{title}” (latest from {name})", group)
    watchers = Watch.objects.filter(topic=topic, watching=True).values_list("user_id", flat=True)
    offer(watchers, Event.TOPIC_REPLY, f"New replies in “{title}”, a topic you watch (latest from {name})", group)
    # Someone who explicitly stopped watching hears only about mentions, quotes and direct replies.
    muted = set(Watch.objects.filter(topic=topic, watching=False).values_list("user_id", flat=True))
    recipients = {uid: spec for uid, spec in recipients.items() if not (uid in muted and spec[0] == Event.TOPIC_REPLY)}
    allowed = board_audience_ids(topic.board, set(recipients))
    recipients = {uid: spec for uid, spec in recipients.items() if uid in allowed}
    return _send(recipients, actor=actor, target=post, url=post.get_absolute_url())


@shared_task(name="forums.tasks.topic_created_notify")
def topic_created_notify(topic_id: int) -> int:
    """Tell people mentioned in a new topic, and the board's watchers, that it exists."""
    from portal.mentions import mentioned_ids

    from .models import Topic, Watch
    from .permissions import board_audience_ids

    topic = Topic.objects.select_related("board", "author__profile", "first_post").filter(pk=topic_id).first()
    if topic is None or not topic.is_visible or topic.first_post is None:
        return 0
    actor = topic.author
    name = actor.display_name if actor else "Someone"
    recipients: dict[int, tuple[str, str, str]] = {}
    for uid in mentioned_ids(topic.first_post.body):
        if actor is None or uid != actor.pk:
            recipients[uid] = (Event.MENTION, f"{name} mentioned you in “{topic.title}”", "")
    watchers = Watch.objects.filter(board=topic.board, watching=True).values_list("user_id", flat=True)
    for uid in watchers:
        if uid not in recipients and (actor is None or uid != actor.pk):
            recipients[uid] = (
                Event.WATCHED_TOPIC,
                f"New topic in {topic.board.title}: “{topic.title}” by {name}",
                f"forums-board:{topic.board_id}",
            )
    allowed = board_audience_ids(topic.board, set(recipients))
    recipients = {uid: spec for uid, spec in recipients.items() if uid in allowed}
    return _send(recipients, actor=actor, target=topic.first_post, url=topic.get_absolute_url())


@shared_task(name="forums.tasks.mentions_notify")
def mentions_notify(post_id: int, user_ids: list[int], actor_id: int) -> int:
    """Tell people an edit newly mentioned them."""
    from .permissions import board_audience_ids

    post = _load_post(post_id)
    if post is None:
        return 0
    actor = User.objects.select_related("profile").filter(pk=actor_id).first()
    name = actor.display_name if actor else "Someone"
    allowed = board_audience_ids(post.topic.board, set(user_ids))
    recipients = {
        uid: (Event.MENTION, f"{name} mentioned you in “{post.topic.title}”", "")
        for uid in user_ids
        if uid in allowed and uid != actor_id
    }
    return _send(recipients, actor=actor, target=post, url=post.get_absolute_url())


@shared_task(name="forums.tasks.reaction_notify")
def reaction_notify(reaction_id: int) -> int:
    """Tell a post's author about a reaction; reactions to one post share one unread notification."""
    from .models import Reaction

    reaction = Reaction.objects.select_related("user__profile", "post__topic__board").filter(pk=reaction_id).first()
    if reaction is None or reaction.post.is_removed or reaction.post.author_id is None:
        return 0
    post = reaction.post
    text = f"{reaction.user.display_name} found your post in “{post.topic.title}” {_reaction_phrase(reaction.kind)}"
    return _send(
        {post.author_id: (Event.REACTION, text, f"forums-reactions:{post.pk}")},
        actor=reaction.user,
        target=post,
        url=post.get_absolute_url(),
    )


def _reaction_phrase(kind: str) -> str:
    return {"like": "worth a like", "thanks": "worth a thank-you", "insightful": "insightful"}.get(kind, "useful")


@shared_task(name="forums.tasks.answer_accepted_notify")
def answer_accepted_notify(post_id: int, actor_id: int) -> int:
    post = _load_post(post_id)
    if post is None or post.topic.accepted_post_id != post.pk or post.author_id is None:
        return 0
    actor = User.objects.select_related("profile").filter(pk=actor_id).first()
    text = f"Your answer in “{post.topic.title}” was accepted"
    return _send(
        {post.author_id: (Event.ANSWER_ACCEPTED, text, "")}, actor=actor, target=post, url=post.get_absolute_url()
    )


@shared_task(name="forums.tasks.flags_resolved_notify")
def flags_resolved_notify(flag_ids: list[int], actor_id: int, key: str, target_id: int, message: str = "") -> int:
    """Tell flaggers how their flag was handled and, when asked to, tell the author why it was hidden."""
    from .models import Flag
    from .services.flags import flaggable

    model, hooks = flaggable(key)
    target = model._default_manager.filter(pk=target_id).first()
    if target is None:
        return 0
    actor = User.objects.select_related("profile").filter(pk=actor_id).first()
    flags = list(Flag.objects.filter(pk__in=flag_ids).exclude(status=Flag.Status.OPEN))
    what = hooks.describe(target)
    recipients: dict[int, tuple[str, str, str]] = {}
    for flag in flags:
        outcome = (
            "a facilitator hid it" if flag.status == Flag.Status.UPHELD else "a facilitator reviewed it and left it up"
        )
        recipients[flag.flagger_id] = (
            Event.FLAG_RESOLVED,
            f"Thank you for flagging {what}: {outcome}.",
            f"forums-flag:{flag.pk}",
        )
    sent = _send(recipients, actor=actor, target=target, url=hooks.url(target))
    author_id = hooks.author_id(target)
    if message and author_id and author_id != actor_id:
        author = User.objects.filter(pk=author_id).first()
        if author is not None:
            from portal.notifications.services import notify

            text = f"A facilitator hid your {hooks.label} ({what}): {message}"
            if notify(recipient=author, event=Event.FLAG_RESOLVED, text=text, url=hooks.url(target), actor=actor):
                sent += 1
    return sent


@shared_task(name="forums.tasks.attachments_prune")
def attachments_prune() -> int:
    """Daily: delete images uploaded in a composer but never posted."""
    from .services.attachments import attachments_prune as prune

    return prune()
