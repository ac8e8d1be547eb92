"""A Redis cache that fails open: while Redis is down or hung, it behaves as an empty cache.

What the portal keeps in its cache can all be had again (a share's public facts, the shared
token of a share without a password, folders for breadcrumbs, the cached copy of a session
whose row is in the database), so a Redis that cannot be reached must cost a visitor a slower
page, never a 500. Reads answer "missing", writes are dropped, and one warning is logged when
Redis stops answering (and one line when it answers again), not a traceback per call.

After a failure the cache does not ask Redis again for `RETRY_AFTER` seconds: a hung Redis
then costs one request one socket timeout (`socket_timeout` in OPTIONS, see
`common.backends`), not every cache call of every request.

Counters are not here: `incr`/`decr` still raise, because a counter that silently stays at
zero would be a lie (password-attempt counters have their own store, which fails closed).
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0


class _Outage:
    """Whether one Redis server is taken as down, for every thread of the process.

    Django makes a cache object per thread, so this lives beside them, one per server: a
    gthread worker logs an outage once and waits out one timeout, not once per thread.
    """

    def __init__(self) -> None:
        self.until = 0.0
        self.lock = threading.Lock()

    def skipping(self) -> bool:
        return bool(self.until) and time.monotonic() < self.until

    def began(self, exc: RedisError) -> None:
        with self.lock:
            if not self.until:
                # The class of the failure only: a message could quote a key or the URL.
                logger.warning(
                    "Redis cache unreachable (%s): serving without it", type(exc).__name__
                )
            self.until = time.monotonic() + RETRY_AFTER

    def ended(self) -> None:
        with self.lock:
            if self.until:
                logger.warning("Redis cache answers again")
            self.until = 0.0


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache whose reads miss and writes are dropped while Redis is unreachable."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        with _outages_lock:
            self._outage = _outages.setdefault(server, _Outage())

    def _guarded[T](self, call: Callable[[], T], fallback: T) -> T:
        outage = self._outage
        if outage.skipping():
            return fallback
        try:
            result = call()
        except RedisError as exc:
            outage.began(exc)
            return fallback
        if outage.until:
            outage.ended()
        return result

    # Each call names RedisCache explicitly: a lambda has no zero-argument super().

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guarded(lambda: RedisCache.get(self, key, default, version), default)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._guarded(lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guarded(lambda: RedisCache.has_key(self, key, version), False)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._guarded(lambda: RedisCache.set(self, key, value, timeout, version), None)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._guarded(lambda: RedisCache.add(self, key, value, timeout, version), False)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        # The keys that could not be set: all of them.
        return self._guarded(lambda: RedisCache.set_many(self, data, timeout, version), list(data))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guarded(lambda: RedisCache.touch(self, key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guarded(lambda: RedisCache.delete(self, key, version), False)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._guarded(lambda: RedisCache.delete_many(self, keys, version), None)

    def clear(self) -> None:
        self._guarded(lambda: RedisCache.clear(self), None)
