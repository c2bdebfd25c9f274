"""The facilitator's home, the cohort console, nudges, buddies and the cohort's facilitation settings."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from .. import console as console_selectors
from .. import permissions, selectors, services
from ..forms import BuddyForm, FilterForm, NudgeForm, SettingsForm
from ..models import BuddyPair
from ..services.nudges import NUDGE_TEMPLATES, TEMPLATES_BY_KEY
from ._helpers import add_service_errors, error_text, facilitated_cohort


@login_required
def index(request):
    if not permissions.can_use_facilitation(request.user):
        raise PermissionDenied("Facilitation tools are for facilitators and admins.")
    cohorts = list(permissions.facilitation_cohorts(request.user).order_by("name"))
    rows = [(cohort, console_selectors.queue_counts(cohort)) for cohort in cohorts]
    return render(request, "facilitation/index.html", {"rows": rows})


def _filters(form: FilterForm) -> console_selectors.MemberFilters:
    data = form.cleaned_data
    return console_selectors.MemberFilters(
        quiet_days=data.get("quiet"),
        behind=bool(data.get("behind")),
        never_posted=bool(data.get("never_posted")),
        not_onboarded=bool(data.get("not_onboarded")),
    )


@login_required
def console(request, slug):
    cohort = facilitated_cohort(request.user, slug)
    form = FilterForm(request.GET)
    valid = form.is_valid()
    filters = _filters(form) if valid else console_selectors.MemberFilters()
    now = timezone.now()
    try:
        page = int(request.GET.get("page", 1))
    except ValueError:
        page = 1
    # One page of the member table (issue 13: 321 members made a 253 KB page); the summary counts everyone.
    data = console_selectors.console(
        cohort, filters=filters, now=now, page=page, page_size=settings.FACILITATION_CONSOLE_PAGE_SIZE
    )
    context = {
        "cohort": cohort,
        "console": data,
        "form": form,
        "filters": filters,
        "now": now,
        "filter_query": urlencode({k: v for k, v in request.GET.items() if k in form.fields and v}),
        "settings_row": selectors.cohort_settings(cohort),
    }
    status = 200 if valid else 400
    if request.htmx and request.htmx.target == "member-table":
        return render(request, "facilitation/partials/members.html", context, status=status)
    return render(request, "facilitation/console.html", context, status=status)


@login_required
def cohort_settings(request, slug):
    cohort = facilitated_cohort(request.user, slug)
    row = selectors.cohort_settings(cohort)
    initial = {"quiet_days": row.quiet_days, "time_zone": row.time_zone, "welcome_prompt": row.welcome_prompt}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.facilitation_settings_update(
                actor=request.user,
                cohort=cohort,
                quiet_days=form.cleaned_data["quiet_days"],
                timezone_name=form.cleaned_data["time_zone"],
                welcome_prompt=form.cleaned_data["welcome_prompt"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Settings saved. Queued prompts follow the new time zone.")
            return redirect("facilitation:console", cohort.slug)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "facilitation/settings.html", {"cohort": cohort, "form": form}, status=status)


def _preselected(request, cohort, members) -> list[str]:
    """Members chosen on the console: ticked boxes (``member``) or, with none ticked, the filtered rows."""
    chosen = request.GET.getlist("member")
    if chosen:
        return chosen
    filter_form = FilterForm(request.GET)
    if filter_form.is_valid() and _filters(filter_form).active:
        return [str(pk) for pk in console_selectors.member_ids(cohort, _filters(filter_form))]
    return []


@login_required
def nudge(request, slug):
    cohort = facilitated_cohort(request.user, slug)
    interval = settings.FACILITATION_NUDGE_INTERVAL_DAYS
    members = selectors.cohort_members(cohort)
    by_id = {str(u.pk): u for u in members}
    if request.method == "POST":
        form = NudgeForm(request.POST, members=members)
        if form.is_valid():
            recipients = [by_id[i] for i in form.cleaned_data["members"]]
            try:
                result = services.nudge_send(
                    actor=request.user,
                    cohort=cohort,
                    recipients=recipients,
                    message=form.cleaned_data["message"],
                    template=form.cleaned_data.get("template") or "custom",
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if result.sent:
                    count = len(result.sent)
                    messages.success(request, f"Nudge sent to {count} member{'s' if count != 1 else ''}.")
                for member, again in result.skipped:
                    messages.warning(
                        request,
                        f"Not sent to {member.display_name}: nudged less than {interval} days ago "
                        f"(possible again from {timezone.localtime(again):%d %b %H:%M}).",
                    )
                return redirect("facilitation:console", cohort.slug)
    else:
        template = TEMPLATES_BY_KEY.get(request.GET.get("template", "")) or NUDGE_TEMPLATES[0]
        form = NudgeForm(
            initial={"members": _preselected(request, cohort, members), "template": template.key,
                     "message": template.text},
            members=members,
        )  # fmt: skip
    chosen = set(form.data.getlist("members")) if form.is_bound else set(form.initial.get("members", []))
    last = selectors.last_nudges([u.pk for u in members])
    now = timezone.now()
    rows = []
    for user in members:
        again = selectors.nudge_available_at(last.get(user.pk))
        rows.append(
            {"user": user, "chosen": str(user.pk) in chosen, "last": last.get(user.pk),
             "again": again if again and again > now else None}
        )  # fmt: skip
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "facilitation/nudge.html",
        {
            "cohort": cohort,
            "form": form,
            "rows": rows,
            "templates": NUDGE_TEMPLATES,
            "interval": settings.FACILITATION_NUDGE_INTERVAL_DAYS,
        },
        status=status,
    )


@login_required
def buddies(request, slug):
    cohort = facilitated_cohort(request.user, slug)
    pairs = selectors.cohort_buddies(cohort)
    paired = {pid for p in pairs for pid in (p.first_id, p.second_id)}
    members = [u for u in selectors.cohort_members(cohort) if u.pk not in paired]
    form = BuddyForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        by_id = {str(u.pk): u for u in members}
        try:
            pair = services.buddies_pair(
                actor=request.user,
                cohort=cohort,
                member=by_id[form.cleaned_data["member"]],
                buddy=by_id[form.cleaned_data["buddy"]],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{pair.first.display_name} and {pair.second.display_name} are buddies now.")
            return redirect("facilitation:buddies", cohort.slug)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "facilitation/buddies.html", {"cohort": cohort, "pairs": pairs, "form": form}, status=status)


@login_required
@require_POST
def buddy_remove(request, pk):
    pair = get_object_or_404(BuddyPair.objects.select_related("cohort", "first__profile", "second__profile"), pk=pk)
    if not permissions.can_facilitate(request.user, pair.cohort_id):
        raise PermissionDenied("Only this cohort's facilitators can change its buddies.")
    slug = pair.cohort.slug
    try:
        services.buddies_unpair(actor=request.user, pair=pair)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{pair.first.display_name} and {pair.second.display_name} are no longer buddies.")
    return redirect(reverse("facilitation:buddies", args=[slug]))
