"""Private review: a leader's draft, facilitators' private comments, then publish or withdraw.

The draft and its comments are seen only by the author and the cohort's facilitators (see
``permissions``). Publishing goes through the forums' and blogs' own create services, so a reviewed
draft passes the same checks as any other post; the review closes in the same transaction.
Activities never carry the draft's text: only its kind and revision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

import metrics
from forums import permissions as forum_permissions
from forums.models import Board, Topic
from metrics.verbs import Verb
from portal.jobs import enqueue_on_commit
from portal.people.models import Cohort, User

from .. import permissions
from ..models import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH, ReviewComment, ReviewRequest, ReviewRevision
from ._common import clean_body, clean_kind, clean_plain, clean_title

if TYPE_CHECKING:
    from blogs.models import Entry
    from forums.models import Post

ENTRY_TITLE_MAX = 200


def _clean_draft(kind: str, title: str, body: str) -> tuple[str, str]:
    body = clean_body(body)
    if kind == ReviewRequest.Kind.REPLY:
        return "", body
    limit = ENTRY_TITLE_MAX if kind == ReviewRequest.Kind.ENTRY else 150
    return clean_title(title, max_length=limit), body


def _check_destination(actor: User, *, kind: str, cohort: Cohort, board: Board | None, topic: Topic | None) -> None:
    if kind == ReviewRequest.Kind.TOPIC:
        if board is None or board.cohort_id != cohort.pk or not forum_permissions.can_post_in_board(actor, board):
            raise ValidationError({"board": "Choose one of your cohort's boards."})
    elif kind == ReviewRequest.Kind.REPLY:
        if topic is None or topic.board.cohort_id != cohort.pk or not forum_permissions.can_reply(actor, topic):
            raise ValidationError({"topic": "You can ask for a review of replies in your cohort's topics."})
    elif kind != ReviewRequest.Kind.ENTRY:
        raise ValidationError({"kind": "Choose a new topic, a reply or a blog entry."})


def review_request(
    *,
    actor: User,
    cohort: Cohort,
    kind: str,
    body: str,
    title: str = "",
    board: Board | None = None,
    topic: Topic | None = None,
    topic_kind: str = "discussion",
    visibility: str = ReviewRequest.Visibility.COHORT,
    note: str = "",
) -> ReviewRequest:
    """Send a draft to the cohort's facilitators for private comments.

    Guarantees: only a member of ``cohort`` (as a member, not a facilitator); the destination (board,
    topic) is in that cohort and open to the writer; text validated and sanitised; the first revision
    is kept; recorded as review_requested (kind only, never the text); facilitators told after commit.
    """
    if not permissions.can_request_review(actor, cohort.pk):
        raise PermissionDenied("You can ask for a review in a cohort you belong to.")
    _check_destination(actor, kind=kind, cohort=cohort, board=board, topic=topic)
    title, body = _clean_draft(kind, title, body)
    topic_kind = clean_kind(topic_kind)
    if visibility not in ReviewRequest.Visibility.values:
        raise ValidationError({"visibility": "Choose who will see the entry."})
    note = clean_plain(note, field="note", max_length=NOTE_MAX_LENGTH)
    with transaction.atomic():
        now = timezone.now()
        review = ReviewRequest.objects.create(
            author=actor,
            cohort=cohort,
            kind=kind,
            board=board if kind == ReviewRequest.Kind.TOPIC else None,
            topic=topic if kind == ReviewRequest.Kind.REPLY else None,
            title=title,
            topic_kind=topic_kind,
            visibility=visibility,
            body=body,
            note=note,
            created_at=now,
            updated_at=now,
        )
        ReviewRevision.objects.create(review=review, number=1, title=title, body=body, created_at=now)
        metrics.record(actor=actor, verb=Verb.REVIEW_REQUESTED, target=review, cohort=cohort, data={"kind": kind})
        review_id = review.pk
        enqueue_on_commit("facilitation.review_requested_notify", review_id)
    return review


def _lock(review: ReviewRequest) -> ReviewRequest:
    return ReviewRequest.objects.select_for_update(of=("self",)).select_related("cohort").get(pk=review.pk)


def review_comment(*, actor: User, review: ReviewRequest, body: str) -> ReviewComment:
    """Add a private comment (a facilitator's, or the author's answer) to an open review.

    Guarantees: only people who can see the review, only while it is open; plain text, validated;
    recorded as review_commented; the other side is told after commit.
    """
    body = clean_plain(body, field="body", max_length=COMMENT_MAX_LENGTH, required=True)
    with transaction.atomic():
        review = _lock(review)
        if not permissions.can_view_review(actor, review):
            raise PermissionDenied("You cannot comment on this draft.")
        if not review.is_open:
            raise ValidationError("This draft was already published or withdrawn.", code="closed")
        now = timezone.now()
        comment = ReviewComment.objects.create(
            review=review, author=actor, revision=review.revision, body=body, created_at=now
        )
        ReviewRequest.objects.filter(pk=review.pk).update(updated_at=now)
        metrics.record(
            actor=actor,
            verb=Verb.REVIEW_COMMENTED,
            target=review,
            cohort=review.cohort,
            data={"by_author": actor.pk == review.author_id, "revision": review.revision},
        )
        comment_id = comment.pk
        enqueue_on_commit("facilitation.review_comment_notify", comment_id)
    return comment


def review_revise(
    *,
    actor: User,
    review: ReviewRequest,
    body: str,
    title: str = "",
    topic_kind: str | None = None,
    visibility: str | None = None,
) -> ReviewRequest:
    """Save a new version of the draft; earlier versions are kept so comments still make sense.
    An unchanged draft writes nothing. The facilitators are told after commit."""
    title, body = _clean_draft(review.kind, title, body)
    with transaction.atomic():
        review = _lock(review)
        if not permissions.can_change_review(actor, review):
            raise PermissionDenied("Only the author can revise an open draft.")
        new_kind = clean_kind(topic_kind) if topic_kind else review.topic_kind
        new_visibility = visibility if visibility in ReviewRequest.Visibility.values else review.visibility
        if (title, body, new_kind, new_visibility) == (review.title, review.body, review.topic_kind, review.visibility):
            return review
        now = timezone.now()
        review.revision += 1
        review.title, review.body, review.topic_kind, review.visibility = title, body, new_kind, new_visibility
        review.updated_at = now
        review.save(update_fields=["revision", "title", "body", "topic_kind", "visibility", "updated_at"])
        ReviewRevision.objects.create(review=review, number=review.revision, title=title, body=body, created_at=now)
        metrics.record(
            actor=actor,
            verb=Verb.REVIEW_REVISED,
            target=review,
            cohort=review.cohort,
            data={"revision": review.revision},
        )
        review_id, revision = review.pk, review.revision
        enqueue_on_commit("facilitation.review_revised_notify", review_id, revision)
    return review


def review_publish(*, actor: User, review: ReviewRequest, post_anyway: bool = False) -> str:
    """Publish the latest version through the forums or blogs, and close the review. Returns its URL.

    Guarantees: the author alone, once; the content is created by ``forums.services.topic_create`` /
    ``post_reply`` or ``blogs.services.entries.entry_save`` (their rules apply: a locked topic, an empty
    text...), and their refusal leaves the review open with nothing published; the review closing, the
    content and both activities commit together. Onboarding's publish gate applies as everywhere: its
    refusal (``onboarding.gate.PublishRefused``) leaves the review open; ``post_anyway`` confirms the
    coach's warnings.
    """
    from blogs.services.entries import entry_save
    from forums.services import post_reply, topic_create

    with transaction.atomic():
        review = _lock(review)
        if not permissions.can_change_review(actor, review):
            raise PermissionDenied("Only the author can publish an open draft.")
        content: Topic | Post | Entry
        if review.kind == ReviewRequest.Kind.TOPIC:
            content = topic_create(
                actor=actor,
                board=cast(Board, review.board),
                title=review.title,
                body=review.body,
                kind=review.topic_kind,
                client_key=f"review-{review.pk}",
                post_anyway=post_anyway,
            )
        elif review.kind == ReviewRequest.Kind.REPLY:
            content = post_reply(
                actor=actor,
                topic=cast(Topic, review.topic),
                body=review.body,
                client_key=f"review-{review.pk}",
                post_anyway=post_anyway,
            )
        else:
            content = entry_save(
                actor=actor,
                action="publish",
                title=review.title,
                body=review.body,
                visibility=review.visibility,
                cohort=review.cohort if review.visibility == ReviewRequest.Visibility.COHORT else None,
                post_anyway=post_anyway,
            )
        now = timezone.now()
        url = content.get_absolute_url()
        ReviewRequest.objects.filter(pk=review.pk).update(
            status=ReviewRequest.Status.PUBLISHED, published_url=url[:300], closed_at=now, updated_at=now
        )
        metrics.record(
            actor=actor,
            verb=Verb.REVIEW_PUBLISHED,
            target=review,
            context=content,
            cohort=review.cohort,
            data={"kind": review.kind, "revisions": review.revision, "comments": review.comments.count()},
        )
    return url


def review_withdraw(*, actor: User, review: ReviewRequest) -> ReviewRequest:
    """The author decides not to publish: the review closes (kept, still private); recorded."""
    with transaction.atomic():
        review = _lock(review)
        if not permissions.can_change_review(actor, review):
            raise PermissionDenied("Only the author can withdraw an open draft.")
        now = timezone.now()
        review.status, review.closed_at, review.updated_at = ReviewRequest.Status.WITHDRAWN, now, now
        review.save(update_fields=["status", "closed_at", "updated_at"])
        metrics.record(
            actor=actor, verb=Verb.REVIEW_WITHDRAWN, target=review, cohort=review.cohort, data={"kind": review.kind}
        )
    return review
