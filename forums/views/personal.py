"""Polls, bookmarks ("Saved"), mutes and "My drafts" (issue 17). Works without JavaScript; htmx swaps parts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from portal.people.models import User

from .. import services
from ..models import Poll
from ..personal import saveable
from ..selectors.personal import my_drafts, saved_items, user_mutes
from ..selectors.polls import topic_poll
from ..selectors.posts import visible_topic


def _back(request, fallback: str) -> str:
    target = request.POST.get("next") or request.headers.get("referer") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@login_required
@require_POST
def poll_vote(request, pk: int):
    topic = visible_topic(request.user, pk)
    poll = Poll.objects.filter(topic=topic).first()
    if poll is None:
        raise Http404("This topic has no poll.")
    poll.topic = topic
    error = ""
    try:
        option_ids = [int(value) for value in request.POST.getlist("option")]
    except ValueError:
        option_ids = []
    try:
        services.poll_vote(actor=request.user, poll=poll, option_ids=option_ids)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    view = topic_poll(request.user, topic)
    if request.htmx:
        return render(
            request, "forums/partials/poll.html", {"poll_view": view, "topic": topic, "poll_error": error}, status=200
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Your vote is in.")
    return redirect(f"{topic.get_absolute_url()}#poll")


@login_required
@require_POST
def bookmark(request, key: str, pk: int):
    kind = saveable(key)
    if kind is None:
        raise Http404("Nothing of that kind can be saved.")
    target = kind.queryset(kind.model._default_manager.filter(pk=pk)).first()
    if target is None or not kind.visible(request.user, target):
        raise Http404("No such item.")
    saved = services.bookmark_set(actor=request.user, target=target, saved=request.POST.get("saved") == "1")
    if request.htmx:
        return render(request, "forums/partials/save_button.html", {"save_key": key, "save_pk": pk, "saved": saved})
    messages.success(request, "Saved for later." if saved else "Removed from your saved items.")
    return redirect(_back(request, target.get_absolute_url()))


@login_required
@require_GET
def saved(request):
    return render(request, "forums/saved.html", {"items": saved_items(request.user)})


@login_required
@require_GET
def drafts(request):
    return render(request, "forums/my_drafts.html", {"items": my_drafts(request.user)})


@login_required
@require_POST
def topic_mute(request, pk: int):
    topic = visible_topic(request.user, pk)
    muted = services.mute_topic_set(actor=request.user, topic=topic, muted=request.POST.get("muted") == "1")
    if muted:
        messages.success(request, "Topic muted: you will get no notifications from it, and lists show it collapsed.")
    else:
        messages.success(request, "Topic unmuted.")
    return redirect(_back(request, topic.get_absolute_url()))


@login_required
@require_POST
def person_mute(request, user_id: int):
    person = get_object_or_404(User, pk=user_id, is_active=True)
    try:
        muted = services.mute_person_set(actor=request.user, person=person, muted=request.POST.get("muted") == "1")
    except PermissionDenied:
        messages.error(request, "You cannot mute yourself.")
        return redirect(_back(request, "/"))
    if muted:
        messages.success(request, f"{person.display_name} is muted: no notifications from them; their posts collapse.")
    else:
        messages.success(request, f"{person.display_name} is unmuted.")
    return redirect(_back(request, "/"))


@login_required
@require_GET
def mutes(request):
    """What this person muted, with a way to undo each."""
    from ..models import Mute

    rows = Mute.objects.filter(user=request.user).select_related("topic", "person__profile").order_by("-created_at")
    return render(request, "forums/mutes.html", {"mutes": rows, "mute_ids": user_mutes(request.user)})
