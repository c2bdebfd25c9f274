"""Liveness and readiness: the database, the cache and the broker must all answer."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    # The cache degrades to a per-process copy while Redis is down (portal.cache): ask Redis itself.
    ping = getattr(cache, "ping", None)
    if ping is not None and not ping():
        raise ConnectionError("Redis does not answer (pages use the per-process cache meanwhile)")
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return the value just stored")
    cache.delete(key)


def _check_broker() -> None:
    from portal import outbox_send

    if outbox_send.redis_broker(settings.CELERY_BROKER_URL):
        # The broker a web process hands jobs to, asked the same way (a probe every few seconds must not load
        # Celery into every web worker: issue 13).
        outbox_send.ping(settings.CELERY_BROKER_URL)
        return
    from portal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
            conn.default_channel  # noqa: B018  (opens a channel: proves the broker answers)


def _check_outbox() -> None:
    """Jobs written but not handed to the broker for minutes: the broker or the sweeper is not working."""
    from datetime import timedelta

    from django.utils import timezone

    from portal.outbox import OutboxJob

    waiting = OutboxJob.objects.filter(
        done_at__isnull=True, sent_at__isnull=True, created_at__lt=timezone.now() - timedelta(minutes=5)
    ).count()
    if waiting:
        raise RuntimeError(f"{waiting} jobs waiting")


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker, "outbox": _check_outbox}


@never_cache
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # a health check reports every failure, whatever its kind
            results[name] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in results.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)
