"""The first-timer queue: unanswered first posts, oldest first, each with a one-click reply."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from forums.models import Post
from forums.services import DuplicateSubmission
from portal.content import pipeline
from portal.people.models import Cohort

from .. import permissions, selectors, services
from ..forms import QuickReplyForm
from ..services.nudges import first_name
from ._helpers import error_text


def greeting(post: Post) -> str:
    """The reply the form starts with: warm, specific to the person, easy to edit before sending."""
    name = first_name(post.author) if post.author else "there"
    if post.number == 1:
        return f"Thank you for starting this, {name}. "
    return f"Thanks for adding this, {name}. "


def _with_forms(posts: list[Post]) -> list[Post]:
    for post in posts:
        post.reply_form = QuickReplyForm(
            initial={"body": greeting(post), "client_key": uuid.uuid4().hex}, prefix=f"p{post.pk}"
        )
    return posts


@login_required
def first_timers(request):
    if not permissions.can_view_first_timers(request.user):
        raise PermissionDenied("The first-timer queue is for facilitators, and for members with a buddy.")
    cohort = None
    if request.GET.get("cohort"):
        cohort = get_object_or_404(Cohort, slug=request.GET["cohort"])
        if not permissions.can_facilitate(request.user, cohort):
            raise PermissionDenied("You do not facilitate this cohort.")
    queue = selectors.first_timer_queue(request.user, cohort=cohort)
    _with_forms(queue.overdue + queue.recent + queue.buddy_posts)
    return render(
        request,
        "facilitation/first_timers.html",
        {
            "queue": queue,
            "cohort": cohort,
            "cohorts": list(permissions.facilitation_cohorts(request.user).order_by("name")),
            "max_posts": settings.FACILITATION_FIRST_TIMER_MAX_POSTS,
        },
    )


@login_required
@require_POST
def first_timer_reply(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic__board__cohort", "author__profile"), pk=pk)
    if not services.can_answer(request.user, post):
        raise Http404("No such post in your queue.")
    form = QuickReplyForm(request.POST, prefix=f"p{post.pk}")
    error = ""
    reply = None
    refusal = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            reply = services.first_timer_reply(
                actor=request.user,
                post=post,
                body=data["body"],
                client_key=data["client_key"],
                post_anyway=data["post_anyway"],
            )
        except DuplicateSubmission as duplicate:
            reply = duplicate.existing
        except pipeline.PublishRefused as exc:  # the coach or the policy, as in the composer
            refusal, error = exc, error_text(exc)
        except ValidationError as exc:
            error = error_text(exc)
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    if request.htmx:
        if reply is not None:
            return render(request, "facilitation/partials/first_timer_done.html", {"post": post, "reply": reply})
        post.reply_form = form
        context = {"post": post, "error": error, "refusal": refusal}
        return render(request, "facilitation/partials/first_timer_item.html", context, status=400)
    if reply is not None:
        messages.success(request, f"Reply posted to “{post.topic.title}”. It has left the queue.")
    else:
        messages.error(request, f"Your reply was not posted: {error}")
    return redirect(reverse("facilitation:first-timers") + (f"#post-{post.pk}" if reply is None else ""))
