"""LTI views: JWKS, OIDC login initiation, launch, deep linking, account linking, and the admin pages."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.constants import SESSION_KEY
from lti_tool.models import Key, LtiContext, LtiRegistration
from lti_tool.utils import DjangoToolConfig, get_launch_from_request, sync_data_from_launch
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoOIDCLogin
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException

from . import permissions, selectors, targets
from .forms import CourseLinkForm, PlatformForm
from .middleware import SESSION_FRAME
from .models import CourseCohort
from .services import grades, roster
from .services.launch import (
    LaunchRefused,
    account_for_launch,
    account_link,
    course_cohort_for_launch,
    frame_origins,
    launch_recorded,
    nonce_consume,
    place_in_cohort,
    registered_frame_origins,
)
from .services.registrations import platform_register, tool_key_ensure, tool_keys_rotate

log = logging.getLogger(__name__)
LOGIN_PARAMS_TTL = 10 * 60
SESSION_MFA_BY_PLATFORM = "lti_mfa_by_platform"

# What each refusal means to the person who sees it (never the library's raw message).
ERRORS = {
    "state": (
        "Keystone could not continue the sign-in from your course",
        "Your browser did not keep the short-lived cookie Keystone set when the launch started, which "
        "often happens inside an LMS frame. Open Keystone in a new tab to continue.",
    ),
    "signature": (
        "The launch was not signed by your LMS",
        "Keystone could not verify the launch with your LMS's published keys, so it was refused. "
        "If this keeps happening, ask your Keystone admin to check the platform's JWKS URL.",
    ),
    "expired": (
        "The launch has expired",
        "The launch took too long to arrive. Go back to your course and open Keystone again.",
    ),
    "audience": (
        "This launch was not meant for this Keystone",
        "The launch names a platform or client ID that is not registered here. Ask your Keystone admin "
        "to register your LMS (issuer and client ID).",
    ),
    "replayed": (
        "This launch was already used",
        "Each launch from your course works once. Go back to your course and open Keystone again.",
    ),
    "nonce": (
        "This launch does not belong to a sign-in Keystone started",
        "Go back to your course and open Keystone again.",
    ),
    "deployment": (
        "This LMS deployment is not registered",
        "Keystone was added to your LMS under a deployment ID that an admin has not registered (or has "
        "switched off). Nothing was created. Ask your Keystone admin to add the deployment ID.",
    ),
    "inactive": ("Your Keystone account is switched off", "Ask a Keystone admin to switch it on again."),
    "instructors_only": (
        "Only instructors can place Keystone content",
        "Placing a board, prompt, lesson or dashboard in a course needs the instructor role in the course "
        "(and facilitation of its cohort in Keystone).",
    ),
    "invalid": ("The launch could not be accepted", "Go back to your course and open Keystone again."),
}


def _classify(exc: Exception) -> str:
    text = str(exc).lower()
    if "state" in text or "cookie" in text:  # the frame lost the login's cookies
        return "state"
    if "expired" in text:
        return "expired"
    if "signature" in text or "public key" in text or "decode" in text or "kid" in text:
        return "signature"
    if "registration not found" in text or "client id" in text or "aud" in text:
        return "audience"
    if "nonce" in text:
        return "nonce"
    if "deployment" in text:
        return "deployment"
    return "invalid"


def _error(request: HttpRequest, code: str, *, status: int = 400, new_tab_url: str = "") -> HttpResponse:
    title, text = ERRORS.get(code, ERRORS["invalid"])
    request.lti_frame_only = registered_frame_origins()
    context = {"title": title, "text": text, "code": code, "new_tab_url": new_tab_url}
    return render(request, "lti/error.html", context, status=status)


# ---------------------------------------------------------------- the tool's keys


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public keys (JWKS): platforms verify Keystone's service requests and deep links with it."""
    if not Key.objects.active().exists():
        tool_key_ensure()
    return JsonResponse(Key.objects.as_jwks())


# ---------------------------------------------------------------- OIDC login initiation and launch


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request: HttpRequest, registration_uuid=None) -> HttpResponse:
    """Third-party initiated login: answer the platform with a redirect to its auth URL (state + nonce)."""
    params = request.POST if request.method == "POST" else request.GET
    if not params.get("iss") or not params.get("login_hint") or not params.get("target_link_uri"):
        return _error(request, "invalid")
    tool_conf = DjangoToolConfig(str(registration_uuid) if registration_uuid else None)
    oidc = DjangoOIDCLogin(request, tool_conf, launch_data_storage=DjangoCacheDataStorage())
    launch_url = request.build_absolute_uri(reverse("lti:launch"))
    try:
        response = oidc.disable_check_cookies().redirect(launch_url)
    except (LtiException, OIDCException) as exc:
        log.info("LTI login refused: %s", exc)
        return _error(request, "audience")
    state = parse_qs(urlsplit(response.get("Location", "")).query).get("state", [""])[0]
    if state:
        # Kept briefly so a launch whose state cookie the frame lost can offer "open in a new tab".
        cache.set(f"lti-login:{state}", {k: params.get(k) for k in params}, LOGIN_PARAMS_TTL)
    return response


