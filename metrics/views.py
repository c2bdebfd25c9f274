"""Dashboards: thin views over the metrics selectors (which read rollup tables only)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode

from portal.people.models import Cohort

from . import definitions, disclosure
from . import permissions as perms
from .exports import csv_response
from .forms import CompareForm, DashboardFilterForm
from .selectors import dashboard, filters, headline, personal, surveys
from .selectors.figures import Panel, text
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
    refusal: str | None = None  # why the selection shows no figures (metrics.disclosure), if it does not


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


def _scope_fields(request: HttpRequest, allowed, plan: disclosure.Plan) -> dict:
    """Cohorts the viewer may see; levels and departments only where the disclosure plan offers them."""
    cohorts = list(filters.visible_cohorts(allowed))
    all_label = "All cohorts" if allowed is None else "All my cohorts"
    return {
        "cohorts": cohorts,
        "departments": sorted(plan.departments),
        "levels": sorted(plan.levels),
        "known_departments": filters.departments(allowed),
        "all_label": all_label,
    }


def _plan(request: HttpRequest, allowed) -> disclosure.Plan:
    return disclosure.plan_for(allowed, k=perms.min_group_size(request.user))


def _dashboard_filters(request: HttpRequest) -> Filters:
    allowed = _allowed_cohort(request)
    all_surveys = surveys.surveys()
    plan = _plan(request, allowed)
    fields = _scope_fields(request, allowed, plan)
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
        plan=plan,
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
    refusal = plan.refusal(scope.cohort_ids, scope.level, scope.department)
    return Filters(form, scope, query, cohort, _describe(form, cohort, data["start"], data["end"]), refusal)


def _refused(slug: str, refusal: str) -> Panel:
    """What a download of a refused selection holds: the sentence saying why, and no figure."""
    return Panel(
        slug=slug,
        title="No figures",
        question=refusal,
        columns=["No figures for this selection"],
        rows=[[text(refusal)]],
    )


def _name_parts(f: Filters) -> list[str]:
    return [f.cohort.slug if f.cohort else "all", f.scope.start.isoformat(), f.scope.end.isoformat()]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return _filtered_page(request, "metrics/index.html", "metrics/partials/dashboard.html", _dashboard_figures)


def _dashboard_figures(scope: Scope) -> dict:
    return {
        "sections": dashboard.dashboard(scope),
        "headlines": [h for h in headline.period_figures(scope) if h.key in HEADLINE_CARDS],
    }


def _filtered_page(request: HttpRequest, page: str, partial: str, figures: Callable[[Scope], dict]) -> HttpResponse:
    """A page under the dashboard's filters: the whole page, or (for htmx) the part below the form."""
    if not perms.can_view_dashboards(request.user):
        return redirect("metrics:me")
    f = _dashboard_filters(request)
    context = {"filters": f, "form": f.form, "query": f.query, "k": perms.min_group_size(request.user)}
    if f.scope is not None and f.refusal is None:
        context.update(figures(f.scope))
    template = partial if request.htmx else page
    return render(request, template, context, status=200 if f.scope else 400)


@login_required
def export(request: HttpRequest, slug: str) -> HttpResponse:
    return _panel_export(request, slug, "metrics/index.html", dashboard.PANELS)


def _panel_export(
    request: HttpRequest, slug: str, page: str, panels: Mapping[str, Callable[[Scope], Panel]]
) -> HttpResponse:
    """One panel under the dashboard's filters as CSV (the page, with its form errors, when they are invalid)."""
    f = _dashboard_filters(request)
    if f.scope is None:
        return render(request, page, {"filters": f, "form": f.form}, status=400)
    if slug not in panels:
        raise Http404("No such panel.")
    if f.refusal is not None:
        return csv_response(_refused(slug, f.refusal), name_parts=_name_parts(f))
    return csv_response(panels[slug](f.scope), name_parts=_name_parts(f))


def _compare_filters(request: HttpRequest) -> tuple[Filters, Scope | None, Scope | None]:
    allowed = _allowed_cohort(request)
    plan = _plan(request, allowed)
    fields = _scope_fields(request, allowed, plan)
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
        plan=plan,
    )
    params = {
        "cohort": cohort.pk if cohort else "",
        "level": data["level"] or "",
        "department": data["department"] or "",
        **{key: data[key].isoformat() for key in ("a_start", "a_end", "b_start", "b_end")},
    }
    query = urlencode({k: v for k, v in params.items() if v != ""})
    description = _describe(form, cohort, *(data[key] for key in ("a_start", "a_end", "b_start", "b_end")))
    refusal = plan.refusal(base.cohort_ids, base.level, base.department)
    f = Filters(form, base, query, cohort, description, refusal)
    return f, base, base.with_dates(data["b_start"], data["b_end"])


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_dashboards(request.user):
        return redirect("metrics:me")
    f, before, after = _compare_filters(request)
    context = {"filters": f, "form": f.form, "query": f.query, "k": perms.min_group_size(request.user)}
    if before is not None and f.refusal is None:
        context["panel"] = headline.comparison(before, after)
    template = "metrics/partials/compare_result.html" if request.htmx else "metrics/compare.html"
    return render(request, template, context, status=200 if before else 400)


@login_required
def compare_export(request: HttpRequest) -> HttpResponse:
    f, before, after = _compare_filters(request)
    if before is None:
        return render(request, "metrics/compare.html", {"filters": f, "form": f.form}, status=400)
    parts = [f.cohort.slug if f.cohort else "all", before.start.isoformat(), after.end.isoformat()]
    if f.refusal is not None:
        return csv_response(_refused("compare", f.refusal), name_parts=parts)
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


@login_required
def trends(request: HttpRequest) -> HttpResponse:
    """Weekly trends per level, readiness by activity, cohorts side by side: the dashboard's filters and rules."""
    from .selectors import trends as trend_figures

    return _filtered_page(
        request,
        "metrics/trends.html",
        "metrics/partials/trends.html",
        lambda scope: {"sections": trend_figures.trends(scope)},
    )


@login_required
def trends_export(request: HttpRequest, slug: str) -> HttpResponse:
    from .selectors import trends as trend_figures

    return _panel_export(request, slug, "metrics/trends.html", trend_figures.PANELS)
