"""Calendar feeds behind the person's feed token, and one session as an .ics download."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from blogs.feeds import token_owner  # the one per-person secret for every private feed address
from portal.people.models import CohortSession

from .. import permissions
from ..calendars.ics import build_calendar
from ..calendars.selectors import person_calendar, session_event


def _ics(body: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's calendar: no session needed, the token in the address says whose (404 once reset)."""
    try:
        owner = token_owner(token).user
    except ObjectDoesNotExist as exc:
        raise Http404("Unknown or reset calendar address.") from exc
    body = build_calendar(
        person_calendar(owner),
        name=f"{settings.SITE_NAME} · {owner.display_name}",
        base_url=request.build_absolute_uri("/"),
    )
    return _ics(body, "keystone.ics", attachment=False)


@login_required
@require_GET
def session_ics(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(CohortSession.objects.select_related("cohort"), pk=pk)
    if not permissions.can_download_session(request.user, session):
        raise PermissionDenied
    body = build_calendar(
        [session_event(session)],
        name=f"{session.cohort.name}: {session.title}",
        base_url=request.build_absolute_uri("/"),
    )
    return _ics(body, f"{session.cohort.slug}-session-{session.number}.ics", attachment=True)
