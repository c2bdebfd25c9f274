"""Small helpers the forum views share: loading what a person may see, turning service errors into form errors."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import permissions
from ..models import Post


def visible_post(user, pk: int) -> Post:
    """The post with ``pk`` if its topic is visible to ``user`` (404 otherwise), with topic and board."""
    post = get_object_or_404(Post.objects.select_related("topic__board__cohort", "author__profile"), pk=pk)
    if not permissions.can_view_topic(user, post.topic):
        raise Http404("No such post.")
    return post


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where it names one, else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def page_param(request) -> str:
    return request.GET.get("page", "1")
