"""Posting and removing comments, and the @mention suggestions for the comment composer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from portal.content import pipeline
from portal.mentions import autocomplete_response

from .. import permissions
from ..forms import CommentForm, apply_service_errors
from ..models import Comment
from ..selectors import entries as selectors
from ..services import comments as services
from ._entry_page import entry_page_context, reply_target


def _entry_or_404(user, pk: int):
    entry = selectors.entry_for_edit(pk)
    if not permissions.can_view_entry(user, entry):
        raise Http404("No such entry.")
    return entry


@login_required
@require_POST
def comment_create(request, pk: int):
    entry = _entry_or_404(request.user, pk)
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid():
        parent = reply_target(entry, form.cleaned_data.get("reply_to"))
        if form.cleaned_data.get("reply_to") and parent is None:
            form.add_error(None, "The comment you replied to is no longer there; your text is below.")
    if form.is_valid():
        try:
            comment = services.comment_create(
                actor=request.user,
                entry=entry,
                body=form.cleaned_data["body"],
                parent=parent,
                post_anyway=form.cleaned_data.get("post_anyway", False),
            )
        except pipeline.PublishRefused as refusal:
            pipeline.apply_to_form(form, refusal)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "You cannot comment here.")
        else:
            messages.success(request, "Your comment is posted.")
            return redirect(comment.get_absolute_url())
    context = entry_page_context(request, selectors.entry_for_page(entry.blog.slug, entry.slug), form, parent)
    return render(request, "blogs/entry_detail.html", context, status=400)


@login_required
@require_POST
def comment_delete(request, pk: int):
    comment = Comment.objects.select_related("entry__blog", "entry__author").filter(pk=pk).first()
    if comment is None or not permissions.can_view_comment(request.user, comment):
        raise Http404("No such comment.")
    services.comment_delete(actor=request.user, comment=comment)
    messages.success(request, "The comment is removed.")
    return redirect(f"{comment.entry.get_absolute_url()}#comments")


@login_required
@require_GET
def mention_autocomplete(request):
    """People who can read the entry, for the composer's @ suggestions (``?entry=<id>&q=<name>``)."""
    try:
        entry = _entry_or_404(request.user, int(request.GET.get("entry", "")))
    except ValueError:
        raise Http404("No such entry.") from None
    return autocomplete_response(request, permissions.entry_audience(entry))


def _comment_or_404(user, pk: int) -> Comment:
    comment = Comment.objects.select_related("entry__blog", "entry__author", "entry__cohort", "author").filter(pk=pk)
    found = comment.first()
    if found is None or not permissions.can_view_comment(user, found):
        raise Http404("No such comment.")
    return found


@login_required
def comment_edit(request, pk: int):
    """Edit one's own comment (issue 17); the earlier text stays in the comment's history."""
    comment = _comment_or_404(request.user, pk)
    if not permissions.can_edit_comment(request.user, comment):
        raise PermissionDenied("You can edit only your own comments.")
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.comment_edit(
                    actor=request.user,
                    comment=comment,
                    body=form.cleaned_data["body"],
                    post_anyway=form.cleaned_data.get("post_anyway", False),
                )
            except pipeline.PublishRefused as refusal:
                pipeline.apply_to_form(form, refusal)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Your comment is updated.")
                return redirect(comment.get_absolute_url())
    else:
        form = CommentForm(initial={"body": comment.body})
    return render(
        request,
        "blogs/comment_edit.html",
        {
            "comment": comment,
            "entry": comment.entry,
            "form": form,
            "mention_url": f"{reverse('blogs:mention-autocomplete')}?entry={comment.entry_id}",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def comment_history(request, pk: int):
    """Every version of a comment, newest first, with what changed (as forum posts have)."""
    from ..selectors.personal import comment_history as history

    comment = _comment_or_404(request.user, pk)
    if not comment.is_visible and not permissions.can_moderate_entry(request.user, comment.entry):
        raise Http404("No such comment.")
    return render(
        request,
        "blogs/comment_history.html",
        {"comment": comment, "entry": comment.entry, "revisions": history(comment)},
    )
