"""What the admin's xAPI page shows: configuration (never the secret), cursor, backlog, last error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from ..models import XapiCursor, XapiGap
from .services import CURSOR
from .source import count_activities_after, last_activity_id
from .vocabulary import STATEMENT_VERBS


@dataclass
class XapiStatus:
    enabled: bool
    endpoint: str
    key_set: bool
    actor_identity: str
    cursor: int
    newest_activity: int
    backlog: int  # activities beyond the cursor that will become statements
    gaps: int
    sent_total: int
    rejected_total: int
    consecutive_failures: int
    next_attempt_at: datetime | None
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    running: bool


def xapi_status() -> XapiStatus:
    """Guarantees: a fixed number of queries (four) however long the log or the backlog."""
    cursor = XapiCursor.objects.filter(name=CURSOR).first() or XapiCursor(name=CURSOR)
    return XapiStatus(
        enabled=bool(settings.XAPI_ENDPOINT),
        endpoint=settings.XAPI_ENDPOINT,
        key_set=bool(settings.XAPI_KEY and settings.XAPI_SECRET),
        actor_identity=settings.XAPI_ACTOR_IDENTITY,
        cursor=cursor.last_activity_id,
        newest_activity=last_activity_id(),
        backlog=count_activities_after(after_id=cursor.last_activity_id, verbs=STATEMENT_VERBS),
        gaps=XapiGap.objects.count(),
        sent_total=cursor.sent_total,
        rejected_total=cursor.rejected_total,
        consecutive_failures=cursor.consecutive_failures,
        next_attempt_at=cursor.next_attempt_at,
        last_run_at=cursor.last_run_at,
        last_success_at=cursor.last_success_at,
        last_error=cursor.last_error,
        last_error_at=cursor.last_error_at,
        running=bool(cursor.lease_until),
    )
