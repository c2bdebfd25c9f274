"""Small helpers shared by the onboarding tests."""

from django.db import transaction

import metrics


def record(actor, verb, **kwargs):
    """Write one activity as an app's service would (inside a transaction)."""
    with transaction.atomic():
        return metrics.record(actor=actor, verb=verb, **kwargs)
