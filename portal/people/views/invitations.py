"""Invitation pages: invite (one or a CSV), the per-cohort list, resend, withdraw, and accept a link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from portal.people import permissions
from portal.people.adapters import remember_invitation
from portal.people.forms.invitations import CSV_COLUMNS, InvitationForm, InvitationUploadForm
from portal.people.models import Cohort, Invitation
from portal.people.selectors.invitations import (
    Status,
    account_exists,
    cohort_invitation_counts,
    cohort_invitations,
    invitable_cohorts_with_counts,
    invitation_by_token,
    invitation_status,
)
from portal.people.services.invitations import (
    InvitationRowsError,
    InvitationUnusable,
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitations_create_many,
)

PAGE_SIZE = 50


def _require_inviter(user) -> None:
    if not permissions.can_invite_anywhere(user):
        raise PermissionDenied("Only facilitators and admins can invite people.")


def _create_page(request: HttpRequest, *, form: InvitationForm, upload_form: InvitationUploadForm, status: int = 200):
    cohorts = invitable_cohorts_with_counts(permissions.invitable_cohorts(request.user))
    return render(
        request,
        "portal/invitations/create.html",
        {
            "form": form,
            "upload_form": upload_form,
            "cohorts": cohorts,
            "csv_header": ",".join(CSV_COLUMNS),
            "ttl_days": _ttl_days(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Invite one person (the form), with the CSV upload offered beside it."""
    _require_inviter(request.user)
    upload_form = InvitationUploadForm(actor=request.user)
    if request.method == "POST":
        form = InvitationForm(request.POST, actor=request.user)
        if form.is_valid():
            try:
                invitation = invitation_create(actor=request.user, **form.cleaned_data)
            except InvitationRowsError as exc:
                for problem in exc.problems:
                    form.add_error(None, problem.message)
            else:
                messages.success(
                    request,
                    f"Invitation sent to {invitation.email}. It is valid for {_ttl_days()} days.",
                )
                return redirect("invitations:cohort", slug=invitation.cohort.slug)
        return _create_page(request, form=form, upload_form=upload_form, status=400)
    initial = {}
    if cohort_slug := request.GET.get("cohort"):
        initial["cohort"] = Cohort.objects.filter(slug=cohort_slug).first()
    return _create_page(request, form=InvitationForm(actor=request.user, initial=initial), upload_form=upload_form)


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """Invite everyone in a CSV file, or nobody: problems come back by line number."""
    _require_inviter(request.user)
    upload_form = InvitationUploadForm(request.POST, request.FILES, actor=request.user)
    if upload_form.is_valid():
        try:
            invitations = invitations_create_many(actor=request.user, rows=upload_form.rows)
        except InvitationRowsError as exc:
            upload_form.problems = exc.problems
            upload_form.add_error("file", [str(p) for p in exc.problems])
        else:
            cohorts = sorted({i.cohort.name for i in invitations})
            messages.success(
                request,
                f"{len(invitations)} invitation{'s' if len(invitations) != 1 else ''} sent ({', '.join(cohorts)}).",
            )
            if len(cohorts) == 1:
                return redirect("invitations:cohort", slug=invitations[0].cohort.slug)
            return redirect("invitations:create")
    return _create_page(request, form=InvitationForm(actor=request.user), upload_form=upload_form, status=400)


@login_required
def csv_template(request: HttpRequest) -> HttpResponse:
    """A CSV with the expected header and one example row, to fill in and upload."""
    _require_inviter(request.user)
    cohort = permissions.invitable_cohorts(request.user).order_by("name").first()
    example = ["sam.example@harbourview.example", "Sam Example", "Head of Fleet", "Operations", "2"]
    example.append(cohort.slug if cohort else "cohort-short-name")
    body = ",".join(CSV_COLUMNS) + "\r\n" + ",".join(example) + "\r\n"
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="invitations.csv"'
    return response


@login_required
def cohort_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A cohort's invitations with their status; pending ones can be resent or withdrawn."""
    cohort = get_object_or_404(Cohort, slug=slug)
    if not permissions.can_invite(request.user, cohort):
        raise PermissionDenied("You cannot see invitations for this cohort.")
    status = request.GET.get("status") or ""
    if status not in Status.ALL:
        status = ""
    page = Paginator(cohort_invitations(cohort, status=status or None), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/invitations/cohort.html",
        {
            "cohort": cohort,
            "page": page,
            "counts": cohort_invitation_counts(cohort),
            "status": status,
            "statuses": Status.ALL,
        },
    )


def _manage(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("cohort"), pk=pk)
    if not permissions.can_invite(request.user, invitation.cohort):
        raise PermissionDenied("You cannot manage invitations for this cohort.")
    try:
        action(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done.format(email=invitation.email))
    return redirect(reverse("invitations:cohort", args=[invitation.cohort.slug]) + _back_query(request))


def _back_query(request: HttpRequest) -> str:
    params = {k: v for k in ("status", "page") if (v := request.POST.get(k))}
    return f"?{urlencode(params)}" if params else ""


@login_required
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    done = "Invitation to {email} sent again; the link is valid for another " + f"{_ttl_days()} days."
    return _manage(request, pk, invitation_resend, done)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _manage(request, pk, invitation_revoke, "Invitation to {email} withdrawn; its link no longer works.")


def _ttl_days() -> int:
    from django.conf import settings

    return settings.INVITATION_TTL_DAYS


def _unusable(request: HttpRequest, reason: str, invitation: Invitation | None = None) -> HttpResponse:
    return render(
        request,
        "portal/invitations/unusable.html",
        {"reason": reason, "invitation": invitation},
        status=404 if reason == "unknown" else 410,
    )


@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Where an invitation link lands.

    Signed out: remember the invitation and offer sign-up (or sign-in, if the address already has an
    account). Signed in with the invited address: join with one click. Another address: explain.
    """
    invitation = invitation_by_token(token)
    if invitation is None:
        return _unusable(request, "unknown")
    user = request.user
    status = invitation_status(invitation)
    if status == Status.ACCEPTED:
        if user.is_authenticated and invitation.accepted_by_id == user.pk:
            messages.info(request, f"You are already a member of {invitation.cohort.name}.")
            return redirect("home")
        return _unusable(request, "used", invitation)
    if status == Status.EXPIRED:
        return _unusable(request, "expired", invitation)

    context = {"invitation": invitation, "cohort": invitation.cohort, "inviter": invitation.invited_by}
    if not user.is_authenticated:
        if request.method == "POST":
            return redirect(invitation.get_absolute_url())
        remember_invitation(request, invitation)
        context["has_account"] = account_exists(invitation.email)
        context["login_url"] = reverse("account_login") + "?" + urlencode({"next": invitation.get_absolute_url()})
        return render(request, "portal/invitations/accept.html", context)

    if user.email.lower() != invitation.email.lower():
        context["wrong_email"] = True
        return render(
            request, "portal/invitations/accept.html", context, status=403 if request.method == "POST" else 200
        )
    if request.method == "POST":
        try:
            invitation_accept(token=token, user=user)
        except InvitationUnusable as exc:
            return _unusable(request, exc.code, invitation)
        messages.success(request, f"Welcome to {invitation.cohort.name}! You are now a member.")
        return redirect("home")
    return render(request, "portal/invitations/accept.html", context)
