"""Search, drafts, image uploads and @mention suggestions."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from portal.mentions import autocomplete_response

from .. import permissions, selectors, services
from ..forms import DraftForm, SearchForm
from ..selectors.posts import visible_topic
from ._helpers import page_param


@login_required
@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    page, query = None, ""
    if form.is_valid():
        page, query = selectors.search_posts(request.user, form.cleaned_data["q"], page=page_param(request))
    return render(
        request,
        "forums/search.html",
        {"form": form, "page_obj": page, "query": query, "extra_query": urlencode({"q": query})},
    )


@login_required
@require_POST
def draft_save(request):
    """Autosave (htmx, every few seconds and when the page is left): answers a short status line."""
    form = DraftForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Draft not saved.")
    board = selectors.visible_board(request.user, form.cleaned_data["board"])
    topic = None
    if form.cleaned_data.get("topic"):
        topic = visible_topic(request.user, form.cleaned_data["topic"])
    try:
        draft = services.draft_save(
            user=request.user,
            board=board,
            topic=topic,
            title=form.cleaned_data.get("title", ""),
            body=form.cleaned_data.get("body", ""),
            kind=form.cleaned_data.get("kind") or "discussion",
            writer=form.cleaned_data.get("draft_writer") or "",
            seq=form.cleaned_data.get("draft_seq"),
            client_key=form.cleaned_data.get("client_key") or "",
        )
    except PermissionDenied:
        raise
    except ValidationError as error:
        return HttpResponse(format_html('<span class="composer__draft--error">{}</span>', " ".join(error.messages)))
    if draft is None:
        return HttpResponse("")
    saved = timezone.localtime(draft.updated_at)
    return HttpResponse(format_html("Draft saved at {}", saved.strftime("%H:%M")))


@login_required
@require_POST
def draft_discard(request):
    form = DraftForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Nothing to discard.")
    board = selectors.visible_board(request.user, form.cleaned_data["board"])
    if not permissions.can_post_in_board(request.user, board):
        raise PermissionDenied("You cannot write here.")
    topic = visible_topic(request.user, form.cleaned_data["topic"]) if form.cleaned_data.get("topic") else None
    services.draft_discard(user=request.user, board=board, topic=topic)
    return HttpResponse("Draft discarded")


@login_required
@require_POST
def attachment_upload(request):
    """Store one image for the composer (JavaScript path); answers JSON the editor inserts as an image."""
    board = selectors.visible_board(request.user, request.POST.get("board", ""))
    if not permissions.can_post_in_board(request.user, board):
        raise PermissionDenied("You cannot write here.")
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"error": "Choose an image to upload."}, status=400)
    try:
        attachment = services.attachment_create(
            actor=request.user, board=board, upload=upload, alt=request.POST.get("alt", "")
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(
        {
            "src": attachment.image.url,
            "alt": attachment.alt,
            "width": attachment.width,
            "height": attachment.height,
        },
        status=201,
    )


@login_required
@require_GET
def mention_autocomplete(request):
    """People to @mention: those who can see the board being written on (htmx fragment)."""
    board = selectors.visible_board(request.user, request.GET.get("board", ""))
    if not permissions.can_post_in_board(request.user, board):
        raise PermissionDenied("You cannot write here.")
    return autocomplete_response(request, permissions.board_audience(board))


@login_required
@require_GET
def editor_config(request):
    """The composer editor's configuration, for composers that leave it out of the page (forums.editor_tags)."""
    from ..forms import body_field

    response = JsonResponse(body_field().widget.get_config())
    response["Cache-Control"] = "public, max-age=3600"
    return response
