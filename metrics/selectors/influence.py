"""Influence, for "who to follow": expressions over an outer User queryset, read from the activity log.

Part of metrics' public API (like ``record``): the portal annotates people with these, so the whole
suggestion list is one query. Both look back ``days`` only, so their cost follows recent activity, not
history, and both ignore what a person did to their own threads.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Activity
from ..verbs import Verb

CONTRIBUTIONS = (Verb.TOPIC_CREATED, Verb.POST_CREATED, Verb.ENTRY_PUBLISHED, Verb.COMMENTED)
THREADS = (Verb.TOPIC_CREATED, Verb.ENTRY_PUBLISHED)
RESPONSES = (Verb.POST_CREATED, Verb.COMMENTED)


def _count(qs) -> Coalesce:
    """COUNT(*) of ``qs`` as a scalar subquery (a plain function, so no GROUP BY is added)."""
    rows = qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def recent_contributions(outer: str = "pk", *, days: int = 30) -> Coalesce:
    """How many topics, replies, entries and comments the outer person wrote in the last ``days``."""
    since = timezone.now() - timedelta(days=days)
    return _count(Activity.objects.filter(actor_id=OuterRef(outer), verb__in=CONTRIBUTIONS, created_at__gte=since))


def replies_received(outer: str = "pk", *, days: int = 90) -> Coalesce:
    """How many replies and comments others wrote in the outer person's topics and entries (last ``days``)."""
    since = timezone.now() - timedelta(days=days)
    own_thread = Activity.objects.filter(
        actor_id=OuterRef(OuterRef(outer)),
        verb__in=THREADS,
        target_type_id=OuterRef("context_type_id"),
        target_id=OuterRef("context_id"),
    )
    return _count(
        Activity.objects.filter(verb__in=RESPONSES, created_at__gte=since, context_id__isnull=False)
        .exclude(actor_id=OuterRef(outer))
        .filter(Exists(own_thread))
    )
