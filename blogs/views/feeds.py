"""The Feeds page, resetting the private address, the OPML export and the feed endpoints themselves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ..feeds import FEEDS
from ..selectors.feeds import subscriptions
from ..services import feeds as services


@login_required
@require_GET
def feeds_page(request):
    token = services.feed_token_ensure(user=request.user)
    return render(
        request,
        "blogs/feeds.html",
        {"groups": subscriptions(request.user, token.key), "token": token},
    )


@login_required
@require_POST
def feed_token_reset(request):
    services.feed_token_regenerate(actor=request.user)
    messages.success(
        request,
        "Your private feed addresses have changed. Feed readers using the old ones will stop receiving updates: "
        "add the new addresses (or import the OPML file again).",
    )
    return redirect("blogs:feeds")


@login_required
@require_GET
def opml_export(request):
    token = services.feed_token_ensure(user=request.user)
    services.opml_export_record(actor=request.user)
    response = render(
        request,
        "blogs/subscriptions.opml",
        {
            "groups": subscriptions(request.user, token.key),
            "now": timezone.now(),
            "base": request.build_absolute_uri("/")[:-1],
        },
        content_type="text/x-opml; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="keystone-subscriptions.opml"'
    return response


# Feed endpoints: no session needed, the token in the URL says whose view of the content to show.
def personal_feed(request, token: str, fmt: str):
    return FEEDS["personal"][fmt](request, token=token, fmt=fmt)


def org_feed(request, token: str, fmt: str):
    return FEEDS["organisation"][fmt](request, token=token, fmt=fmt)


def author_feed(request, token: str, user_id: int, fmt: str):
    return FEEDS["author"][fmt](request, token=token, user_id=user_id, fmt=fmt)


def tag_feed(request, token: str, slug: str, fmt: str):
    return FEEDS["tag"][fmt](request, token=token, slug=slug, fmt=fmt)


def cohort_feed(request, token: str, cohort_slug: str, fmt: str):
    return FEEDS["cohort"][fmt](request, token=token, cohort_slug=cohort_slug, fmt=fmt)
