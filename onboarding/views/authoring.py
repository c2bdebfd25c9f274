"""Authoring in the portal: lessons, curricula, goal ladders, cohort onboarding settings, the goal table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal.people.models import Cohort

from .. import permissions
from ..forms.goals import GoalForm, OptionalStepsForm, StageForm
from ..forms.lessons import CurriculumForm, LessonForm, StepFormSet
from ..forms.surveys import RoundForm
from ..models import CohortOnboarding, Goal, GoalStage, Lesson, SurveyRound
from ..models.surveys import Round
from ..selectors import criteria
from ..selectors import goals as goal_selectors
from ..selectors import lessons as lesson_selectors
from ..selectors.surveys import leader_survey_for
from ..services import goals as goal_services
from ..services import lessons as lesson_services
from ..services import path as path_services
from ._common import cohort_from_query, errors_to_form


@login_required
def manage(request):
    """The authoring hub: what this person may edit."""
    user = request.user
    if not (
        permissions.can_author_lessons(user)
        or permissions.can_manage_coach(user)
        or permissions.can_manage_surveys(user)
    ):
        raise PermissionDenied
    return render(
        request,
        "onboarding/manage.html",
        {
            "lessons": lesson_selectors.authoring_lessons() if permissions.can_author_lessons(user) else [],
            "cohorts": permissions.editable_cohorts(user),
            "can_author": permissions.can_author_lessons(user),
            "can_edit_defaults": permissions.can_edit_programme_defaults(user),
            "can_manage_coach": permissions.can_manage_coach(user),
            "can_manage_surveys": permissions.can_manage_surveys(user),
            "can_view_diagnostic": permissions.can_view_diagnostic(user),
            "can_publish_policy": permissions.can_publish_policy(user),
        },
    )


# ----------------------------------------------------------------------------- lessons
def _lesson_form(request, lesson: Lesson | None):
    if not permissions.can_author_lessons(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = LessonForm(request.POST)
        formset = StepFormSet(request.POST, prefix="steps")
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            crit = data["practice_criterion"]
            try:
                lesson = lesson_services.lesson_save(
                    actor=request.user,
                    lesson=lesson,
                    title=data["title"],
                    summary=data["summary"],
                    steps=[(f.cleaned_data.get("title", ""), f.cleaned_data.get("body", "")) for f in formset.forms],
                    example_html=data["example_html"],
                    example_kind=data["example_kind"],
                    example_title=data["example_title"],
                    practice_text=data["practice_text"],
                    practice_criterion=crit,
                    practice_params={"n": data["practice_n"]} if data.get("practice_n") else {},
                    is_published=data["is_published"],
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, f"Saved “{lesson.title}”.")
                return redirect(lesson)
        status = 400
    else:
        status = 200
        if lesson is None:
            form, formset = LessonForm(), StepFormSet(prefix="steps")
        else:
            form = LessonForm(
                initial={
                    "title": lesson.title,
                    "summary": lesson.summary,
                    "example_kind": lesson.example_kind,
                    "example_title": lesson.example_title,
                    "example_html": lesson.example_html,
                    "practice_criterion": lesson.practice_criterion,
                    "practice_n": (lesson.practice_params or {}).get("n"),
                    "practice_text": lesson.practice_text,
                    "is_published": lesson.is_published,
                }
            )
            formset = StepFormSet(
                prefix="steps", initial=[{"title": s.title, "body": s.body_html} for s in lesson.steps.all()]
            )
    return render(
        request, "onboarding/lesson_form.html", {"form": form, "formset": formset, "lesson": lesson}, status=status
    )


@login_required
def lesson_create(request):
    return _lesson_form(request, None)


@login_required
def lesson_edit(request, slug: str):
    return _lesson_form(request, get_object_or_404(Lesson, slug=slug))


# ----------------------------------------------------------------------------- curricula
@login_required
def curriculum_edit(request):
    cohort = cohort_from_query(request)
    if not permissions.can_edit_cohort_programme(request.user, cohort):
        raise PermissionDenied
    curriculum = lesson_selectors.curriculum_for_cohort(cohort)
    own = curriculum is not None and curriculum.cohort_id == (cohort.pk if cohort else None)
    current = lesson_selectors.curriculum_lessons(curriculum, published_only=False)
    positions = {lesson.pk: n for n, lesson in enumerate(current, 1)}
    lessons = sorted(Lesson.objects.all(), key=lambda x: (positions.get(x.pk, 999), x.title))
    form = CurriculumForm(request.POST or None, lessons=lessons, positions=positions)
    if request.method == "POST":
        if request.POST.get("reset") and cohort is not None:
            lesson_services.curriculum_reset(actor=request.user, cohort=cohort)
            messages.success(request, f"{cohort.name} now follows the default curriculum.")
            return redirect(f"{reverse('onboarding:curriculum-edit')}?cohort={cohort.slug}")
        if form.is_valid():
            try:
                lesson_services.curriculum_set(actor=request.user, cohort=cohort, lesson_ids=form.ordered_lesson_ids())
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, "Curriculum saved.")
                suffix = f"?cohort={cohort.slug}" if cohort else ""
                return redirect(reverse("onboarding:curriculum-edit") + suffix)
    return render(
        request,
        "onboarding/curriculum_form.html",
        {"form": form, "cohort": cohort, "own": own, "curriculum": curriculum},
        status=400 if form.errors else 200,
    )


# ----------------------------------------------------------------------------- goal ladders
@login_required
def ladder_edit(request):
    cohort = cohort_from_query(request)
    if not permissions.can_edit_cohort_programme(request.user, cohort):
        raise PermissionDenied
    ladder = goal_selectors.ladder_for(cohort)
    own = ladder is not None and ladder.cohort_id == (cohort.pk if cohort else None)
    if request.method == "POST" and request.POST.get("customise") and cohort is not None:
        goal_services.ladder_for_editing(actor=request.user, cohort=cohort)
        messages.success(request, f"{cohort.name} now has its own ladder, copied from the default.")
        return redirect(f"{reverse('onboarding:ladder-edit')}?cohort={cohort.slug}")
    stages = []
    if ladder is not None:
        for stage in sorted(ladder.stages.prefetch_related("goals"), key=lambda s: s.order):
            stages.append(
                {
                    "stage": stage,
                    "form": StageForm(
                        initial={
                            "title": stage.title,
                            "deadline_days": stage.deadline_days,
                            "deadline_date": stage.deadline_date,
                        },
                        prefix=f"stage{stage.pk}",
                    ),
                    "goals": [
                        {
                            "goal": g,
                            "description": criteria.REGISTRY[g.criterion].describe(g.params)
                            if g.criterion in criteria.REGISTRY
                            else g.criterion,
                        }
                        for g in stage.goals.all()
                    ],
                    "new_goal": GoalForm(prefix=f"new{stage.pk}"),
                }
            )
    return render(
        request,
        "onboarding/ladder_form.html",
        {
            "cohort": cohort,
            "ladder": ladder,
            "own": own,
            "editable": own,
            "stages": stages,
            "registry": criteria.REGISTRY.values(),
        },
    )


def _ladder_redirect(stage: GoalStage):
    cohort = stage.ladder.cohort
    return redirect(reverse("onboarding:ladder-edit") + (f"?cohort={cohort.slug}" if cohort else ""))


def _editable_stage(request, pk: int) -> GoalStage:
    stage = get_object_or_404(GoalStage.objects.select_related("ladder__cohort"), pk=pk)
    if not permissions.can_edit_cohort_programme(request.user, stage.ladder.cohort):
        raise PermissionDenied
    return stage


@login_required
@require_POST
def stage_edit(request, pk: int):
    stage = _editable_stage(request, pk)
    form = StageForm(request.POST, prefix=f"stage{stage.pk}")
    if form.is_valid():
        try:
            goal_services.stage_update(actor=request.user, stage=stage, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Saved “{stage.title}”.")
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return _ladder_redirect(stage)


@login_required
@require_POST
def goal_add(request, pk: int):
    stage = _editable_stage(request, pk)
    form = GoalForm(request.POST, prefix=f"new{stage.pk}")
    _save_goal(request, form, stage, None)
    return _ladder_redirect(stage)


@login_required
def goal_edit(request, pk: int):
    goal = get_object_or_404(Goal.objects.select_related("stage__ladder__cohort"), pk=pk)
    stage = goal.stage
    if not permissions.can_edit_cohort_programme(request.user, stage.ladder.cohort):
        raise PermissionDenied
    form = GoalForm(
        request.POST or None,
        initial={"title": goal.title, "criterion": goal.criterion, "n": (goal.params or {}).get("n")},
    )
    if request.method == "POST" and _save_goal(request, form, stage, goal):
        return _ladder_redirect(stage)
    return render(request, "onboarding/goal_form.html", {"form": form, "goal": goal, "stage": stage})


def _save_goal(request, form, stage, goal) -> bool:
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return False
    data = form.cleaned_data
    try:
        saved = goal_services.goal_save(
            actor=request.user,
            stage=stage,
            goal=goal,
            title=data["title"],
            criterion=data["criterion"],
            params={"n": data["n"]} if data.get("n") else {},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, f"Saved the goal “{saved.title}”.")
    return True


@login_required
@require_POST
def goal_delete(request, pk: int):
    goal = get_object_or_404(Goal.objects.select_related("stage__ladder__cohort"), pk=pk)
    stage = goal.stage
    goal_services.goal_delete(actor=request.user, goal=goal)
    messages.success(request, f"Removed the goal “{goal.title}”.")
    return _ladder_redirect(stage)


# ----------------------------------------------------------------------------- cohorts
@login_required
def cohort_settings(request, slug: str):
    """Per cohort: which path steps are optional, and when the readiness survey's after round opens."""
    cohort = get_object_or_404(Cohort, slug=slug)
    if not permissions.can_edit_cohort_programme(request.user, cohort):
        raise PermissionDenied
    row = CohortOnboarding.objects.filter(cohort=cohort).first()
    form = OptionalStepsForm(request.POST or None, initial={"optional_steps": row.optional_steps if row else []})
    if request.method == "POST" and form.is_valid():
        try:
            path_services.cohort_onboarding_update(
                actor=request.user, cohort=cohort, optional_steps=form.cleaned_data["optional_steps"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Saved the optional steps.")
            return redirect("onboarding:cohort-settings", slug=cohort.slug)
    survey = leader_survey_for(request.user, cohort)
    scheduled = SurveyRound.objects.filter(survey=survey, cohort=cohort, round=Round.AFTER).first() if survey else None
    return render(
        request,
        "onboarding/cohort_settings.html",
        {
            "cohort": cohort,
            "form": form,
            "survey": survey,
            "scheduled": scheduled,
            "round_form": RoundForm(initial={"opens_at": scheduled.opens_at if scheduled else None}),
            "can_view_goals": permissions.can_view_cohort_goals(request.user, cohort),
        },
        status=400 if form.errors else 200,
    )


@login_required
def cohort_goals(request, slug: str):
    """The facilitator's table: every member x every goal, with states (bounded queries)."""
    cohort = get_object_or_404(Cohort, slug=slug)
    if not permissions.can_view_cohort_goals(request.user, cohort):
        raise PermissionDenied
    stages, rows = goal_selectors.cohort_goal_table(cohort)
    columns = [(stage, goal) for stage in stages for goal in stage.goals.all()]
    return render(
        request,
        "onboarding/cohort_goals.html",
        {"cohort": cohort, "stages": stages, "columns": columns, "rows": rows},
    )
