"""A cohort's prompt schedule (write, edit, reorder, cancel, release now) and the prompt library."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from forums.models import Board
from portal.people.models import Cohort, CohortSession

from .. import permissions, selectors, services, timing
from ..forms import CloneForm, PromptForm, TemplateForm
from ..models import PromptCategory, PromptTemplate, ScheduledPrompt
from ..services.release import ReleaseError
from ._helpers import add_service_errors, error_text, facilitated_cohort, facilitated_prompt


def _schedule_url(prompt: ScheduledPrompt) -> str:
    return reverse("facilitation:schedule", args=[prompt.cohort.slug]) + f"#prompt-{prompt.pk}"


@login_required
def schedule(request, slug):
    cohort = facilitated_cohort(request.user, slug)
    prompts = selectors.schedule_prompts(cohort, include_cancelled=True)
    sessions = selectors.cohort_sessions(cohort)
    active = [p for p in prompts if p.status != ScheduledPrompt.Status.CANCELLED]
    return render(
        request,
        "facilitation/schedule.html",
        {
            "cohort": cohort,
            "timeline": selectors.timeline(active, sessions),
            "open_prompts": [p for p in active if p.is_open],
            "cancelled": [p for p in prompts if p.status == ScheduledPrompt.Status.CANCELLED],
            "boards": selectors.cohort_boards(cohort),
            "zone": selectors.cohort_zone(cohort),
            "has_sessions": bool(sessions),
        },
    )


def _prompt_form(request, cohort, **kwargs) -> PromptForm:
    return PromptForm(
        request.POST or None,
        boards=Board.objects.filter(cohort=cohort).order_by("position", "title"),
        sessions=CohortSession.objects.filter(cohort=cohort).order_by("number"),
        zone=selectors.cohort_zone(cohort),
        **kwargs,
    )


def _prompt_page(request, cohort, form: PromptForm, prompt: ScheduledPrompt | None):
    """Validate the prompt form, then schedule a new prompt or update ``prompt``; re-show errors with 400."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {"board": data["board"], "title": data["title"], "body": data["body"], "kind": data["kind"]}
        try:
            _check_not_past(form, cohort, prompt)
            if prompt is None:
                saved = services.prompt_schedule(actor=request.user, cohort=cohort, when=form.when(), **fields)
            else:
                saved = services.prompt_update(actor=request.user, prompt=prompt, when=form.when(), **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _scheduled_message(saved))
            return redirect(_schedule_url(saved))
    status = 400 if form.is_bound and form.errors else 200
    context = {"cohort": cohort, "form": form, "prompt": prompt}
    return render(request, "facilitation/prompt_form.html", context, status=status)


@login_required
def prompt_create(request, slug):
    cohort = facilitated_cohort(request.user, slug)
    sessions = selectors.cohort_sessions(cohort)
    initial = {"mode": "session" if sessions else "queue", "offset_days": 2, "direction": "before"}
    nxt = selectors.default_session(sessions)
    if nxt:
        initial["session"] = nxt.pk
    return _prompt_page(request, cohort, _prompt_form(request, cohort, initial=initial), None)


def _check_not_past(form: PromptForm, cohort, prompt: ScheduledPrompt | None) -> None:
    """A release time already past would send the prompt within a minute: say so and ask first (issue 17)."""
    moment = services.prompt_release_moment(cohort=cohort, when=form.when())
    unchanged = prompt is not None and prompt.release_at == moment
    if moment is None or moment > timezone.now() or unchanged or form.cleaned_data.get("send_now"):
        return
    form.past_release = True
    local = moment.astimezone(selectors.cohort_zone(cohort))
    raise ValidationError(
        f"The release time ({local:%A %d %B at %H:%M}) has already passed, so this prompt would go out within a "
        "minute. Tick “Its time has passed: send it out now” to do that, or choose a later time."
    )


