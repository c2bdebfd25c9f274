"""The Learn page, lessons, the guided path and the person's goals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import permissions
from ..models import Lesson, LessonProgress, Step
from ..selectors import goals as goal_selectors
from ..selectors import lessons as lesson_selectors
from ..selectors.path import newest_open_prompt, path_state
from ..selectors.policy import current_version, has_acknowledged_current
from ..selectors.surveys import leader_survey_for
from ..services import lessons as lesson_services
from ..services import path as path_services


def _author_flags(user) -> dict:
    return {
        "can_author": permissions.can_author_lessons(user),
        "can_manage_coach": permissions.can_manage_coach(user),
        "can_manage_surveys": permissions.can_manage_surveys(user),
        "can_publish_policy": permissions.can_publish_policy(user),
    }


@login_required
def index(request):
    """The Learn page: the path, the curriculum with progress, and links to the policy, survey and goals."""
    context = lesson_selectors.learn_page(request.user)
    context.update(
        path=path_state(request.user),
        policy=current_version(),
        policy_acknowledged=has_acknowledged_current(request.user),
        survey=leader_survey_for(request.user, context["cohort"]),
        **_author_flags(request.user),
    )
    return render(request, "onboarding/index.html", context)


@login_required
def lesson_detail(request, slug: str):
    lesson = lesson_selectors.lesson_with_steps(slug).first()
    if lesson is None or (not lesson.is_published and not permissions.can_author_lessons(request.user)):
        raise Http404("No such lesson.")
    progress = lesson_services.lesson_start(actor=request.user, lesson=lesson)
    progress = LessonProgress.objects.get(pk=progress.pk)
    return render(
        request,
        "onboarding/lesson_detail.html",
        {
            "lesson": lesson,
            "steps": list(lesson.steps.all()),
            "progress": progress,
            "practice": lesson_selectors.practice_status(request.user, lesson, progress),
            "next_lesson": lesson_selectors.next_lesson(request.user, lesson),
            "can_edit": permissions.can_author_lessons(request.user),
        },
    )


@login_required
@require_POST
def lesson_complete(request, slug: str):
    lesson = get_object_or_404(Lesson, slug=slug, is_published=True)
    lesson_services.lesson_complete(actor=request.user, lesson=lesson)
    path_services.path_complete_if_done(user=request.user)
    messages.success(request, f"Lesson completed: {lesson.title}.")
    following = lesson_selectors.next_lesson(request.user, lesson)
    if request.POST.get("then") == "path":
        return redirect("onboarding:path")
    return redirect(following) if following else redirect("onboarding:index")


@login_required
def path(request):
    """The guided first steps: resumable, each step done by doing the real thing."""
    path_services.path_start(user=request.user)
    state = path_state(request.user)
    if state.complete:
        path_services.path_complete_if_done(user=request.user)
    return render(request, "onboarding/path.html", {"state": state})


@login_required
def path_next(request):
    """Straight to the path's current step (where a new member lands after sign-up); the path page once done."""
    path_services.path_start(user=request.user)
    state = path_state(request.user)
    step = state.next_step
    if step is None or not step.url:
        return redirect("onboarding:path")
    return redirect(step.url)


@login_required
def welcome(request):
    if request.method == "POST":
        path_services.path_mark_seen(user=request.user, step=Step.WELCOME)
        return redirect("onboarding:path")
    return render(request, "onboarding/welcome.html", {"state": path_state(request.user)})


@login_required
@require_POST
def path_skip(request, step: str):
    try:
        path_services.path_skip(user=request.user, step=step)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.info(request, "Step skipped. You can come back to it any time from the Learn page.")
    return redirect("onboarding:path")


@login_required
def practice(request):
    """Where to make a first reply: the newest open starter prompt itself, with what the coach will check."""
    cohort = goal_selectors.goal_cohort(request.user)
    prompt = newest_open_prompt(request.user)
    return render(
        request,
        "onboarding/practice.html",
        {
            "cohort": cohort,
            "board_url": _cohort_board_url(cohort),
            "prompt": prompt,
            "state": path_state(request.user),
            "policy_acknowledged": has_acknowledged_current(request.user),
        },
    )


def _cohort_board_url(cohort) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("forums:index")
    except NoReverseMatch:
        return ""


@login_required
def goals(request):
    """The person's crawl, walk, run goals with progress bars, deadlines and states."""
    if request.method == "POST":
        path_services.path_mark_seen(user=request.user, step=Step.GOALS)
        path_services.path_complete_if_done(user=request.user)
        messages.success(request, "Your goals are set. The home page keeps them in view.")
        return redirect("onboarding:path")
    stages = goal_selectors.my_goals(request.user)
    wants_bloggers = any(g.goal.criterion == "follow_bloggers" and not g.done for s in stages for g in s.goals)
    return render(
        request,
        "onboarding/goals.html",
        {
            "stages": stages,
            "cohort": goal_selectors.goal_cohort(request.user),
            "bloggers": goal_selectors.suggested_bloggers(request.user) if wants_bloggers else [],
            "path": path_state(request.user),
        },
    )
