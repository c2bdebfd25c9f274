"""Small helpers shared by the onboarding tests."""

from django.db import transaction

import metrics


def record(actor, verb, **kwargs):
    """Write one activity as an app's service would (inside a transaction)."""
    with transaction.atomic():
        return metrics.record(actor=actor, verb=verb, **kwargs)


def ensure_defaults():
    """Put back the shipped onboarding content (policy 1.0, lessons, surveys, ladder, coach lists).

    Tests with ``transaction=True`` run after others have flushed the database, which removes what the
    data migration installed; installing again is idempotent.
    """
    from django.apps import apps

    from onboarding.defaults import install

    install(apps)
