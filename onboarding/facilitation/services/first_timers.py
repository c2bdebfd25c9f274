"""Answering first-timers from the queue, through the forums' own reply service."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from forums.models import Post
from forums.services import post_reply
from portal.people.models import User

from .. import permissions


def can_answer(actor: User, post: Post) -> bool:
    """The post's cohort facilitators and admins, or the author's buddy in that cohort."""
    cohort_id = post.topic.board.cohort_id
    if cohort_id is None:
        return False
    if permissions.can_facilitate(actor, cohort_id):
        return True
    return permissions.buddy_ids(actor).get(cohort_id) == post.author_id


def first_timer_reply(*, actor: User, post: Post, body: str, client_key: str = "", post_anyway: bool = False) -> Post:
    """Reply to a first-timer's post from the queue.

    Guarantees: only facilitators of the post's cohort (or the author's buddy); the reply is made by
    ``forums.services.post_reply`` (its rules, activity, notifications and the topic's time to first
    response apply, and onboarding's publish gate: ``post_anyway`` confirms the coach's warnings); replying
    to a reply points at it, so its author is told.
    """
    if not can_answer(actor, post):
        raise PermissionDenied("You cannot answer this post from the queue.")
    return post_reply(
        actor=actor,
        topic=post.topic,
        body=body,
        reply_to=post if post.number > 1 else None,
        client_key=client_key,
        post_anyway=post_anyway,
    )
