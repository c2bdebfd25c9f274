"""Follow and unfollow blog authors and tags (htmx swaps the button; without JS the page reloads)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..forms import FollowForm
from ..selectors import entries as selectors
from ..services import follows as services
from ._common import safe_next


@login_required
@require_POST
def author_follow(request, user_id: int):
    author = selectors.author_or_404(user_id)
    form = FollowForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose follow or unfollow.")
    error = ""
    if form.cleaned_data["action"] == "follow":
        try:
            services.author_follow(actor=request.user, author=author)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        services.author_unfollow(actor=request.user, author=author)
    if request.htmx:
        context = {
            "person": author,
            "error": error,
            "compact": bool(request.POST.get("compact")),
            **selectors.follow_header(request.user, author.pk),
        }
        return render(request, "blogs/partials/follow_button.html", context)
    if error:
        messages.error(request, error)
    return redirect(safe_next(request, reverse("blogs:author", args=[author.pk])))


@login_required
@require_POST
def tag_follow(request, slug: str):
    tag = selectors.tag_by_slug(slug)
    form = FollowForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose follow or unfollow.")
    if form.cleaned_data["action"] == "follow":
        services.tag_follow_create(actor=request.user, tag=tag)
    else:
        services.tag_follow_delete(actor=request.user, tag=tag)
    if request.htmx:
        return render(
            request, "blogs/partials/tag_follow_button.html", {"tag": tag, **selectors.tag_header(request.user, tag)}
        )
    return redirect(safe_next(request, tag.get_absolute_url()))
