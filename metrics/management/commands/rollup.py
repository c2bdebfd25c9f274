"""Bring the metrics rollup tables up to date (what the beat job does), or rebuild them from scratch."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from metrics.rollup import rollup_run


class Command(BaseCommand):
    help = (
        "Roll up new activity into the dashboard tables (incremental, idempotent). "
        "--rebuild recomputes every table from the whole activity log and gives the same rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Recompute every rollup table from scratch.")
        parser.add_argument("--batch-size", type=int, default=None, help="Activities per transaction (incremental).")

    def handle(self, *args, rebuild: bool, batch_size: int | None, **options):
        began = time.monotonic()
        result = rollup_run(rebuild=rebuild, batch_size=batch_size, wait=True)
        took = time.monotonic() - began
        kind = "Rebuilt" if result.rebuilt else "Rolled up"
        self.stdout.write(
            f"{kind} {result.processed} activities over {result.days} days in {result.batches} batch(es), "
            f"{took:.2f} s; watermark #{result.watermark}"
            + (f"; {result.gaps} id(s) not yet committed will be looked for again" if result.gaps else "")
        )
