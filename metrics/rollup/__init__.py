"""Activity → rollup tables. ``rollup_run()`` is the only entry point (beat task, command, demo)."""

from .engine import ROLLUP_MODELS, RollupResult, rollup_run

__all__ = ["ROLLUP_MODELS", "RollupResult", "rollup_run"]
