"""The coach panel (htmx, while typing) and the pages where admins/L&D manage rules and term lists."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import gate, permissions
from ..coach import RULES, check_draft, load_config
from ..forms.coach import CoachCheckForm, CoachRuleForm, CoachTermForm
from ..models import CoachRule, CoachTerm
from ..services import coach as coach_services
from ._common import errors_to_form

# The composers of forums and blogs name their body field differently; the panel accepts any of these.
BODY_FIELDS = ("body", "html", "content", "text", "comment")
SESSION_LAST = "coach_last_rules"


def _board(board_id: int | None):
    if not board_id:
        return None
    try:
        Board = apps.get_model("forums", "Board")
    except LookupError:
        return None
    return Board.objects.filter(pk=board_id).first()


@login_required
@require_POST
def coach_check(request):
    """Return the coach panel for a draft. Never blocks: it only reads and explains.

    Each new set of findings for a kind of draft is recorded once (rule names only), not every keystroke.
    """
    form = CoachCheckForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Unknown kind of draft.")
    html = next((request.POST[f] for f in BODY_FIELDS if request.POST.get(f)), "")
    kind = form.cleaned_data["coach_kind"]
    board = _board(form.cleaned_data.get("coach_board"))
    first = kind in ("topic", "reply") and gate.is_first_post(request.user)
    findings = check_draft(actor=request.user, html=html, kind=kind, board=board, is_first_post=first)
    rules = sorted({f.rule for f in findings if f.severity != "tip"})
    last = request.session.get(SESSION_LAST, {})
    if rules and last.get(kind) != rules:
        coach_services.coach_findings_record(
            actor=request.user, findings=[f for f in findings if f.rule in rules], kind=kind
        )
    if last.get(kind) != rules:
        request.session[SESSION_LAST] = {**last, kind: rules}
    return render(
        request,
        "onboarding/partials/coach_panel.html",
        {"findings": findings, "checked": bool(html.strip()), "kind": kind},
    )


def _require_manager(user):
    if not permissions.can_manage_coach(user):
        raise PermissionDenied


@login_required
def coach_rules(request):
    _require_manager(request.user)
    config = load_config()
    rows = [
        {
            "rule": RULES[key],
            "config": cfg,
            "form": CoachRuleForm(
                initial={"enabled": cfg.enabled, "threshold": cfg.threshold, "lesson": _lesson_of(key)},
                prefix=key,
            ),
        }
        for key, cfg in config.items()
    ]
    return render(request, "onboarding/coach_rules.html", {"rows": rows})


def _lesson_of(key: str):
    row = CoachRule.objects.filter(key=key).first()
    return row.lesson_id if row else None


@login_required
@require_POST
def coach_rule_update(request, key: str):
    _require_manager(request.user)
    if key not in RULES:
        return HttpResponseBadRequest("Unknown rule.")
    form = CoachRuleForm(request.POST, prefix=key)
    if form.is_valid():
        threshold = form.cleaned_data["threshold"] if RULES[key].default_threshold else None
        try:
            coach_services.coach_rule_update(
                actor=request.user,
                key=key,
                enabled=form.cleaned_data["enabled"],
                threshold=threshold,
                lesson=form.cleaned_data["lesson"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            state = "on" if form.cleaned_data["enabled"] else "off"
            messages.success(request, f"“{RULES[key].title}” is {state}.")
    else:
        messages.error(
            request, "Please check the values: " + "; ".join(e for errs in form.errors.values() for e in errs)
        )
    return redirect("onboarding:coach-rules")


@login_required
def coach_terms(request):
    _require_manager(request.user)
    form = CoachTermForm(request.POST or None, initial={"list": request.GET.get("list", CoachTerm.List.BANNED)})
    if request.method == "POST" and form.is_valid():
        try:
            coach_services.coach_term_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"Added “{form.cleaned_data['term']}”.")
            return redirect("onboarding:coach-terms")
    terms = CoachTerm.objects.select_related("created_by__profile")
    lists = [(value, label, [t for t in terms if t.list == value]) for value, label in CoachTerm.List.choices]
    return render(
        request, "onboarding/coach_terms.html", {"form": form, "lists": lists}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def coach_term_delete(request, pk: int):
    _require_manager(request.user)
    term = get_object_or_404(CoachTerm, pk=pk)
    coach_services.coach_term_delete(actor=request.user, term=term)
    messages.success(request, f"Removed “{term.term}”.")
    return redirect("onboarding:coach-terms")
