"""The entry page, the editor (create, edit, autosave, preview) and the author's entry actions."""

from __future__ import annotations

import base64
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_POST

from portal.content import pipeline
from portal.richtext import plain_text, sanitize

from .. import permissions
from ..forms import AutosaveForm, CommentForm, EditorStampForm, EntryForm, apply_service_errors, entry_initial
from ..models import Entry, Tag
from ..selectors import entries as selectors
from ..services import entries as services
from ..services import publishing
from ..services.reads import entry_read_record
from ..tagging import parse_tags, tag_slug
from ._entry_page import comments_context, entry_page_context, reply_target


def _user_zone(user):
    try:
        return zoneinfo.ZoneInfo(user.profile.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, AttributeError):
        return timezone.get_current_timezone()


def editable_entry_or_404(user, pk: int) -> Entry:
    """The entry if ``user`` may edit it: 404 when they cannot even see it, 403 when they can but not edit."""
    entry = selectors.entry_for_edit(pk)
    if not permissions.can_edit_entry(user, entry):
        if permissions.can_view_entry(user, entry):
            raise PermissionDenied("You can edit only your own entries.")
        raise Http404("No such entry.")
    return entry


# ---------------------------------------------------------------- reading
@login_required
@require_GET
def entry_detail(request, blog_slug: str, entry_slug: str):
    entry = selectors.entry_for_page(blog_slug, entry_slug)
    if not permissions.can_view_entry(request.user, entry):
        raise Http404("No such entry.")
    if entry_read_record(reader=request.user, entry=entry):
        entry.read_count += 1  # counted before this first read was recorded
    if request.htmx and "comments" in request.GET:  # "Load more comments": the next threads only
        context = {"entry": entry, **comments_context(request, entry, None)}
        return render(request, "blogs/partials/comment_page.html", context)
    reply_to = reply_target(entry, request.GET.get("reply_to"))
    form = CommentForm(initial={"reply_to": reply_to.pk if reply_to else None})
    context = entry_page_context(request, entry, form, reply_to)
    return render(request, "blogs/entry_detail.html", context)


# ---------------------------------------------------------------- the editor
@login_required
def entry_create(request):
    if not permissions.can_write(request.user):
        raise PermissionDenied("You cannot write blog entries.")
    return _editor(request, None)


@login_required
def entry_edit(request, pk: int):
    return _editor(request, editable_entry_or_404(request.user, pk))


def _editor(request, entry: Entry | None):
    user = request.user
    action = request.POST.get("action", "save")
    restored = None
    with timezone.override(_user_zone(user)):
        if request.method == "POST":
            form = EntryForm(request.POST, request.FILES, user=user, entry=entry, action=action)
            if form.is_valid():
                content = form.content()
                if entry is None:
                    content["cohort_blog"] = form.chosen_cohort_blog()
                try:
                    saved = services.entry_save(
                        actor=user,
                        action=action,
                        entry=entry,
                        publish_at=form.cleaned_data.get("publish_at"),
                        post_anyway=form.cleaned_data.get("post_anyway", False),
                        **EditorStampForm(request.POST).stamp(),
                        **content,
                    )
                except pipeline.PublishRefused as refusal:
                    pipeline.apply_to_form(form, refusal)
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    return _after_save(request, saved, action, was_published=bool(entry and entry.is_published))
            _keep_working_copy(request, entry)
            status = 200
        else:
            initial = entry_initial(entry) if entry else {"visibility": "org", "comments_enabled": True}
            restored = selectors.autosave_for(user, entry)
            if restored is not None:
                initial.update(
                    {
                        k: getattr(restored, k)
                        for k in ("title", "slug", "summary", "body", "tags")
                        if getattr(restored, k)
                    }
                )
            form = EntryForm(initial=initial, user=user, entry=entry)
            status = 200
        context = {
            "form": form,
            "entry": entry,
            "restored": restored,
            "autosave_url": reverse("blogs:entry-autosave", args=[entry.pk])
            if entry
            else reverse("blogs:draft-autosave"),
            "preview_url": reverse("blogs:entry-preview", args=[entry.pk]) if entry else reverse("blogs:draft-preview"),
            "user_zone": _user_zone(user),
        }
        return render(request, "blogs/editor.html", context, status=status)


def _keep_working_copy(request, entry: Entry | None) -> None:
    """A failed save must not lose the text: keep it as the working copy on the server too."""
    data = AutosaveForm(request.POST)
    if data.is_valid() and (data.cleaned_data["title"] or plain_text(data.cleaned_data["body"])):
        services.entry_autosave(actor=request.user, entry=entry, **data.working_copy())