@csrf_exempt
@xframe_options_exempt
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """The launch: id_token validated by pylti1p3, then Keystone signs the person in and places them."""
    try:
        lti_launch = get_launch_from_request(request)
    except LtiException as exc:
        code = _classify(exc)
        log.info("LTI launch refused (%s): %s", code, exc)
        new_tab_url = ""
        if code == "state":
            login_params = cache.get(f"lti-login:{request.POST.get('state', '')}")
            if login_params:
                new_tab_url = f"{reverse('lti:login')}?{urlencode(login_params)}"
        return _error(request, code, new_tab_url=new_tab_url)
    data = lti_launch.get_launch_data()
    try:
        nonce_consume(issuer=data["iss"], nonce=data["nonce"])
    except LaunchRefused as exc:
        return _error(request, exc.code)
    if not lti_launch.deployment.is_active:
        return _error(request, "deployment", status=403)
    sync_data_from_launch(lti_launch)
    registration = lti_launch.registration
    roles = lti_launch.roles_claim or []
    try:
        outcome = account_for_launch(lti_user=lti_launch.user)
    except LaunchRefused as exc:
        return _error(request, exc.code, status=403)
    if outcome.user is None:
        request.lti_frame_only = frame_origins(registration)
        link_url = request.build_absolute_uri(reverse("lti:link", args=[outcome.link_token]))
        return render(request, "lti/link_needed.html", {"link_url": link_url, "email": lti_launch.user.email})
    user = outcome.user
    course = None
    if lti_launch.context_claim is not None:
        course = course_cohort_for_launch(user=user, context=lti_launch.context, roles=roles)
        if course is not None:
            place_in_cohort(user=user, course=course, roles=roles)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    origins = frame_origins(registration)
    request.session[SESSION_FRAME] = {"origins": origins, "registration": registration.pk}
    request.session[SESSION_KEY] = lti_launch.get_launch_id()
    request.session[SESSION_MFA_BY_PLATFORM] = True
    request.lti_frame_origins = origins
    launch_recorded(user=user, course=course)
    if lti_launch.is_deep_link_launch:
        if course is None or not permissions.can_deep_link(user, course.cohort_id):
            return _error(request, "instructors_only", status=403)
        return redirect("lti:deep-link")
    if course is None:
        return render(request, "lti/not_linked.html", {"context": lti_launch.context_claim or {}})
    return redirect(targets.url_for(lti_launch.get_custom_claim(targets.CUSTOM_KEY), course.cohort))


