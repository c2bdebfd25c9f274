"""Small helpers shared by the blog views."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def paginate(request: HttpRequest, qs, per_page: int | None = None) -> Page:
    return Paginator(qs, per_page or settings.BLOGS_PAGE_SIZE).get_page(request.GET.get("page"))


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go back to after a POST without JavaScript: ``next`` if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return fallback
