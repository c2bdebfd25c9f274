"""Celery jobs of the learning stack. Beat runs xapi_push every XAPI_PUSH_MINUTES (see portal/celery.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="lms.tasks.xapi_push", ignore_result=True)
def xapi_push(force: bool = False) -> dict:
    """Send the activity log beyond the cursor to the LRS. Idempotent; does nothing when xAPI is off."""
    from .xapi.services import xapi_push as push

    report = push(force=force)
    return {"sent": report.sent, "rejected": report.rejected, "batches": report.batches, "error": report.error}
