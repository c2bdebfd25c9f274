"""The admin's xAPI page: is it on, where does the stream stand, what went wrong last; "Send now"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import permissions
from ..xapi.selectors import xapi_status
from ..xapi.services import xapi_enabled


def _require_admin(request: HttpRequest) -> None:
    if not permissions.can_manage_xapi(request.user):
        raise PermissionDenied("Only a site admin may see the xAPI delivery.")


@login_required
def xapi_page(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return render(request, "lms/xapi_status.html", {"status": xapi_status()})


@login_required
@require_POST
def xapi_send_now(request: HttpRequest) -> HttpResponse:
    """Queue a push that ignores the back-off (the job itself runs on the worker, never in this request)."""
    _require_admin(request)
    if not xapi_enabled():
        messages.error(request, "xAPI is off: set XAPI_ENDPOINT, XAPI_KEY and XAPI_SECRET to turn it on.")
        return redirect("lms:xapi")
    from portal.jobs import task_send

    try:
        task_send("lms.tasks.xapi_push", kwargs={"force": True})  # by name: no Celery in the web process
    except Exception:  # a broker outage must not fail the page; beat tries again within a minute
        messages.warning(request, "The job queue is unreachable right now; the scheduled run will send instead.")
    else:
        messages.success(request, "Sending now. Refresh this page in a moment to see the new cursor.")
    return redirect("lms:xapi")