def _scheduled_message(prompt: ScheduledPrompt) -> str:
    if prompt.release_at is None:
        return f"“{prompt.title}” is queued. It goes out when you release it or when its board goes quiet."
    if prompt.release_at <= timezone.now():
        return f"“{prompt.title}” is due already: it goes out within a minute."
    local = prompt.release_at.astimezone(selectors.cohort_zone(prompt.cohort))
    return f"“{prompt.title}” is scheduled for {local:%A %d %B at %H:%M} ({selectors.when_text(prompt)})."


@login_required
def prompt_edit(request, pk):
    prompt = facilitated_prompt(request.user, pk)
    cohort = prompt.cohort
    if not prompt.is_open:
        messages.info(request, "This prompt has gone out (or was cancelled): edit the topic on the board instead.")
        return redirect(_schedule_url(prompt))
    form = _prompt_form(request, cohort, initial=PromptForm.initial_for(prompt, selectors.cohort_zone(cohort)))
    return _prompt_page(request, cohort, form, prompt)


@login_required
@require_POST
def prompt_cancel(request, pk):
    prompt = facilitated_prompt(request.user, pk)
    try:
        services.prompt_cancel(actor=request.user, prompt=prompt)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"“{prompt.title}” was taken out of the schedule.")
    return redirect(_schedule_url(prompt))


@login_required
@require_POST
def prompt_move(request, pk):
    prompt = facilitated_prompt(request.user, pk)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        raise Http404("Move up or down.")
    try:
        services.prompt_move(actor=request.user, prompt=prompt, direction=direction)
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect(_schedule_url(prompt))


@login_required
@require_POST
def prompt_release(request, pk):
    prompt = facilitated_prompt(request.user, pk)
    try:
        topic = services.prompt_release(prompt_id=prompt.pk, actor=request.user)
    except ReleaseError as error:
        messages.error(request, f"“{prompt.title}” could not go out: {error.message}")
        return redirect(_schedule_url(prompt))
    if topic is None:
        messages.info(request, "This prompt has already gone out (or was cancelled).")
        return redirect(_schedule_url(prompt))
    messages.success(request, f"“{topic.title}” is on {prompt.board.title} now. Members were told.")
    return redirect(topic)


@login_required
@require_POST
def prompt_save(request, pk):
    prompt = facilitated_prompt(request.user, pk)
    try:
        services.template_from_prompt(actor=request.user, prompt=prompt)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"“{prompt.title}” is in the library now, for any cohort.")
    return redirect(_schedule_url(prompt))


# ---------------------------------------------------------------- the library
def _clone_target(request, cohorts):
    """The cohort, board and session the library clones into (from the query string), with defaults."""
    cohort = next((c for c in cohorts if c.slug == request.GET.get("cohort")), cohorts[0] if cohorts else None)
    if cohort is None:
        return None, None, None, [], []
    boards = selectors.cohort_boards(cohort)
    sessions = selectors.cohort_sessions(cohort)
    board = next((b for b in boards if str(b.pk) == request.GET.get("board")), boards[0] if boards else None)
    wanted = request.GET.get("session")
    if wanted == "none":
        session = None
    else:
        session = next((s for s in sessions if str(s.pk) == wanted), None) or selectors.default_session(sessions)
    return cohort, board, session, boards, sessions


@login_required
def library(request):
    if not permissions.can_use_library(request.user):
        raise PermissionDenied("The prompt library is for facilitators and admins.")
    cohorts = list(permissions.facilitation_cohorts(request.user).order_by("name"))
    cohort, board, session, boards, sessions = _clone_target(request, cohorts)
    category = request.GET.get("category", "")
    if category not in PromptCategory.values:
        category = ""
    query = request.GET.get("q", "").strip()[:100]
    templates = list(selectors.library(category=category, query=query))
    for template in templates:
        template.can_edit = permissions.can_edit_template(request.user, template)
        template.suggested_text = timing.describe_suggestion(
            offset_days=template.suggested_offset_days, at_time=template.suggested_time
        )
    return render(
        request,
        "facilitation/library.html",
        {
            "templates": templates,
            "categories": PromptCategory.choices,
            "category": category,
            "query": query,
            "cohorts": cohorts,
            "cohort": cohort,
            "board": board,
            "session": session,
            "boards": boards,
            "sessions": sessions,
        },
    )


