"""The social media policy: read, acknowledge, publish a new version, export acknowledgements."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portal.csv_safe import csv_streaming_response

from .. import permissions
from ..forms.policy import AcknowledgeForm, PublishPolicyForm
from ..models import PolicyVersion
from ..selectors import policy as policy_selectors
from ..services import path as path_services
from ..services import policy as policy_services
from ..signals import SESSION_REACK
from ._common import errors_to_form


def _safe_next(request, value: str | None) -> str | None:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None


@login_required
def policy(request):
    version = policy_selectors.current_version()
    if version is None:
        raise Http404("No policy has been published yet.")
    ack = policy_selectors.current_acknowledgement(request.user)
    return render(
        request,
        "onboarding/policy.html",
        {
            "version": version,
            "ack": ack,
            "form": AcknowledgeForm(initial={"version": version.pk}),
            "next": _safe_next(request, request.GET.get("next")) or "",
            "new_version": request.GET.get("reason") == "new-version",
            "versions": policy_selectors.versions(),
            "can_publish": permissions.can_publish_policy(request.user),
            "can_export": permissions.can_export_policy(request.user),
        },
    )


@login_required
def policy_version(request, pk: int):
    version = get_object_or_404(PolicyVersion, pk=pk)
    current = policy_selectors.current_version()
    return render(
        request, "onboarding/policy_version.html", {"version": version, "is_current": current and current.pk == pk}
    )


@login_required
@require_POST
def policy_acknowledge(request):
    version = policy_selectors.current_version()
    if version is None:
        raise Http404("No policy has been published yet.")
    form = AcknowledgeForm(request.POST)
    nxt = _safe_next(request, request.POST.get("next"))
    if form.is_valid():
        try:
            if form.cleaned_data["version"] != version.pk:
                raise ValidationError("A newer version of the policy has been published; please read that one.")
            policy_services.policy_acknowledge(actor=request.user, version=version)
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            request.session.pop(SESSION_REACK, None)
            path_services.path_complete_if_done(user=request.user)
            messages.success(request, f"Thank you. You acknowledged the policy (version {version.label}).")
            return redirect(nxt or "onboarding:path")
    return render(
        request,
        "onboarding/policy.html",
        {
            "version": version,
            "ack": None,
            "form": form,
            "next": nxt or "",
            "versions": policy_selectors.versions(),
            "can_publish": permissions.can_publish_policy(request.user),
            "can_export": permissions.can_export_policy(request.user),
        },
        status=400,
    )


@login_required
def policy_publish(request):
    if not permissions.can_publish_policy(request.user):
        raise PermissionDenied
    current = policy_selectors.current_version()
    if request.method == "POST":
        form = PublishPolicyForm(request.POST)
        if form.is_valid():
            try:
                version = policy_services.policy_publish(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, f"Version {version.label} is published.")
                return redirect("onboarding:policy")
    else:
        form = PublishPolicyForm(initial={"title": current.title, "body_html": current.body_html} if current else None)
    return render(request, "onboarding/policy_publish.html", {"form": form, "current": current})


@login_required
def policy_export(request):
    if not permissions.can_export_policy(request.user):
        raise PermissionDenied
    # Through the one CSV writer: a display name like "=HYPERLINK(...)" stays text in a spreadsheet.
    stamp = timezone.localdate().isoformat()
    return csv_streaming_response(
        policy_selectors.acknowledgement_rows(), filename=f"policy-acknowledgements-{stamp}.csv"
    )