def _session_launch(request: HttpRequest):
    launch_id = request.session.get(SESSION_KEY)
    if not launch_id:
        return None
    try:
        return get_launch_from_request(request, launch_id)
    except LtiException:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def deep_link(request: HttpRequest) -> HttpResponse:
    """The instructor picks what to place in the course; the signed answer goes back to the LMS."""
    lti_launch = _session_launch(request)
    if lti_launch is None or not lti_launch.is_deep_link_launch:
        return _error(request, "nonce")
    course = CourseCohort.objects.select_related("cohort").filter(context=lti_launch.context).first()
    if course is None or not permissions.can_deep_link(request.user, course.cohort_id):
        return _error(request, "instructors_only", status=403)
    groups = targets.choices_for(course.cohort)
    error = ""
    if request.method == "POST":
        chosen = [t for key in request.POST.getlist("target") if (t := targets.find(course.cohort, key))]
        if not chosen:
            error = "Choose at least one thing to place in the course."
        else:
            launch_url = request.build_absolute_uri(reverse("lti:launch"))
            resources = [
                DeepLinkResource()
                .set_url(launch_url)
                .set_title(target.title)
                .set_custom_params({targets.CUSTOM_KEY: target.key})
                for target in chosen
            ]
            deep_link_obj = lti_launch.get_message_launch().get_deep_link()
            context = {
                "return_url": deep_link_obj._deep_link_settings["deep_link_return_url"],
                "jwt": deep_link_obj.get_response_jwt(resources),
                "chosen": chosen,
            }
            response = render(request, "lti/deep_link_return.html", context)
            # The page's only form posts the signed answer to the LMS: allow that one origin (form-action).
            parts = urlsplit(context["return_url"])
            response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
            return response
    return render(
        request,
        "lti/deep_link.html",
        {"groups": groups, "course": course, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    """Link an LMS account to the Keystone account signed in here (the person proves both)."""
    if request.method == "POST":
        try:
            lti_user = account_link(actor=request.user, token=token)
        except PermissionDenied as exc:
            return render(request, "lti/link.html", {"error": str(exc)}, status=403)
        return render(request, "lti/link.html", {"done": True, "platform": lti_user.registration.name})
    return render(request, "lti/link.html", {"token": token})


# ---------------------------------------------------------------- admin: platforms and keys


def _require(check: bool) -> None:
    if not check:
        raise PermissionDenied


@login_required
def platform_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_manage_platforms(request.user))
    context = {
        "platforms": selectors.platforms(),
        "keys": selectors.tool_keys(),
        "unlinked": selectors.unlinked_contexts()[:50],
        "tool_urls": _tool_urls(request),
    }
    return render(request, "lti/platform_list.html", context)


def _tool_urls(request: HttpRequest) -> dict[str, str]:
    return {
        "login": request.build_absolute_uri(reverse("lti:login")),
        "launch": request.build_absolute_uri(reverse("lti:launch")),
        "jwks": request.build_absolute_uri(reverse("lti:jwks")),
        "deep_link": request.build_absolute_uri(reverse("lti:launch")),
    }


@login_required
@require_http_methods(["GET", "POST"])
def platform_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require(permissions.can_manage_platforms(request.user))
    registration = get_object_or_404(LtiRegistration, pk=pk) if pk else None
    initial = {}
    if registration is not None:
        policy = getattr(registration, "keystone_policy", None)
        initial = {
            "name": registration.name,
            "issuer": registration.issuer,
            "client_id": registration.client_id,
            "audience": registration.audience,
            "auth_url": registration.auth_url,
            "token_url": registration.token_url,
            "keyset_url": registration.keyset_url,
            "deployment_ids": "\n".join(
                registration.deployments.filter(is_active=True).values_list("deployment_id", flat=True)
            ),
            "verifies_email": policy.verifies_email if policy else False,
            "frame_origins": policy.frame_origins if policy else "",
        }
    form = PlatformForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reg = platform_register(actor=request.user, registration=registration, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Saved the platform “{reg.name}”.")
            return redirect("lti:platforms")
    return render(
        request,
        "lti/platform_form.html",
        {"form": form, "registration": registration, "tool_urls": _tool_urls(request)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def keys_rotate(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_manage_platforms(request.user))
    key = tool_keys_rotate(actor=request.user)
    messages.success(request, f"A new signing key ({key}) is in use; older keys leave the JWKS after a grace period.")
    return redirect("lti:platforms")


# ---------------------------------------------------------------- courses: link, roster, gradebook


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    courses = selectors.courses_for(request.user)
    can_link = permissions.can_link_courses(request.user)
    if not can_link and not courses:
        raise PermissionDenied
    return render(
        request,
        "lti/course_list.html",
        {"courses": courses, "unlinked": selectors.unlinked_contexts()[:50] if can_link else [], "can_link": can_link},
    )


@login_required
@require_http_methods(["GET", "POST"])
def context_link(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin links an LMS course to an existing cohort (before or instead of the first instructor launch)."""
    _require(permissions.can_link_courses(request.user))
    context = get_object_or_404(LtiContext.objects.select_related("deployment__registration"), pk=pk)
    form = CourseLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from .services.courses import course_link

        course_link(actor=request.user, context=context, cohort=form.cleaned_data["cohort"])
        messages.success(request, f"“{context}” is now the cohort {form.cleaned_data['cohort']}.")
        return redirect("lti:courses")
    return render(
        request, "lti/context_link.html", {"form": form, "context": context}, status=400 if form.errors else 200
    )


def _course(request: HttpRequest, pk: int) -> CourseCohort:
    course = CourseCohort.objects.select_related("cohort", "context__deployment__registration").filter(pk=pk).first()
    if course is None:
        raise Http404
    _require(permissions.can_manage_course(request.user, course))
    return course


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    context = {
        "course": course,
        "roster": selectors.roster(course),
        "columns": selectors.stage_columns(course),
        "can_sync": bool(course.context.memberships_url),
        "can_publish": bool(course.context.lineitems_url and course.context.can_manage_lineitems),
    }
    return render(request, "lti/course_detail.html", context)


@login_required
@require_POST
def course_roster_sync(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    try:
        result = roster.roster_sync(actor=request.user, course=course)
    except (LtiException, OSError) as exc:
        log.warning("Roster sync failed for course %s: %s", course.pk, exc)
        messages.error(request, "The LMS did not answer the roster request. Nothing was changed; try again later.")
        return redirect("lti:course", pk=course.pk)
    parts = [f"{result.seen} people on the LMS roster", f"{len(result.invited)} invited"]
    if result.left:
        parts.append(f"{len(result.left)} marked as left")
    if result.returned:
        parts.append(f"{len(result.returned)} back")
    if result.without_email:
        parts.append(f"{result.without_email} without an e-mail address (they join on their first launch)")
    messages.success(request, "Roster synced: " + ", ".join(parts) + ".")
    return redirect("lti:course", pk=course.pk)


@login_required
@require_POST
def course_publish_goals(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    try:
        columns = grades.ladder_publish(actor=request.user, course=course)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except (LtiException, OSError) as exc:
        log.warning("Publishing goals failed for course %s: %s", course.pk, exc)
        messages.error(request, "The LMS did not accept the gradebook columns. Nothing was changed; try again later.")
    else:
        messages.success(request, f"{len(columns)} goal stages are columns in the LMS gradebook; scores follow.")
    return redirect("lti:course", pk=course.pk)
