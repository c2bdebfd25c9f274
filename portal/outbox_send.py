"""The web process's broker client: one outbox job as a Celery message, pushed to Redis with redis-py.

Why: Celery, kombu, billiard, click and their friends were ≈ 10 MB of every gunicorn worker's memory
(issue 13), loaded only to hand over a row of ``portal_outboxjob`` after a commit. Handing over a message
is one ``LPUSH``: this module writes the message exactly as ``app.send_task`` does (Celery's task message
protocol 2, wrapped in the envelope kombu's Redis transport stores) to the list the worker reads. The
Celery worker and beat keep using Celery; ``tests/portal/test_outbox_send.py`` checks the bytes against
``send_task``'s and a real worker running what this module sent.

The envelope (kombu 5.x, ``kombu.transport.virtual.Channel.prepare_message`` and
``_inplace_augment_message``, Celery's ``AMQP.as_task_v2``): the default exchange (``""``) routes by
queue name, so the message goes to the key named after the queue (``celery``; priority 0 is the plain
name, ``kombu.transport.redis.Channel._q_for_pri``). The body is ``[args, kwargs, embed]`` as JSON,
base64-encoded. A countdown becomes an ``eta`` header (UTC ISO 8601), as Celery writes it. The time limits
are the settings' (``CELERY_TASK_TIME_LIMIT``, ``CELERY_TASK_SOFT_TIME_LIMIT``): what ``send_task`` writes
when the sender knows the task (no task sets its own).

Used only where the broker is Redis and jobs are not run eagerly (``portal.jobs.job_publish``); the
embedded profile's filesystem broker is still written by Celery.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

QUEUE = "celery"  # Celery's task_default_queue; the worker consumes it (Procfile: no -Q, so the default)
_ORIGIN = f"gen{os.getpid()}@{socket.gethostname()}"
_client = None
_client_url = None


def redis_broker(url: str) -> bool:
    return url.startswith(("redis://", "rediss://"))


def _redis(url: str):
    """One connection pool per process (per broker URL), with the broker's own short timeouts."""
    global _client, _client_url
    if _client is None or _client_url != url:
        import redis

        _client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        _client_url = url
    return _client


def _time_limits() -> list[int | None]:
    from django.conf import settings

    return [getattr(settings, "CELERY_TASK_TIME_LIMIT", None), getattr(settings, "CELERY_TASK_SOFT_TIME_LIMIT", None)]


def message(
    *, name: str, task_id: str, args: list, kwargs: dict | None = None, countdown: int | None = None
) -> dict[str, Any]:
    """The message ``app.send_task(name, args, kwargs, task_id=..., countdown=...)`` would store in Redis."""
    kwargs = kwargs or {}
    eta = (datetime.now(UTC) + timedelta(seconds=countdown)).isoformat() if countdown else None
    body = [args, kwargs, {"callbacks": None, "errbacks": None, "chain": None, "chord": None}]
    return {
        "body": base64.b64encode(json.dumps(body).encode()).decode(),
        "content-encoding": "utf-8",
        "content-type": "application/json",
        "headers": {
            "lang": "py",
            "task": name,
            "id": task_id,
            "shadow": None,
            "eta": eta,
            "expires": None,
            "group": None,
            "group_index": None,
            "retries": 0,
            "timelimit": _time_limits(),
            "root_id": task_id,
            "parent_id": None,
            "argsrepr": repr(args or ()),  # as Celery: no arguments are an empty tuple
            "kwargsrepr": repr(kwargs),
            "origin": _ORIGIN,
            "ignore_result": None,
            "replaced_task_nesting": 0,
            "stamped_headers": None,
            "stamps": {},
        },
        "properties": {
            "correlation_id": task_id,
            "reply_to": "",
            "delivery_mode": 2,
            "delivery_info": {"exchange": "", "routing_key": QUEUE},
            "priority": 0,
            "body_encoding": "base64",
            "delivery_tag": str(uuid.uuid4()),
        },
    }


def send(
    url: str, *, name: str, task_id: str, args: list, kwargs: dict | None = None, countdown: int | None = None
) -> None:
    """Push one task message to the broker at ``url``; raises redis-py's errors when Redis does not answer."""
    payload = message(name=name, task_id=task_id, args=args, kwargs=kwargs, countdown=countdown)
    _redis(url).lpush(QUEUE, json.dumps(payload))


def ping(url: str) -> None:
    """Raise unless the Redis broker at ``url`` answers (``/healthz``'s broker check, without Celery)."""
    if not _redis(url).ping():
        raise ConnectionError("the broker did not answer PING")
