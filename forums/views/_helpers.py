"""Small helpers the forum views share: loading what a person may see, turning service errors into form errors."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from portal.formtools import add_service_errors  # noqa: F401  (re-exported for the forum views)

from .. import permissions
from ..models import Post


def visible_post(user, pk: int) -> Post:
    """The post with ``pk`` if its topic is visible to ``user`` (404 otherwise), with topic and board."""
    post = get_object_or_404(Post.objects.select_related("topic__board__cohort", "author__profile"), pk=pk)
    if not permissions.can_view_topic(user, post.topic):
        raise Http404("No such post.")
    return post


def page_param(request) -> str:
    return request.GET.get("page", "1")


def plain_user(request):
    """``request.user`` itself rather than its lazy wrapper: every attribute read through the wrapper costs a
    call, and the topic page's permission checks read the user a few thousand times (issue 13)."""
    user = request.user
    user.pk  # noqa: B018 (loads the wrapped user)
    return getattr(user, "_wrapped", user)
