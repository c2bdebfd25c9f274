"""The Redis cache, degrading to a per-process memory cache while Redis is unreachable.

Everything the portal keeps in the cache is safe to miss (the header's unread count is counted again
from the database) or safe to count locally for a while (allauth's sign-in rate limits: each process
counts on its own, so limits still hold — per process — and never turn into a 500). When Redis does
not answer, the cache logs it once, uses the local cache for ``REDIS_RETRY_SECONDS`` without trying
Redis (so pages do not each wait for a connection timeout), then tries Redis again.

``ping()`` asks Redis itself, so ``/healthz`` stays honest while pages keep working.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

_FAILURES = (ConnectionInterrupted, RedisError, OSError)


class DegradingRedisCache(RedisCache):
    """django-redis with a local fallback: a Redis outage is a slower, per-process cache, never an error."""

    _WRAPPED = (
        "add",
        "set",
        "get",
        "delete",
        "get_many",
        "set_many",
        "delete_many",
        "has_key",
        "incr",
        "decr",
        "touch",
        "clear",
        "get_or_set",
    )

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("REDIS_RETRY_SECONDS", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._local = LocMemCache(f"degraded:{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def degraded(self) -> bool:
        return time.monotonic() < self._down_until

    def _mark_down(self, exc: BaseException) -> None:
        with self._lock:
            first = not self.degraded
            self._down_until = time.monotonic() + self.retry_seconds
        if first:
            log.warning("Redis cache unreachable (%s); using the per-process cache for now.", exc)

    def ping(self) -> bool:
        """Whether Redis itself answers now (never the fallback)."""
        try:
            return bool(self.client.get_client(write=True).ping())
        except _FAILURES:
            return False

    def __getattribute__(self, name: str) -> Any:
        if name in DegradingRedisCache._WRAPPED:
            remote = super().__getattribute__(name)
            local = getattr(super().__getattribute__("_local"), name)
            cache = self

            def call(*args: Any, **kwargs: Any) -> Any:
                if cache.degraded:
                    return local(*args, **kwargs)
                try:
                    return remote(*args, **kwargs)
                except _FAILURES as exc:
                    cache._mark_down(exc)
                    return local(*args, **kwargs)

            return call
        return super().__getattribute__(name)