@login_required
@require_POST
def library_clone(request, pk):
    template = get_object_or_404(PromptTemplate, pk=pk, archived_at__isnull=True)
    if not permissions.can_use_library(request.user):
        raise PermissionDenied("The prompt library is for facilitators and admins.")
    raw = request.POST.get("cohort", "")
    wanted = get_object_or_404(Cohort, pk=int(raw)) if raw.isdigit() else None
    if wanted is not None and not permissions.can_facilitate(request.user, wanted):
        raise PermissionDenied("You can add prompts only to cohorts you facilitate.")
    cohorts = permissions.facilitation_cohorts(request.user)
    form = CloneForm(
        request.POST,
        cohorts=cohorts,
        boards=Board.objects.filter(cohort__in=cohorts),
        sessions=CohortSession.objects.filter(cohort__in=cohorts),
    )
    back = reverse("facilitation:library")
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    cohort = form.cleaned_data["cohort"]
    board = form.cleaned_data["board"] or Board.objects.filter(cohort=cohort).order_by("position", "title").first()
    back += "?" + urlencode(
        {"cohort": cohort.slug, "board": board.pk if board else "",
         "session": form.cleaned_data["session"].pk if form.cleaned_data["session"] else "none"}
    )  # fmt: skip
    if board is None:
        messages.error(request, f"{cohort.name} has no board yet: create one, then add prompts to it.")
        return redirect(back)
    try:
        prompt = services.prompt_clone(
            actor=request.user, template=template, cohort=cohort, board=board, session=form.cleaned_data["session"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _scheduled_message(prompt))
    return redirect(back)


def _template_form(request, template: PromptTemplate | None) -> TemplateForm:
    initial = {"category": PromptCategory.OPEN, "offset_days": 2, "direction": "before"}
    if template is not None:
        initial = {
            "title": template.title,
            "body": template.body,
            "kind": template.kind,
            "category": template.category,
            "at_time": template.suggested_time,
            **TemplateForm.offset_initial(template.suggested_offset_days),
        }
    return TemplateForm(request.POST or None, initial=initial)


def _template_page(request, template: PromptTemplate | None):
    form = _template_form(request, template)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.template_save(
                actor=request.user,
                template=template,
                title=data["title"],
                body=data["body"],
                kind=data["kind"],
                category=data["category"],
                offset_days=form.signed_offset(),
                at_time=data.get("at_time"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{saved.title}” is saved in the library.")
            return redirect(reverse("facilitation:library") + f"#template-{saved.pk}")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "facilitation/template_form.html", {"form": form, "template": template}, status=status)


@login_required
def template_create(request):
    if not permissions.can_use_library(request.user):
        raise PermissionDenied("The prompt library is for facilitators and admins.")
    return _template_page(request, None)


@login_required
def template_edit(request, pk):
    template = get_object_or_404(PromptTemplate, pk=pk, archived_at__isnull=True)
    if not permissions.can_edit_template(request.user, template):
        raise PermissionDenied("You can change only prompts you saved yourself.")
    return _template_page(request, template)


@login_required
@require_POST
def template_delete(request, pk):
    template = get_object_or_404(PromptTemplate, pk=pk, archived_at__isnull=True)
    if not permissions.can_edit_template(request.user, template):
        raise PermissionDenied("You can remove only prompts you saved yourself.")
    services.template_archive(actor=request.user, template=template)
    messages.success(request, f"“{template.title}” was removed from the library.")
    return redirect("facilitation:library")
