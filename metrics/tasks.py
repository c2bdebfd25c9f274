"""Metrics jobs: the incremental rollup (beat, every few minutes) and the weekly sponsor summaries."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task


@shared_task(name="metrics.tasks.rollup")
def rollup() -> dict:
    """Roll up new activity. Safe to run at any time and any number of times (idempotent, locked)."""
    from portal.services.jobs import heartbeat_touch

    from .rollup import rollup_run

    result = rollup_run()
    heartbeat_touch(name="metrics-rollup")
    return asdict(result)


@shared_task(name="metrics.tasks.sponsor_summaries_due")
def sponsor_summaries_due() -> list[int]:
    """Hourly: once the summary hour of the week has come, queue last week's summary of every sponsored cohort."""
    from .rollup import rollup_run
    from .summaries import due_summaries

    rollup_run()  # the figures include everything up to now

    due = due_summaries()
    for cohort_id, week_start in due:
        send_sponsor_summary.delay(cohort_id, week_start.isoformat())
    return [cohort_id for cohort_id, _ in due]


@shared_task(
    name="metrics.tasks.send_sponsor_summary",
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_kwargs={"max_retries": 8},
)
def send_sponsor_summary(cohort_id: int, week_start: str) -> bool:
    """Send one cohort's summary for the week starting ``week_start``; exactly once (see summary_send)."""
    from datetime import date

    from .summaries import summary_send

    return summary_send(cohort_id=cohort_id, week_start=date.fromisoformat(week_start))
