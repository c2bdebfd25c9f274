"""Taking surveys, seeing one's own before/after, authoring surveys, scheduling rounds, the diagnostic."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from portal.people.models import Cohort

from .. import permissions
from ..forms.surveys import RoundForm, SurveyAnswerForm, SurveyForm, SurveyItemFormSet
from ..models import Survey, SurveyRound
from ..models.surveys import Round
from ..selectors import surveys as survey_selectors
from ..services import path as path_services
from ..services import surveys as survey_services
from ._common import errors_to_form


@login_required
def survey_take(request, slug: str, round: str):
    if round not in Round.values:
        raise Http404("No such round.")
    survey = survey_selectors.survey_with_items(slug).first()
    if survey is None:
        raise Http404("No such survey.")
    if not permissions.can_take_survey(request.user, survey):
        raise PermissionDenied
    items = list(survey.items.all())
    answered = survey_selectors.answered_rounds(survey, request.user)
    is_open = survey_selectors.round_is_open(survey, request.user, round)
    form = SurveyAnswerForm(request.POST or None, survey=survey, items=items)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                survey_services.survey_submit(
                    actor=request.user,
                    survey=survey,
                    round=round,
                    scores=form.scores(),
                    free_text=form.cleaned_data.get("free_text", ""),
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                path_services.path_complete_if_done(user=request.user)
                messages.success(request, "Thank you. Your answers are saved; here is how they compare.")
                return redirect("onboarding:survey-mine", slug=survey.slug)
        status = 400
    return render(
        request,
        "onboarding/survey_take.html",
        {
            "survey": survey,
            "round": round,
            "form": form,
            "already": answered.get(round),
            "is_open": is_open,
            "scheduled": survey_selectors.round_for(survey, request.user),
        },
        status=status,
    )


@login_required
def survey_mine(request, slug: str):
    survey = get_object_or_404(Survey, slug=slug)
    if not permissions.can_take_survey(request.user, survey):
        raise PermissionDenied
    answered = survey_selectors.answered_rounds(survey, request.user)
    return render(
        request,
        "onboarding/survey_mine.html",
        {
            "survey": survey,
            "results": survey_selectors.my_results(survey, request.user),
            "answered": answered,
            "after_open": survey_selectors.round_is_open(survey, request.user, Round.AFTER),
            "scheduled": survey_selectors.round_for(survey, request.user),
            "can_view_diagnostic": survey.is_diagnostic and permissions.can_view_diagnostic(request.user),
        },
    )


@login_required
def survey_list(request):
    if not (permissions.can_manage_surveys(request.user) or permissions.can_view_diagnostic(request.user)):
        raise PermissionDenied
    surveys = Survey.objects.select_related("cohort").order_by("audience", "title")
    return render(
        request,
        "onboarding/survey_list.html",
        {"surveys": surveys, "can_manage": permissions.can_manage_surveys(request.user)},
    )


def _survey_form(request, survey: Survey | None):
    if not permissions.can_manage_surveys(request.user):
        raise PermissionDenied
    answered = survey is not None and survey.responses.exists()
    if request.method == "POST":
        form = SurveyForm(request.POST)
        formset = SurveyItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid():
            try:
                survey = survey_services.survey_save(
                    actor=request.user,
                    items=[f.cleaned_data for f in formset.forms if f.cleaned_data],
                    survey=survey,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, f"Saved “{survey.title}”.")
                return redirect("onboarding:survey-list")
        status = 400
    else:
        status = 200
        if survey is None:
            form, formset = SurveyForm(), SurveyItemFormSet(prefix="items")
        else:
            form = SurveyForm(
                initial={
                    "title": survey.title,
                    "intro": survey.intro,
                    "audience": survey.audience,
                    "cohort": survey.cohort,
                    "is_diagnostic": survey.is_diagnostic,
                    "allow_free_text": survey.allow_free_text,
                    "is_active": survey.is_active,
                }
            )
            formset = SurveyItemFormSet(
                prefix="items",
                initial=[
                    {"text": i.text, "theme": i.theme, "low_label": i.low_label, "high_label": i.high_label}
                    for i in survey.items.order_by("position")
                ],
            )
    return render(
        request,
        "onboarding/survey_form.html",
        {"form": form, "formset": formset, "survey": survey, "answered": answered},
        status=status,
    )


@login_required
def survey_create(request):
    return _survey_form(request, None)


@login_required
def survey_edit(request, slug: str):
    return _survey_form(request, get_object_or_404(Survey, slug=slug))


@login_required
def survey_results(request, slug: str):
    """The programme readiness diagnostic: gaps and early wins per theme (aggregates only)."""
    survey = get_object_or_404(Survey, slug=slug)
    if not permissions.can_view_diagnostic(request.user):
        raise PermissionDenied
    if not survey.is_diagnostic:
        raise Http404("Only diagnostics have a result page here; readiness results are on the dashboards.")
    round_ = request.GET.get("round", Round.BEFORE)
    if round_ not in Round.values:
        round_ = Round.BEFORE
    return render(
        request,
        "onboarding/survey_results.html",
        {
            "survey": survey,
            "round": round_,
            "result": survey_selectors.diagnostic_results(survey, round_),
            "can_take": permissions.can_take_survey(request.user, survey),
        },
    )


@login_required
def survey_round(request, slug: str):
    """Schedule the after round: for one cohort (leaders' surveys) or for the programme team."""
    survey = get_object_or_404(Survey, slug=slug)
    cohort = None
    if survey.audience == Survey.Audience.LEADERS:
        cohort = get_object_or_404(Cohort, slug=request.GET.get("cohort") or request.POST.get("cohort_slug") or "")
    if not permissions.can_schedule_rounds(request.user, cohort):
        raise PermissionDenied
    existing = SurveyRound.objects.filter(survey=survey, cohort=cohort, round=Round.AFTER).first()
    form = RoundForm(
        request.POST or None, initial={"opens_at": timezone.localtime(existing.opens_at) if existing else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey_services.survey_round_schedule(
                actor=request.user, survey=survey, cohort=cohort, opens_at=form.cleaned_data["opens_at"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "The after round is scheduled; everyone will be invited when it opens.")
            return (
                redirect("onboarding:cohort-settings", slug=cohort.slug)
                if cohort
                else redirect("onboarding:survey-list")
            )
    return render(
        request,
        "onboarding/survey_round.html",
        {"survey": survey, "cohort": cohort, "form": form, "existing": existing},
        status=400 if form.errors else 200,
    )
