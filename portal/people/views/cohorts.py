"""Cohorts: the list, a cohort's page, and the admin/facilitator forms that change them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.people import permissions
from portal.people.forms.cohorts import CohortDescriptionForm, CohortForm, MembershipForm, SessionForm
from portal.people.models import Cohort, CohortSession, Membership, User
from portal.people.selectors import cohorts as selectors
from portal.people.services import cohorts as services
from portal.people.services.people import valid_timezones
from portal.people.views.people import add_service_errors, paginate


def _viewer_zone(request: HttpRequest):
    """Session times are shown and entered in the viewer's own time zone."""
    profile = getattr(request.user, "profile", None)
    name = getattr(profile, "timezone", "")
    return ZoneInfo(name) if name in valid_timezones() else timezone.get_default_timezone()


def _cohort(slug: str, queryset=None) -> Cohort:
    return get_object_or_404(queryset if queryset is not None else Cohort.objects.all(), slug=slug)


@login_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    with timezone.override(_viewer_zone(request)):
        return render(
            request,
            "portal/cohorts/list.html",
            {
                "cohorts": selectors.cohort_list(),
                "my_cohort_ids": permissions.member_cohort_ids(request.user),
                "can_create": permissions.is_admin(request.user),
            },
        )


@login_required
def cohort_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort(slug, selectors.cohort_detail_queryset())
    zone = _viewer_zone(request)
    context = {
        "cohort": cohort,
        "page_obj": paginate(request, selectors.cohort_members(request.user, cohort)),
        "can_edit": permissions.can_facilitate(request.user, cohort),
        "can_admin": permissions.is_admin(request.user),
        "now": timezone.now(),
        "zone_name": str(zone),
    }
    with timezone.override(zone):
        return render(request, "portal/cohorts/detail.html", context)


@login_required
def cohort_create(request: HttpRequest) -> HttpResponse:
    if not permissions.is_admin(request.user):
        raise PermissionDenied("Only an admin may create cohorts.")
    form = CohortForm(
        request.POST or None, sponsors=selectors.sponsor_choices(), initial={"starts_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The cohort “{cohort.name}” is created. Next: add its facilitators and members.")
            return redirect("people:cohort-members", slug=cohort.slug)
    return render(request, "portal/cohorts/form.html", {"form": form, "cohort": None})


@login_required
def cohort_edit(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort(slug, Cohort.objects.select_related("sponsor__profile"))
    if permissions.is_admin(request.user):
        initial = {f: getattr(cohort, f) for f in ("name", "slug", "description", "sponsor", "starts_on")}
        form = CohortForm(request.POST or None, sponsors=selectors.sponsor_choices(), initial=initial)
    elif permissions.can_facilitate(request.user, cohort):
        form = CohortDescriptionForm(request.POST or None, initial={"description": cohort.description})
    else:
        raise PermissionDenied("Only this cohort's facilitators or an admin may edit it.")
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_update(actor=request.user, cohort=cohort, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The cohort is saved.")
            return redirect(cohort)
    return render(request, "portal/cohorts/form.html", {"form": form, "cohort": cohort})


# ---------------------------------------------------------------- formal sessions
def _session_form_page(request: HttpRequest, cohort: Cohort, session: CohortSession | None) -> HttpResponse:
    if not permissions.can_facilitate(request.user, cohort):
        raise PermissionDenied("Only this cohort's facilitators or an admin may change its sessions.")
    zone = _viewer_zone(request)
    with timezone.override(zone):
        if session is not None:
            initial = {"number": session.number, "title": session.title, "starts_at": session.starts_at}
        else:
            numbers = [s.number for s in cohort.sessions.all()]
            initial = {"number": max(numbers, default=0) + 1}
        form = SessionForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.session_save(actor=request.user, cohort=cohort, session=session, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Session {form.cleaned_data['number']} is saved.")
                return redirect(cohort)
        context = {"form": form, "cohort": cohort, "session": session, "zone_name": str(zone)}
        return render(request, "portal/cohorts/session_form.html", context)


@login_required
def session_create(request: HttpRequest, slug: str) -> HttpResponse:
    return _session_form_page(request, _cohort(slug), None)


@login_required
def session_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort = _cohort(slug)
    session = get_object_or_404(CohortSession, pk=pk, cohort=cohort)
    return _session_form_page(request, cohort, session)


@login_required
@require_POST
def session_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort = _cohort(slug)
    session = get_object_or_404(CohortSession.objects.select_related("cohort"), pk=pk, cohort=cohort)
    if not permissions.can_facilitate(request.user, cohort):
        raise PermissionDenied("Only this cohort's facilitators or an admin may change its sessions.")
    services.session_delete(actor=request.user, session=session)
    messages.success(request, f"Session {session.number} ({session.title}) is deleted.")
    return redirect(cohort)


# ---------------------------------------------------------------- membership (admins)
def _admin_cohort(request: HttpRequest, slug: str) -> Cohort:
    if not permissions.is_admin(request.user):
        raise PermissionDenied("Only an admin may change who belongs to a cohort.")
    return _cohort(slug)


@login_required
def cohort_members(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _admin_cohort(request, slug)
    form = MembershipForm(request.POST or None, candidates=selectors.people_not_in(cohort))
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["user"]
        try:
            services.membership_add(actor=request.user, cohort=cohort, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            kind = Membership.Kind(form.cleaned_data["kind"]).label.lower()
            messages.success(request, f"{person.display_name} is now a {kind} of {cohort.name}.")
            return redirect("people:cohort-members", slug=cohort.slug)
    context = {
        "cohort": cohort,
        "form": form,
        "page_obj": paginate(request, selectors.cohort_memberships(cohort)),
        "kinds": Membership.Kind,
    }
    return render(request, "portal/cohorts/members.html", context)


def _member(cohort: Cohort, user_pk: int) -> User:
    return get_object_or_404(User.objects.select_related("profile"), pk=user_pk, memberships__cohort=cohort)


@login_required
@require_POST
def member_kind(request: HttpRequest, slug: str, user_pk: int) -> HttpResponse:
    cohort = _admin_cohort(request, slug)
    person = _member(cohort, user_pk)
    kind = request.POST.get("kind", "")
    if kind not in Membership.Kind.values:
        messages.error(request, "Choose member or facilitator.")
    else:
        try:
            services.membership_add(actor=request.user, cohort=cohort, user=person, kind=kind)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{person.display_name} is now a {Membership.Kind(kind).label.lower()}.")
    return redirect("people:cohort-members", slug=cohort.slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, user_pk: int) -> HttpResponse:
    cohort = _admin_cohort(request, slug)
    person = _member(cohort, user_pk)
    services.membership_remove(actor=request.user, cohort=cohort, user=person)
    messages.success(request, f"{person.display_name} is no longer in {cohort.name}.")
    return redirect("people:cohort-members", slug=cohort.slug)