def _after_save(request, entry: Entry, action: str, *, was_published: bool):
    if action == "publish" or (was_published and entry.is_published):
        text = "Your changes are live." if was_published else "Published. People who follow you will be told."
        messages.success(request, text)
        return redirect(entry)
    if action == "schedule":
        when = date_format(timezone.localtime(entry.publish_at), "l j F, H:i")
        messages.success(request, f"Scheduled for {when}. You can change or cancel it until then.")
    else:
        messages.success(request, "Draft saved. Only you can see it until you publish.")
    return redirect("blogs:entry-edit", pk=entry.pk)


@login_required
@require_POST
def draft_autosave(request):
    if not permissions.can_write(request.user):
        raise PermissionDenied
    return _autosave(request, None)


@login_required
@require_POST
def entry_autosave(request, pk: int):
    return _autosave(request, editable_entry_or_404(request.user, pk))


def _autosave(request, entry: Entry | None):
    if request.POST.get("discard"):
        services.entry_autosave_discard(actor=request.user, entry=entry)
        messages.info(request, "Unsaved changes discarded.")
        return redirect("blogs:entry-edit", pk=entry.pk) if entry else redirect("blogs:entry-create")
    form = AutosaveForm(request.POST)
    saved = None
    if form.is_valid():
        saved = services.entry_autosave(actor=request.user, entry=entry, **form.stamp(), **form.working_copy())
    return render(request, "blogs/partials/autosave_status.html", {"saved": saved, "errors": form.errors})


@login_required
@require_POST
def draft_preview(request):
    if not permissions.can_write(request.user):
        raise PermissionDenied
    return _preview(request, None)


@login_required
@require_POST
def entry_preview(request, pk: int):
    return _preview(request, editable_entry_or_404(request.user, pk))


def _preview(request, entry: Entry | None):
    """Render unsaved editor content with the very include the entry page uses; nothing is stored."""
    post = request.POST
    form = EntryForm(post, request.FILES, user=request.user, entry=entry, action="preview")
    form.is_valid()
    body = sanitize(post.get("body", ""))
    preview = Entry(
        title=post.get("title", "").strip() or "Untitled entry",
        summary=post.get("summary", "").strip(),
        body=body,
        author=request.user,
        blog=entry.blog if entry else None,
        word_count=len(plain_text(body).split()),
        visibility=post.get("visibility") or Entry.Visibility.ORG,
        comments_enabled=bool(post.get("comments_enabled")),
        cover_alt=post.get("cover_alt", ""),
        status=entry.status if entry else Entry.Status.DRAFT,
        published_at=(entry.published_at if entry and entry.published_at else timezone.now()),
        updated_at=timezone.now() if entry and entry.is_published else None,
    )
    try:
        tags = [Tag(name=name, slug=tag_slug(name)) for name in parse_tags(post.get("tags", ""))]
    except ValidationError:
        tags = []
    cover_url = ""
    processed = form.cleaned_data.get("cover") if hasattr(form, "cleaned_data") else None
    if processed is not None:
        processed.full.seek(0)
        cover_url = "data:image/webp;base64," + base64.b64encode(processed.full.read()).decode()
    elif entry and entry.cover and not post.get("remove_cover"):
        cover_url = entry.cover.url
    return render(
        request,
        "blogs/entry_preview.html",
        {"entry": preview, "tags": tags, "cover_url": cover_url, "form": form, "is_preview": True},
    )


# ---------------------------------------------------------------- the author's actions
@login_required
@require_POST
def entry_unpublish(request, pk: int):
    entry = publishing.entry_unpublish(actor=request.user, entry=editable_entry_or_404(request.user, pk))
    messages.success(request, f"“{entry.title}” is a draft again; readers no longer see it.")
    return redirect("blogs:entry-edit", pk=entry.pk)


@login_required
@require_POST
def entry_unschedule(request, pk: int):
    entry = publishing.entry_unschedule(actor=request.user, entry=editable_entry_or_404(request.user, pk))
    messages.success(request, "The schedule is cancelled; the entry is a draft again.")
    return redirect("blogs:entry-edit", pk=entry.pk)


@login_required
@require_POST
def entry_comments_setting(request, pk: int):
    entry = editable_entry_or_404(request.user, pk)
    enabled = request.POST.get("enabled") == "on"
    services.entry_comments_set(actor=request.user, entry=entry, enabled=enabled)
    messages.success(request, "Comments are on." if enabled else "Comments are off; existing comments stay.")
    return redirect(entry)


@login_required
@require_GET
def entry_revisions(request, pk: int):
    entry = editable_entry_or_404(request.user, pk)
    return render(
        request, "blogs/revisions.html", {"entry": entry, "revisions": list(selectors.entry_revisions(entry))}
    )
