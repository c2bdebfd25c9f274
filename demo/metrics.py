"""Demo dashboards: roll up the seeded history with the real rollup (it runs last in SEED_APPS)."""

from __future__ import annotations

from metrics.rollup import ROLLUP_MODELS, rollup_run


def seed(org) -> None:
    """Recompute every rollup table from the seeded activity, exactly as `manage.py rollup --rebuild` does.

    Idempotent: a rebuild replaces the tables, so seeding twice gives the same dashboards.
    """
    rollup_run(rebuild=True)


def reset() -> None:
    """Forget the rollups of a demo about to be wiped (the next seed rebuilds them)."""
    for model in ROLLUP_MODELS:
        model.objects.all().delete()
