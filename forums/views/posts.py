"""What people do to a post: edit (with history), remove, restore, hide, react, accept as the answer."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import permissions, selectors, services
from ..forms import PostEditForm, ReasonForm
from ..models import Post, Reaction
from ..selectors.posts import attach_reactions, reaction_row, visible_topic
from ._composer import composer_context
from ._helpers import add_service_errors, visible_post
from .topics import _keep_body, _with_images


@login_required
def post_edit(request, pk):
    post = visible_post(request.user, pk)
    topic = post.topic
    moderator = permissions.can_moderate_board(request.user, topic.board)
    if not permissions.can_edit_post(request.user, post, moderator=moderator):
        raise PermissionDenied("You cannot edit this post.")
    opening = post.number == 1
    if request.method == "POST":
        form = PostEditForm(request.POST, request.FILES, opening=opening)
        valid = form.is_valid()
        body, stored = _with_images(request, form, topic.board)
        if valid and stored:
            try:
                services.post_edit(
                    actor=request.user,
                    post=post,
                    body=body,
                    title=form.cleaned_data.get("title") if opening else None,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Saved. The earlier version is kept in the edit history.")
                return redirect(post)
        _keep_body(form, body)
        status = 400
    else:
        form = PostEditForm(initial={"body": post.body, "title": topic.title}, opening=opening)
        status = 200
    return render(
        request,
        "forums/post_edit.html",
        composer_context(
            topic.board, form=form, topic=topic, post=post, editing_other=post.author_id != request.user.pk
        ),
        status=status,
    )


@login_required
def post_history(request, pk):
    post = visible_post(request.user, pk)
    moderator = permissions.can_moderate_board(request.user, post.topic.board)
    if not permissions.can_view_post_body(request.user, post, moderator=moderator):
        raise PermissionDenied("This post was removed.")
    return render(
        request,
        "forums/post_history.html",
        {
            "post": post,
            "topic": post.topic,
            "board": post.topic.board,
            "revisions": selectors.post_history(request.user, post),
        },
    )


@login_required
@require_POST
def post_delete(request, pk):
    post = visible_post(request.user, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.post_delete(actor=request.user, post=post, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(post)
    if post.number == 1:
        messages.success(request, "The topic was removed.")
        return redirect(post.topic.board)
    messages.success(request, "Your post was removed." if post.author_id == request.user.pk else "Post removed.")
    return redirect(post.topic)


@login_required
@require_POST
def post_restore(request, pk):
    post = visible_post(request.user, pk)
    services.post_restore(actor=request.user, post=post, reason=request.POST.get("reason", "")[:500])
    messages.success(request, "Post restored.")
    return redirect(post)


@login_required
def post_hide(request, pk):
    post = visible_post(request.user, pk)
    if not permissions.can_moderate_board(request.user, post.topic.board):
        raise PermissionDenied("Only this board's facilitators and admins may hide posts.")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.post_hide(actor=request.user, post=post, reason=form.cleaned_data["reason"])
        messages.success(request, "Post hidden. Its author can still see it, with your reason.")
        return redirect(post)
    return render(
        request, "forums/post_hide.html", {"post": post, "topic": post.topic, "board": post.topic.board, "form": form}
    )


@login_required
@require_POST
def post_unhide(request, pk):
    post = visible_post(request.user, pk)
    services.post_unhide(actor=request.user, post=post, reason=request.POST.get("reason", "")[:500])
    messages.success(request, "Post visible again.")
    return redirect(post)


@login_required
@require_POST
def post_react(request, pk):
    post = visible_post(request.user, pk)
    return _react(request, post, request.POST.get("kind", ""))


_BUTTON = re.compile(rf"({'|'.join((*Reaction.Kind.values, 'save', 'unsave', 'mute', 'unmute'))}):(\d+)")


@login_required
@require_POST
def topic_post_button(request, pk):
    """The topic page's per-post buttons (issue 13). Each submits one of the page's two shared forms and its name
    says what it does to which post, ``<action>:<post id>``: like, thanks or insightful (toggle a reaction) and
    save/unsave through the htmx form, mute/unmute (the post's author) through the plain one. Without JavaScript
    the answer is the post again, with a message."""
    topic = visible_topic(request.user, pk)
    pressed = next((m for m in map(_BUTTON.fullmatch, request.POST) if m), None)
    action, post_id = pressed.groups() if pressed else ("", "")
    post = Post.objects.filter(topic=topic, pk=post_id).first() if post_id else None
    if post is None:
        return HttpResponseBadRequest("That is not a post of this topic.")
    post.topic = topic
    if action in Reaction.Kind.values:
        return _react(request, post, action)
    if action in ("save", "unsave"):
        saved = services.bookmark_set(actor=request.user, target=post, saved=action == "save")
        if request.htmx:
            row = {"pk": post.pk, "saved": saved}
            return render(request, "forums/partials/post_save.html", {"p": row, "oob": True})
        messages.success(request, "Saved for later." if saved else "Removed from your saved items.")
        return redirect(post)
    if post.author is None:
        return HttpResponseBadRequest("This post has no author to mute.")
    try:
        muted = services.mute_person_set(actor=request.user, person=post.author, muted=action == "mute")
    except PermissionDenied:
        messages.error(request, "You cannot mute yourself.")
        return redirect(post)
    name = post.author.display_name
    messages.success(
        request,
        f"{name} is muted: no notifications from them; their posts collapse." if muted else f"{name} is unmuted.",
    )
    return redirect(post)


def _react(request, post, kind: str):
    if kind not in Reaction.Kind.values:
        return HttpResponseBadRequest("Choose like, thanks or insightful.")
    services.reaction_toggle(actor=request.user, post=post, kind=kind)
    if request.htmx:  # the post's reactions, swapped in place, and a word for the page's live region
        fresh = type(post).objects.prefetch_related("reactions__user__profile").get(pk=post.pk)
        attach_reactions(fresh, request.user)
        fresh.can_react = True
        return render(request, "forums/partials/reactions.html", {"r": reaction_row(fresh), "oob": True})
    return redirect(post)


@login_required
@require_POST
def post_accept(request, pk):
    """Mark a reply as the accepted answer to its question (or, with ``clear``, unmark it)."""
    post = visible_post(request.user, pk)
    topic = post.topic
    clear = request.POST.get("clear") == "1"
    try:
        services.topic_accept_answer(actor=request.user, topic=topic, post=None if clear else post)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(post)
    if not clear:
        messages.success(request, "Marked as the answer. It now shows under the question.")
    return redirect(post)
