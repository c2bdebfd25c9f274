"""The people group of the one search: name, job title and department, every word must match."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from portal.people import permissions
from portal.people.selectors.people import people_for_viewer

from . import Hit


def search_people(user, query: str, terms: list[str], *, limit: int) -> list[Hit]:
    """Active people the viewer may look up (one query), best match (name) first, then by name."""
    if not permissions.can_view_people(user):
        return []
    qs = people_for_viewer(user)
    for term in terms:
        qs = qs.filter(
            Q(profile__display_name__icontains=term)
            | Q(profile__job_title__icontains=term)
            | Q(profile__department__icontains=term)
        )
    hits = []
    for person in qs[:limit]:
        profile = person.profile
        meta = " · ".join(x for x in (profile.job_title, profile.department) if x)
        hits.append(Hit(title=profile.display_name, url=reverse("people:profile", args=[person.pk]), meta=meta))
    return hits
