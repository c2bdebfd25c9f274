"""Notification pages: the bell's partials, the list, opening one, preferences and unsubscribing."""

from __future__ import annotations

import calendar
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.notifications import Event, permissions
from portal.notifications import selectors as sel
from portal.notifications import services as svc
from portal.notifications.email import read_unsubscribe_token
from portal.notifications.models import Delivery
from portal.people.models import User


def _local(url: str, request: HttpRequest) -> bool:
    """Only paths on this site: never an absolute URL, another host, or a scheme-relative ``//host``."""
    return bool(url) and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=set())


def _signed_in_or_quiet(view):
    """Like ``login_required``, but an htmx poll from a signed-out page gets 204 (nothing swapped)
    instead of the sign-in page pasted into the header; a plain request is sent to sign in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated and request.htmx:
            return HttpResponse(status=204)
        return login_required(view)(request, *args, **kwargs)

    return wrapper


def _bell(request: HttpRequest, counted: sel.BellSummary | None = None) -> sel.BellSummary:
    """A fresh count (the bell's own requests and these pages), remembered for the header; ``counted``: one the
    page's selector counted with its own rows."""
    if counted is None:
        return sel.bell_summary_refresh(request.user, request.session.session_key)
    return sel.bell_remember(request.user, request.session.session_key, counted)


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if _local(target, request) else reverse("notifications:list")


@_signed_in_or_quiet
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The unread count, polled by htmx every 60 seconds."""
    return render(request, "portal/notifications/partials/count.html", {"bell": _bell(request)})


@_signed_in_or_quiet
@require_GET
def dropdown(request: HttpRequest) -> HttpResponse:
    """The latest notifications, loaded into the bell's panel when it opens."""
    notifications, bell = sel.latest_with_bell(request.user)
    return render(
        request,
        "portal/notifications/partials/dropdown.html",
        {"notifications": notifications, "bell": _bell(request, bell)},
    )


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "all")
    show = show if show in ("all", "unread") else "all"
    event = request.GET.get("event", "")
    event = event if event in Event.values else ""
    page, bell = sel.notification_page_with_bell(request.user, show=show, event=event, page=request.GET.get("page", 1))
    return render(
        request,
        "portal/notifications/list.html",
        {
            "page_obj": page,
            "notifications": page.object_list,
            "show": show,
            "event": event,
            "bell": _bell(request, bell),
        },
    )


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to what it is about (a path on this site only)."""
    notification = sel.notification_for(request.user, pk)
    if notification is None:
        raise Http404("No such notification.")
    svc.notification_open(user=request.user, notification=notification)
    _bell(request)  # the page we land on shows the count without this one
    if not permissions.can_follow(request.user, notification) or not _local(notification.url, request):
        return render(request, "portal/notifications/unavailable.html", {"notification": notification}, status=404)
    return redirect(notification.url)


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = sel.notification_for(request.user, pk)
    if notification is None:
        raise Http404("No such notification.")
    svc.notification_mark_read(user=request.user, notification=notification)
    bell = _bell(request)
    if request.htmx:
        visible = permissions.can_follow(request.user, notification)
        return render(
            request,
            "portal/notifications/partials/item_swap.html",
            {"n": notification, "visible": visible, "bell": bell},
        )
    return redirect(_back(request))


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = svc.notifications_mark_all_read(user=request.user)
    if request.htmx:
        notifications, bell = sel.latest_with_bell(request.user)
        return render(
            request,
            "portal/notifications/partials/dropdown.html",
            {"notifications": notifications, "bell": _bell(request, bell)},
        )
    _bell(request)
    if marked:
        messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} as read.")
    return redirect(_back(request))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    sections = sel.preference_sections(request.user)
    valid = {d.value for d in Delivery}
    errors: dict[str, str] = {}
    form_error = ""
    if request.method == "POST":
        choices = {}
        for section in sections:
            for row in section["rows"]:
                value = request.POST.get(f"delivery-{row['event']}", row["delivery"])
                if value not in valid:
                    errors[row["event"]] = "Choose one of the options."
                else:
                    choices[row["event"]] = value
                row["delivery"] = value
        if not errors:
            try:
                changed = svc.notification_preferences_update(user=request.user, choices=choices)
            except ValidationError as exc:
                form_error = " ".join(exc.messages)
            else:
                messages.success(
                    request, "Your notification settings are saved." if changed else "Nothing changed: all as before."
                )
                return redirect("notifications:preferences")
    return render(
        request,
        "portal/notifications/preferences.html",
        {
            "sections": sections,
            "deliveries": Delivery.choices,
            "errors": errors,
            "form_error": form_error,
            "undeliverable": sel.is_undeliverable(request.user.email),
            "digest_time": f"{settings.NOTIFICATION_DIGEST_HOUR:02d}:00",
            "weekly_day": calendar.day_name[settings.NOTIFICATION_WEEKLY_DIGEST_DAY],
            "bell": _bell(request),
        },
        status=400 if errors or form_error else 200,
    )


@csrf_exempt  # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" with no cookie or token.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe, without signing in: GET asks to confirm, POST applies.

    The signed token (per person and event type or digest) is the authority, so the POST needs no
    CSRF token: a forged POST could only do what the link's owner can already do with one click.
    """
    try:
        user_id, scope = read_unsubscribe_token(token)
        person = User.objects.get(pk=user_id, is_active=True)
    except (signing.BadSignature, User.DoesNotExist):
        return render(request, "portal/notifications/unsubscribe.html", {"invalid": True}, status=400)
    label = svc.unsubscribe_scope_label(scope)
    context = {"label": label, "email": _masked(person.email)}
    if request.method == "GET":
        return render(request, "portal/notifications/unsubscribe.html", context)
    try:
        svc.notification_unsubscribe(user=person, scope=scope)
    except ValidationError:
        return render(request, "portal/notifications/unsubscribe.html", {"invalid": True}, status=400)
    return render(request, "portal/notifications/unsubscribe.html", {**context, "done": True})


def _masked(email: str) -> str:
    """Enough of the address to recognise it, not enough to harvest it from a forwarded link."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}{'•' * max(len(local) - 1, 2)}@{domain}"
