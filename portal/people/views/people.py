"""People: the directory, profiles, the profile form, follow and unfollow, follower lists."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portal.people import permissions
from portal.people.forms.people import DirectoryFilterForm, ProfileForm
from portal.people.models import User
from portal.people.selectors import people as selectors
from portal.people.services import people as services
from portal.profile_activity import profile_activity


def paginate(request: HttpRequest, queryset, per_page: int | None = None):
    """A page of ``queryset`` from ``?page=``; an invalid or too-large page number gives the last page."""
    return Paginator(queryset, per_page or settings.PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))


def _is_partial(request: HttpRequest) -> bool:
    """An htmx request that wants only a fragment (not a history restore, which needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None, departments=selectors.departments())
    filters = form.filters()
    page_obj = paginate(request, selectors.directory_people(request.user, filters))
    context = {"form": form, "filters": filters, "page_obj": page_obj}
    partial = _is_partial(request)
    template = "portal/people/partials/directory_results.html" if partial else "portal/people/directory.html"
    response = render(request, template, context)
    # The same URL answers with a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _active_person(pk: int, queryset=None) -> User:
    """The person with this id, or 404 when there is none or their account is switched off."""
    queryset = queryset if queryset is not None else User.objects.select_related("profile")
    return get_object_or_404(queryset.filter(is_active=True), pk=pk)


@login_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    person = _active_person(pk, selectors.profile_queryset(request.user))
    context = {
        "person": person,
        "is_self": person.pk == request.user.pk,
        "can_edit": permissions.can_edit_profile(request.user, person),
        "zone_label": person.profile.timezone.replace("_", " "),
        "local_time": local_now(person.profile.timezone),
        "missing_fields": _missing_labels(person.profile) if person.pk == request.user.pk else [],
        # Recent topics, replies and entries as this viewer may see them (issue 17).
        "activity": profile_activity(request.user, person),
    }
    return render(request, "portal/people/profile.html", context)


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    return _edit_profile(request, request.user)


@login_required
def profile_edit_person(request: HttpRequest, pk: int) -> HttpResponse:
    person = _active_person(pk, User.objects.select_related("profile"))
    if not permissions.can_edit_profile(request.user, person):
        raise PermissionDenied("You may edit only your own profile.")
    if person.pk == request.user.pk:
        return redirect("people:profile-edit")
    return _edit_profile(request, person)


def _edit_profile(request: HttpRequest, person: User) -> HttpResponse:
    profile = services.profile_ensure(user=person)
    form = ProfileForm(request.POST or None, request.FILES or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(actor=request.user, user=person, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            own = person.pk == request.user.pk
            messages.success(request, "Your profile is saved." if own else f"{person.display_name}'s profile is saved.")
            return redirect("people:profile", pk=person.pk)
    context = {
        "form": form,
        "person": person,
        "is_self": person.pk == request.user.pk,
        "department_options": selectors.departments(),
        "missing_fields": _missing_labels(profile),
    }
    return render(request, "portal/people/profile_edit.html", context)


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names, or at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# ---------------------------------------------------------------- follow and unfollow
def _next_url(request: HttpRequest, person: User) -> str:
    candidate = request.POST.get("next") or ""
    hosts = {request.get_host()}
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts=hosts, require_https=request.is_secure()):
        return candidate
    return reverse("people:profile", args=[person.pk])


def _follow_response(request: HttpRequest, person: User, *, error: str = "", done: str = "") -> HttpResponse:
    if not _is_partial(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        return redirect(_next_url(request, person))
    person = get_object_or_404(selectors.profile_queryset(request.user), pk=person.pk)
    context = {
        "person": person,
        "next_url": _next_url(request, person),
        "error": error,
        "done": done,
        "with_counts": request.POST.get("counts") == "1",
    }
    return render(request, "portal/partials/follow_response.html", context)


@login_required
@require_POST
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    person = _active_person(pk, User.objects.select_related("profile"))
    try:
        services.follow_create(actor=request.user, followee=person)
    except ValidationError as exc:
        return _follow_response(request, person, error=" ".join(exc.messages))
    return _follow_response(
        request, person, done=f"You now follow {person.display_name}. Their posts will reach you first."
    )


@login_required
@require_POST
def unfollow(request: HttpRequest, pk: int) -> HttpResponse:
    person = _active_person(pk, User.objects.select_related("profile"))
    services.follow_delete(actor=request.user, followee=person)
    return _follow_response(request, person, done=f"You no longer follow {person.display_name}.")


def _follow_list(request: HttpRequest, pk: int, *, which: str) -> HttpResponse:
    person = _active_person(pk, selectors.profile_queryset(request.user))
    people = selectors.followers_of if which == "followers" else selectors.followed_by
    context = {
        "person": person,
        "which": which,
        "is_self": person.pk == request.user.pk,
        "page_obj": paginate(request, people(request.user, person)),
    }
    return render(request, "portal/people/follow_list.html", context)


@login_required
def followers(request: HttpRequest, pk: int) -> HttpResponse:
    return _follow_list(request, pk, which="followers")


@login_required
def following(request: HttpRequest, pk: int) -> HttpResponse:
    return _follow_list(request, pk, which="following")


def local_now(zone_name: str) -> str:
    """The time now in a person's zone as HH:MM ("" for a zone name this server does not know).

    Formatted here because template date filters would convert it back to the site's zone.
    """
    if zone_name not in services.valid_timezones():
        return ""
    return timezone.now().astimezone(ZoneInfo(zone_name)).strftime("%H:%M")


def _missing_labels(profile) -> list[str]:
    return [f.replace("_", " ") for f in services.profile_missing_fields(profile)]
