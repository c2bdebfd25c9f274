"""Posting and removing comments; with htmx the comment section is swapped in place."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onboarding import gate

from .. import permissions
from ..forms import CommentForm, apply_service_errors
from ..models import Comment
from ..selectors import entries as selectors
from ..services import comments as services


def comments_context(request, entry, form: CommentForm, reply_form_for: int | None = None) -> dict:
    """Comments with the per-comment booleans the template needs, computed without extra queries."""
    user = request.user
    comments = selectors.entry_comments(entry)
    can_moderate = permissions.can_moderate_entry(user, entry)
    for comment in comments:
        for c in (comment, *comment.replies.all()):
            c.can_delete = c.deleted_at is None and (c.author_id == user.pk or can_moderate)
            c.can_flag = c.author_id != user.pk and c.is_visible
    return {
        "entry": entry,
        "comments": comments,
        "comment_form": form,
        "reply_form_for": reply_form_for,
        "can_comment": permissions.can_comment(user, entry),
        "can_edit": permissions.can_edit_entry(user, entry),
        "comment_total": sum((c.is_visible) + sum(r.is_visible for r in c.replies.all()) for c in comments),
    }


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
        parent_id = form.cleaned_data.get("parent")
        if parent_id:
            parent = Comment.objects.filter(pk=parent_id, entry=entry).select_related("parent").first()
            if parent is None:
                form.add_error(None, "The comment you replied to is no longer there.")
    if form.is_valid():
        try:
            comment = services.comment_create(
                actor=request.user,
                entry=entry,
                body=form.cleaned_data["body"],
                parent=parent,
                post_anyway=form.cleaned_data.get("post_anyway", False),
            )
        except gate.PublishRefused as refusal:
            gate.apply_to_form(form, refusal)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "You cannot comment here.")
        else:
            if request.htmx:
                ctx = comments_context(request, entry, CommentForm())
                ctx["just_posted"] = comment.pk
                return render(request, "blogs/partials/comments.html", ctx)
            messages.success(request, "Your comment is posted.")
            return redirect(comment.get_absolute_url())
    ctx = comments_context(request, entry, form if not parent else CommentForm(), reply_form_for=parent and parent.pk)
    if parent:
        ctx["reply_form"] = form
    if request.htmx:
        return render(request, "blogs/partials/comments.html", ctx)
    page = selectors.entry_for_page(entry.blog.slug, entry.slug)
    ctx.update(
        {
            "entry": page,
            "tags": list(page.tags.all()),
            "cover_url": page.cover.url if page.cover else "",
            "can_follow": page.author_id != request.user.pk,
            **selectors.follow_header(request.user, page.author_id),
        }
    )
    return render(request, "blogs/entry_detail.html", ctx, status=400)


@login_required
@require_POST
def comment_delete(request, pk: int):
    comment = Comment.objects.select_related("entry__blog", "entry__author").filter(pk=pk).first()
    if comment is None or not permissions.can_view_comment(request.user, comment):
        raise Http404("No such comment.")
    services.comment_delete(actor=request.user, comment=comment)
    if request.htmx:
        return render(request, "blogs/partials/comments.html", comments_context(request, comment.entry, CommentForm()))
    messages.success(request, "The comment is removed.")
    return redirect(comment.entry)
