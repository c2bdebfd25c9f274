"""Sending the activity log to the LRS: the beat job's work, one batch at a time from the cursor."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import XapiCursor, XapiGap
from . import client
from .source import LoggedActivity, read_activities
from .statements import build_statement

log = logging.getLogger(__name__)
CURSOR = "lrs"


def xapi_enabled() -> bool:
    return bool(settings.XAPI_ENDPOINT)


def cursor_get() -> XapiCursor:
    cursor, _ = XapiCursor.objects.get_or_create(name=CURSOR)
    return cursor


@dataclass
class PushReport:
    ran: bool = False
    batches: int = 0
    sent: int = 0  # statements the LRS confirmed in this run
    rejected: int = 0
    skipped: int = 0  # activities with no statement (verbs not expressed in xAPI)
    error: str = ""


def _lease(now: datetime) -> bool:
    """Take the stream for this run, unless another run holds it (a conditional UPDATE: one winner)."""
    cursor_get()
    until = now + timedelta(seconds=settings.XAPI_TIMEOUT * 2 * settings.XAPI_MAX_BATCHES_PER_RUN + 60)
    return bool(
        XapiCursor.objects.filter(name=CURSOR)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(lease_until=until)
    )


MAX_GAP_IDS_PER_HOLE = 1000


def _gaps_between(previous: int, rows: list[LoggedActivity], now: datetime) -> list[int]:
    """Ids skipped between the cursor and these rows that may still commit.

    Only holes just before a recent row count (XAPI_GAP_SECONDS): an id missing among old rows was
    rolled back or deleted long ago (a removed account takes its activities along) and never comes.
    """
    recent = now - timedelta(seconds=settings.XAPI_GAP_SECONDS)
    gaps: list[int] = []
    before = previous
    for row in rows:
        if row.id > before + 1 and row.created_at >= recent:
            gaps.extend(range(max(before + 1, row.id - MAX_GAP_IDS_PER_HOLE), row.id))
        before = row.id
    return gaps


def _deliver(rows: list[LoggedActivity], report: PushReport) -> list[str]:
    """Send the statements of these rows. Returns the refusals (empty when all were accepted)."""
    statements = []
    for row in rows:
        statement = build_statement(row)
        if statement is None:
            report.skipped += 1
        else:
            statements.append((row.id, statement))
    if not statements:
        return []
    outcome = client.send_batch([s for _, s in statements])
    report.sent += len(outcome.accepted)
    report.rejected += len(outcome.rejected)
    return [
        f"activity #{activity_id}: {outcome.rejected[s['id']]}"
        for activity_id, s in statements
        if s["id"] in outcome.rejected
    ]


def xapi_push(*, now: datetime | None = None, force: bool = False) -> PushReport:
    """Send every activity beyond the cursor (and gaps that appeared) to the LRS, in batches.

    Guarantees: the cursor moves past a batch only after the LRS confirmed every statement in it, in
    the same transaction that records the result, so an outage loses nothing; statement ids are
    derived from the activity, so a batch sent again after a crash is stored once. A failure backs off
    exponentially (XAPI_BACKOFF_BASE_SECONDS doubling up to XAPI_BACKOFF_MAX_SECONDS) and the next run
    resumes from the same cursor; ``force`` (the admin's "Send now") ignores the back-off. Two
    overlapping runs never send at once (a lease on the cursor row). Off unless XAPI_ENDPOINT is set.
    """
    now = now or timezone.now()
    report = PushReport()
    if not xapi_enabled():
        return report
    cursor = cursor_get()
    if not force and cursor.next_attempt_at and cursor.next_attempt_at > now:
        return report
    if not _lease(now):
        return report
    report.ran = True
    try:
        _push_gaps(now, report)
        for _ in range(settings.XAPI_MAX_BATCHES_PER_RUN):
            cursor.refresh_from_db()
            rows = read_activities(after_id=cursor.last_activity_id, limit=settings.XAPI_BATCH_SIZE)
            if not rows:
                break
            refusals = _deliver(rows, report)
            report.batches += 1
            with transaction.atomic():
                gaps = _gaps_between(cursor.last_activity_id, rows, now)
                XapiGap.objects.bulk_create(
                    [XapiGap(activity_id=i, noticed_at=now) for i in gaps], ignore_conflicts=True
                )
                changes = {"last_activity_id": rows[-1].id, "last_success_at": timezone.now()}
                if refusals:
                    changes.update(last_error="; ".join(refusals)[:4000], last_error_at=timezone.now())
                XapiCursor.objects.filter(name=CURSOR).update(**changes)
            if len(rows) < settings.XAPI_BATCH_SIZE:
                break
    except client.LrsUnavailable as exc:
        report.error = str(exc)
        _failed(now, report.error)
        log.warning("xAPI: the LRS did not take the batch (%s); retrying later", report.error)
    except Exception as exc:
        # A fault on our side (database, a statement that cannot be built): shown on the admin page and
        # retried with the same back-off; the cursor has not moved past anything unsent.
        report.error = f"{type(exc).__name__}: {exc}"
        _failed(now, report.error)
        log.exception("xAPI: the push failed; retrying later")
    else:
        XapiCursor.objects.filter(name=CURSOR).update(consecutive_failures=0, next_attempt_at=None)
    finally:
        _settle(now, report)
    return report


def _push_gaps(now: datetime, report: PushReport) -> None:
    """Send gap activities that have appeared since; forget gaps older than XAPI_GAP_SECONDS."""
    XapiGap.objects.filter(noticed_at__lt=now - timedelta(seconds=settings.XAPI_GAP_SECONDS)).delete()
    # Newest first: a late commit is most likely just behind the cursor, and with more than 1,000 gaps
    # (ids that rolled back never commit) an arbitrary 1,000 could leave the real one waiting an hour.
    gap_ids = list(XapiGap.objects.order_by("-activity_id").values_list("activity_id", flat=True)[:1000])
    if not gap_ids:
        return
    rows = read_activities(ids=gap_ids)
    if not rows:
        return
    refusals = _deliver(rows, report)
    with transaction.atomic():
        XapiGap.objects.filter(activity_id__in=[r.id for r in rows]).delete()
        if refusals:
            XapiCursor.objects.filter(name=CURSOR).update(
                last_error="; ".join(refusals)[:4000], last_error_at=timezone.now()
            )


def _failed(now: datetime, error: str) -> None:
    cursor = cursor_get()
    failures = cursor.consecutive_failures + 1
    delay = min(settings.XAPI_BACKOFF_BASE_SECONDS * 2 ** (failures - 1), settings.XAPI_BACKOFF_MAX_SECONDS)
    XapiCursor.objects.filter(name=CURSOR).update(
        consecutive_failures=failures,
        next_attempt_at=now + timedelta(seconds=delay),
        last_error=error[:4000],
        last_error_at=timezone.now(),
    )


def _settle(now: datetime, report: PushReport) -> None:
    from django.db.models import F

    XapiCursor.objects.filter(name=CURSOR).update(
        lease_until=None,
        last_run_at=now,
        sent_total=F("sent_total") + report.sent,
        rejected_total=F("rejected_total") + report.rejected,
    )
