"""Flagging, the review queue and the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import permissions, selectors, services
from ..forms import FlagForm, ResolveForm
from ..models import ModerationAction
from ..services.flags import flaggable
from ._helpers import add_service_errors, page_param


def _flag_target(user, key: str, pk: int):
    try:
        model, hooks = flaggable(key)
    except LookupError:
        raise Http404("Nothing to flag.") from None
    target = model._default_manager.filter(pk=pk).first()
    if target is None or not hooks.can_view(user, target):
        raise Http404("Nothing to flag.")
    return target, hooks


@login_required
def flag_create(request, key, pk):
    target, hooks = _flag_target(request.user, key, pk)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_create(
                actor=request.user, target=target, reason=form.cleaned_data["reason"], text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you. A facilitator will look at it; you will hear what they decided.")
            return redirect(hooks.url(target))
    return render(
        request,
        "forums/flag_form.html",
        {
            "form": form,
            "target": target,
            "label": hooks.label,
            "what": hooks.describe(target),
            "back": hooks.url(target),
        },
        status=400 if form.errors else 200,
    )


@login_required
def review_queue(request):
    if not permissions.can_review_flags(request.user):
        raise PermissionDenied("Only facilitators and admins review flags.")
    page = selectors.review_queue(request.user, page=page_param(request))
    return render(request, "forums/review_queue.html", {"page_obj": page, "resolve_form": ResolveForm()})


@login_required
@require_POST
def review_resolve(request, key, pk):
    if not permissions.can_review_flags(request.user):
        raise PermissionDenied("Only facilitators and admins review flags.")
    try:
        model, hooks = flaggable(key)
    except LookupError:
        raise Http404("Nothing to review.") from None
    target = model._default_manager.filter(pk=pk).first()
    if target is None:
        raise Http404("Nothing to review.")
    if not hooks.can_moderate(request.user, target):
        raise Http404("Nothing to review.")
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do with the flagged item.")
        return redirect("forums:review-queue")
    try:
        closed = services.flag_resolve(
            actor=request.user, target=target, action=form.cleaned_data["action"], message=form.cleaned_data["message"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        outcome = {
            "dismiss": "Dismissed: the content stays up.",
            "hide": "Hidden.",
            "hide_message": "Hidden, and the author has your message.",
        }[form.cleaned_data["action"]]
        messages.success(request, f"{outcome} {closed} flag{'s' if closed != 1 else ''} closed.")
    return redirect("forums:review-queue")


@login_required
def audit_log(request):
    if not permissions.can_view_audit_log(request.user):
        raise PermissionDenied("Only facilitators and admins read the audit log.")
    action = request.GET.get("action", "")
    page = selectors.audit_entries(request.user, page=page_param(request), action=action)
    return render(
        request,
        "forums/audit_log.html",
        {"page_obj": page, "action": action, "actions": ModerationAction.Action.choices},
    )
