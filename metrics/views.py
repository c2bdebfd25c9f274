"""Dashboards: thin views over the metrics selectors (which read rollup tables only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode

from portal.models import Cohort

from . import definitions
from . import permissions as perms
from .exports import csv_response
from .forms import CompareForm, DashboardFilterForm
from .selectors import dashboard, filters, headline, personal, surveys
from .selectors.scope import LEVELS, Scope

# The figures shown as cards above the dashboard (all of them are on the comparison page).
HEADLINE_CARDS = {"active", "stickiness", "contributors", "new_contributors", "regular", "median_response"}


@dataclass
class Filters:
    form: DashboardFilterForm | CompareForm
    scope: Scope | None  # None when the form is invalid
    query: str  # the canonical query string: shareable, and carried by every export link
    cohort: Cohort | None
    description: str = ""


def _describe(form, cohort: Cohort | None, *dates) -> str:
    data = form.cleaned_data
    parts = [cohort.name if cohort else dict(form.fields["cohort"].choices)[""]]
    parts += [f"{a:%-d %b %Y} to {b:%-d %b %Y}" for a, b in zip(dates[::2], dates[1::2], strict=True)]
    if data.get("level"):
        parts.append(LEVELS[data["level"]])
    if data.get("department"):
        parts.append(data["department"])
    return " · ".join(parts)


def _allowed_cohort(request: HttpRequest) -> frozenset[int] | None:
    """Refuse (403) a cohort the viewer may not see; garbage is left to the form (400)."""
    user = request.user
    if not perms.can_view_dashboards(user):
        raise PermissionDenied
    raw = request.GET.get("cohort", "")
    if raw.isdigit() and not perms.can_view_cohort(user, int(raw)) and Cohort.objects.filter(pk=int(raw)).exists():
        raise PermissionDenied
    return perms.dashboard_cohort_ids(user)


def _scope_fields(request: HttpRequest, allowed) -> dict:
    cohorts = list(filters.visible_cohorts(allowed))
    all_label = "All cohorts" if allowed is None else "All my cohorts"
    return {"cohorts": cohorts, "departments": filters.departments(allowed), "all_label": all_label}


def _dashboard_filters(request: HttpRequest) -> Filters:
    allowed = _allowed_cohort(request)
    all_surveys = surveys.surveys()
    fields = _scope_fields(request, allowed)
    form = DashboardFilterForm(
        request.GET, surveys=[s for s in all_surveys if s.audience == "leaders"], today=timezone.localdate(), **fields
    )
    if not form.is_valid():
        return Filters(form, None, "", None)
    data = form.cleaned_data
    cohort = next((c for c in fields["cohorts"] if c.pk == data["cohort"]), None)
    scope = Scope(
        cohort_ids=frozenset({cohort.pk}) if cohort else allowed,
        start=data["start"],
        end=data["end"],
        level=data["level"],
        department=data["department"] or None,
        k=perms.min_group_size(request.user),
        survey_id=data["survey"] or surveys.default_survey(all_surveys, "leaders"),
        diagnostic_id=surveys.default_survey(all_surveys, "programme"),
    )
    params = {
        "cohort": cohort.pk if cohort else "",
        "start": data["start"].isoformat(),
        "end": data["end"].isoformat(),
        "level": data["level"] or "",
        "department": data["department"] or "",
        "survey": data["survey"] or "",
    }
    query = urlencode({k: v for k, v in params.items() if v != ""})
    return Filters(form, scope, query, cohort, _describe(form, cohort, data["start"], data["end"]))


def _name_parts(f: Filters) -> list[str]:
    return [f.cohort.slug if f.cohort else "all", f.scope.start.isoformat(), f.scope.end.isoformat()]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_dashboards(request.user):
        return redirect("metrics:me")
    f = _dashboard_filters(request)
    context = {"filters": f, "form": f.form, "query": f.query, "k": perms.min_group_size(request.user)}
    if f.scope is not None:
        context["sections"] = dashboard.dashboard(f.scope)
        context["headlines"] = [h for h in headline.period_figures(f.scope) if h.key in HEADLINE_CARDS]
    template = "metrics/partials/dashboard.html" if request.htmx else "metrics/index.html"
    return render(request, template, context, status=200 if f.scope else 400)


@login_required
def export(request: HttpRequest, slug: str) -> HttpResponse:
    f = _dashboard_filters(request)
    if f.scope is None:
        return render(request, "metrics/index.html", {"filters": f, "form": f.form}, status=400)
    panel = dashboard.panel(slug, f.scope)
    if panel is None:
        raise Http404("No such panel.")
    return csv_response(panel, name_parts=_name_parts(f))


def _compare_filters(request: HttpRequest) -> tuple[Filters, Scope | None, Scope | None]:
    allowed = _allowed_cohort(request)
    fields = _scope_fields(request, allowed)
    today = timezone.localdate()
    raw = request.GET.get("cohort", "")
    pivot = filters.compare_pivot(int(raw) if raw.isdigit() else None, today)
    form = CompareForm(request.GET, pivot=pivot, **fields)
    if not form.is_valid():
        return Filters(form, None, "", None), None, None
    data = form.cleaned_data
    cohort = next((c for c in fields["cohorts"] if c.pk == data["cohort"]), None)
    base = Scope(
        cohort_ids=frozenset({cohort.pk}) if cohort else allowed,
        start=data["a_start"],
        end=data["a_end"],
        level=data["level"],
        department=data["department"] or None,
        k=perms.min_group_size(request.user),
    )
    params = {
        "cohort": cohort.pk if cohort else "",
        "level": data["level"] or "",
        "department": data["department"] or "",
        **{key: data[key].isoformat() for key in ("a_start", "a_end", "b_start", "b_end")},
    }
    query = urlencode({k: v for k, v in params.items() if v != ""})
    description = _describe(form, cohort, *(data[key] for key in ("a_start", "a_end", "b_start", "b_end")))
    return Filters(form, base, query, cohort, description), base, base.with_dates(data["b_start"], data["b_end"])


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_dashboards(request.user):
        return redirect("metrics:me")
    f, before, after = _compare_filters(request)
    context = {"filters": f, "form": f.form, "query": f.query, "k": perms.min_group_size(request.user)}
    if before is not None:
        context["panel"] = headline.comparison(before, after)
    template = "metrics/partials/compare_result.html" if request.htmx else "metrics/compare.html"
    return render(request, template, context, status=200 if before else 400)


@login_required
def compare_export(request: HttpRequest) -> HttpResponse:
    f, before, after = _compare_filters(request)
    if before is None:
        return render(request, "metrics/compare.html", {"filters": f, "form": f.form}, status=400)
    parts = [f.cohort.slug if f.cohort else "all", before.start.isoformat(), after.end.isoformat()]
    return csv_response(headline.comparison(before, after), name_parts=parts)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    scope = personal.personal_scope(timezone.localdate())
    context = {
        "scope": scope,
        "milestones": personal.milestones(request.user, scope),
        "panels": personal.personal_panels(request.user, scope),
    }
    return render(request, "metrics/me.html", context)


@login_required
def me_export(request: HttpRequest, slug: str) -> HttpResponse:
    scope = personal.personal_scope(timezone.localdate())
    panels = personal.personal_panels(request.user, scope)
    if slug not in panels:
        raise Http404("No such panel.")
    return csv_response(panels[slug], name_parts=["mine", scope.end.isoformat()])


@login_required
def how_computed(request: HttpRequest) -> HttpResponse:
    k = perms.min_group_size(request.user)
    return render(request, "metrics/definitions.html", {"definitions": definitions.page(k), "k": k})
