"""One search across boards, blogs and people (the header's search box)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..search import providers, search_everything


@login_required
def search(request: HttpRequest) -> HttpResponse:
    kinds = {p.key: p.label for p in providers()}
    only = request.GET.get("in", "")
    only = only if only in kinds else ""
    results = search_everything(request.user, request.GET.get("q"), only=only)
    return render(request, "portal/search.html", {"results": results, "kinds": kinds, "only": only})
