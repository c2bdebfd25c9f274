"""Boards list, one board's topics, the Latest list, and board management."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal.people.models import Cohort

from .. import permissions, selectors, services
from ..forms import BoardForm
from ._helpers import add_service_errors, page_param


@login_required
def index(request):
    boards = selectors.board_list(request.user)
    org_wide = [b for b in boards if b.cohort_id is None]
    by_cohort: dict = {}
    for board in boards:
        if board.cohort_id is not None:
            by_cohort.setdefault((board.cohort_id, board.cohort__name), []).append(board)
    manage_ids = permissions.manageable_cohort_ids(request.user)
    for board in boards:
        board["can_manage"] = manage_ids is None or (board.cohort_id is not None and board.cohort_id in manage_ids)
    return render(
        request,
        "forums/index.html",
        {
            "org_wide": org_wide,
            "by_cohort": [({"pk": pk, "name": name}, group) for (pk, name), group in by_cohort.items()],
            "has_boards": bool(boards),
            "can_create_board": permissions.can_manage_any_board(request.user),
            "review_count": selectors.review_queue_count(request.user),
            "can_review": permissions.can_review_flags(request.user),
        },
    )


def _sort(request) -> str:
    sort = request.GET.get("sort", "latest")
    return sort if sort in selectors.TOPIC_SORTS else "latest"


@login_required
def board_detail(request, slug):
    board = selectors.visible_board(request.user, slug)
    sort = _sort(request)
    page = selectors.board_topics(request.user, board, sort=sort, page=page_param(request))
    return render(
        request,
        "forums/board_detail.html",
        {
            "board": board,
            "page_obj": page,
            "sort": sort,
            "sorts": selectors.TOPIC_SORTS,
            "can_post": permissions.can_post_in_board(request.user, board),
            "can_manage": permissions.can_manage_boards(request.user, board.cohort_id),
            "watching": selectors.board_watched(request.user, board),
        },
    )


@login_required
def latest(request):
    sort = _sort(request)
    page = selectors.latest_topics(request.user, sort=sort, page=page_param(request))
    return render(
        request,
        "forums/latest.html",
        {"page_obj": page, "sort": sort, "sorts": selectors.TOPIC_SORTS},
    )


@login_required
@require_POST
def board_watch(request, slug):
    board = selectors.visible_board(request.user, slug)
    watching = request.POST.get("watching") == "1"
    services.watch_set(user=request.user, board=board, watching=watching)
    if request.htmx:
        return render(
            request,
            "forums/partials/watch_button.html",
            {"watch_url": request.path, "watching": watching, "what": "board"},
        )
    messages.success(
        request,
        "You will hear about new topics on this board." if watching else "You stopped watching this board.",
    )
    return redirect(board)


def _board_form_kwargs(user) -> dict:
    cohort_ids = permissions.manageable_cohort_ids(user)
    cohorts = Cohort.objects.all() if cohort_ids is None else Cohort.objects.filter(pk__in=cohort_ids)
    return {"cohorts": list(cohorts.order_by("name")), "allow_org_wide": cohort_ids is None}


@login_required
def board_create(request):
    if not permissions.can_manage_any_board(request.user):
        raise PermissionDenied("Only facilitators and admins create boards.")
    kwargs = _board_form_kwargs(request.user)
    form = BoardForm(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        cohort_id = form.cleaned_data["cohort"]
        cohort = next((c for c in kwargs["cohorts"] if str(c.pk) == cohort_id), None) if cohort_id else None
        try:
            board = services.board_create(
                actor=request.user,
                cohort=cohort,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                guidelines=form.cleaned_data["guidelines"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{board.title}” is ready. Start it off with a first topic.")
            return redirect(board)
    return render(request, "forums/board_form.html", {"form": form, "board": None})


@login_required
def board_edit(request, slug):
    board = selectors.visible_board(request.user, slug)
    if not permissions.can_manage_boards(request.user, board.cohort_id):
        raise PermissionDenied("You cannot change this board.")
    initial = {"title": board.title, "description": board.description, "guidelines": board.guidelines}
    form = BoardForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.board_update(actor=request.user, board=board, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Board saved.")
            return redirect(board)
    return render(request, "forums/board_form.html", {"form": form, "board": board})


@login_required
@require_POST
def board_move(request, slug):
    board = selectors.visible_board(request.user, slug)
    if not permissions.can_manage_boards(request.user, board.cohort_id):
        raise PermissionDenied("You cannot reorder these boards.")
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        raise Http404("Move up or down.")
    services.board_move(actor=request.user, board=board, direction=direction)
    return redirect("forums:index")
