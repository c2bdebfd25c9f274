"""Private feed addresses: the per-person secret token, and recording that feeds are used."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

import metrics
from metrics.verbs import Verb
from portal.people.models import User
from portal.people.services.people import primary_cohort

from ..models import FeedToken


def _new_key() -> str:
    return secrets.token_urlsafe(32)


def feed_token_ensure(*, user: User) -> FeedToken:
    """The person's feed token, created the first time they need a feed address. Idempotent."""
    token = FeedToken.objects.filter(user=user).first()
    if token is not None:
        return token
    try:
        with transaction.atomic():
            return FeedToken.objects.create(user=user, key=_new_key())
    except IntegrityError:
        return FeedToken.objects.get(user=user)


def feed_token_regenerate(*, actor: User) -> FeedToken:
    """Replace the person's token: every feed address with the old one stops working at once (404)."""
    with transaction.atomic():
        FeedToken.objects.filter(user=actor).delete()
        token = FeedToken.objects.create(user=actor, key=_new_key())
        metrics.record(actor=actor, verb=Verb.FEED_TOKEN_RESET, target=token, cohort=primary_cohort(actor))
    return token


def feed_use_record(*, token: FeedToken) -> bool:
    """A feed reader fetched the person's aggregated feed: record FEED_USED at most once per day.

    Guarantees: however often a reader polls (and if two polls race), one activity per person per day.
    """
    today = timezone.localdate()
    with transaction.atomic():
        won = (
            FeedToken.objects.filter(pk=token.pk)
            .filter(Q(used_on__isnull=True) | ~Q(used_on=today))
            .update(used_on=today)
        )
        if won:
            metrics.record(
                actor=token.user,
                verb=Verb.FEED_USED,
                target=token,
                cohort=primary_cohort(token.user),
                data={"via": "feed"},
            )
    return bool(won)


def opml_export_record(*, actor: User) -> None:
    """The person downloaded their subscriptions as OPML to take to a feed reader."""
    token = feed_token_ensure(user=actor)
    with transaction.atomic():
        metrics.record(
            actor=actor, verb=Verb.FEED_USED, target=token, cohort=primary_cohort(actor), data={"via": "opml"}
        )
