"""Private review: send a draft to your facilitators, discuss it privately, then publish or withdraw.

A review someone may not see does not exist for them: every view answers 404, never 403, so its
existence is not revealed to other members, other cohorts' facilitators, analysts or admins.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from forums import permissions as forum_permissions
from forums.models import Board, Topic
from portal.content import pipeline
from portal.people.models import Membership

from .. import permissions, selectors, services
from ..forms import CommentForm, ReviewForm
from ..models import ReviewRequest
from ._helpers import add_service_errors, error_text


@login_required
def reviews(request):
    mine, waiting = selectors.reviews_for(request.user)
    return render(
        request,
        "facilitation/reviews.html",
        {
            "mine": mine,
            "waiting": waiting,
            "handles_reviews": bool(permissions.reviews_cohort_ids(request.user)),
            "can_request": permissions.review_cohort_choices(request.user).exists(),
        },
    )


def _visible_review(user, pk: int) -> ReviewRequest:
    review = selectors.review_for(user, pk)
    if review is None:
        raise Http404("No such draft.")
    return review


def _reply_topic(request) -> Topic:
    raw = request.POST.get("topic") or request.GET.get("topic") or ""
    topic = Topic.objects.select_related("board__cohort").filter(pk=int(raw) if raw.isdigit() else 0).first()
    if topic is None or not forum_permissions.can_view_topic(request.user, topic):
        raise Http404("No such topic.")
    return topic


@login_required
def review_create(request):
    cohorts = permissions.review_cohort_choices(request.user)
    if not cohorts.exists():
        raise PermissionDenied("Private review is for cohort members: ask your facilitator to add you to a cohort.")
    kind = request.POST.get("kind") or request.GET.get("kind") or ReviewRequest.Kind.TOPIC
    if kind not in ReviewRequest.Kind.values:
        raise Http404("Choose a new topic, a reply or a blog entry.")
    topic = _reply_topic(request) if kind == ReviewRequest.Kind.REPLY else None
    boards = Board.objects.filter(cohort__in=cohorts).select_related("cohort").order_by("cohort__name", "position")
    initial = {}
    if request.GET.get("board"):
        initial["board"] = boards.filter(slug=request.GET["board"]).first()
    form = ReviewForm(request.POST or None, kind=kind, boards=boards, cohorts=cohorts, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if kind == ReviewRequest.Kind.TOPIC:
            cohort = data["board"].cohort
        elif kind == ReviewRequest.Kind.REPLY:
            cohort = topic.board.cohort
        else:
            cohort = data["cohort"]
        try:
            if cohort is None:
                raise ValidationError({"topic": "Private review is for topics in your cohort's boards."})
            review = services.review_request(
                actor=request.user,
                cohort=cohort,
                kind=kind,
                body=data["body"],
                title=data.get("title", ""),
                board=data.get("board"),
                topic=topic,
                topic_kind=data.get("topic_kind") or "discussion",
                visibility=data.get("visibility") or ReviewRequest.Visibility.COHORT,
                note=data.get("note", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "Sent. Only you and your cohort's facilitators can see this draft. You will hear when they comment.",
            )
            return redirect(review)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "facilitation/review_form.html",
        {"form": form, "kind": kind, "kinds": ReviewRequest.Kind.choices, "topic": topic, "review": None},
        status=status,
    )


def _detail_context(request, review: ReviewRequest, *, refusal=None) -> dict:
    revisions = list(review.revisions.all())
    return {
        "review": review,
        "comments": list(review.comments.all()),
        "earlier": [r for r in revisions if r.number != review.revision],
        "is_author": review.author_id == request.user.pk,
        "can_comment": permissions.can_comment_review(request.user, review),
        "can_change": permissions.can_change_review(request.user, review),
        "form": CommentForm(),
        "refusal": refusal,
        "facilitators": Membership.objects.filter(
            cohort=review.cohort, kind=Membership.Kind.FACILITATOR
        ).select_related("user__profile"),
    }


@login_required
def review_detail(request, pk):
    review = _visible_review(request.user, pk)
    return render(request, "facilitation/review_detail.html", _detail_context(request, review))


@login_required
def review_edit(request, pk):
    review = _visible_review(request.user, pk)
    if not permissions.can_change_review(request.user, review):
        if review.author_id == request.user.pk:
            messages.info(request, "This draft was published or withdrawn, so it can no longer change.")
            return redirect(review)
        raise PermissionDenied("Only the author can revise a draft.")
    initial = {
        "title": review.title,
        "body": review.body,
        "topic_kind": review.topic_kind,
        "visibility": review.visibility,
    }
    form = ReviewForm(request.POST or None, kind=review.kind, revising=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.review_revise(
                actor=request.user,
                review=review,
                title=data.get("title", ""),
                body=data["body"],
                topic_kind=data.get("topic_kind"),
                visibility=data.get("visibility"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved as a new version. Your facilitators can see what changed.")
            return redirect(review)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "facilitation/review_form.html",
        {"form": form, "kind": review.kind, "topic": review.topic, "review": review},
        status=status,
    )


@login_required
@require_POST
def review_comment(request, pk):
    review = _visible_review(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Your comment was empty or too long; nothing was saved.")
        return redirect(review)
    try:
        comment = services.review_comment(actor=request.user, review=review, body=form.cleaned_data["body"])
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(review)
    messages.success(request, "Comment added. Only the author and the facilitators can read it.")
    return redirect(f"{review.get_absolute_url()}#comment-{comment.pk}")


@login_required
@require_POST
def review_publish(request, pk):
    review = _visible_review(request.user, pk)
    if review.status == ReviewRequest.Status.PUBLISHED and review.author_id == request.user.pk:
        return redirect(review.published_url or review.get_absolute_url())  # a second click on "Publish"
    if not permissions.can_change_review(request.user, review):
        raise PermissionDenied("Only the author can publish an open draft.")
    try:
        url = services.review_publish(
            actor=request.user, review=review, post_anyway=request.POST.get("post_anyway") == "1"
        )
    except pipeline.PublishRefused as refusal:
        # The coach or the policy: show why on the draft's own page, with "publish anyway" for warnings.
        context = _detail_context(request, review, refusal=refusal)
        return render(request, "facilitation/review_detail.html", context, status=400)
    except ValidationError as error:
        messages.error(request, f"Not published: {error_text(error)} Your draft is unchanged.")
        return redirect(review)
    except PermissionDenied as error:
        messages.error(request, f"Not published: {error} Your draft is unchanged.")
        return redirect(review)
    messages.success(request, "Published. Well done: your facilitators can see how it went.")
    return redirect(url)


@login_required
@require_POST
def review_withdraw(request, pk):
    review = _visible_review(request.user, pk)
    if not permissions.can_change_review(request.user, review):
        raise PermissionDenied("Only the author can withdraw an open draft.")
    services.review_withdraw(actor=request.user, review=review)
    messages.success(request, "Withdrawn. Nothing was published; the draft and comments stay here, private.")
    return redirect("facilitation:reviews")
