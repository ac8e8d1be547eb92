"""The share-wide records of the shared cache, read through a short copy in each process.

Every page of a share reads what all its visitors share (its public facts, the token of a share
without a password, its folders; see `services`) from `CACHES["default"]`: a database row or a
Redis round trip each, several per page. Each process keeps what it read for
`PROCESS_CACHE_SECONDS` in Django's local-memory cache (`CACHES["process"]`), so that a busy
share costs one shared read per record every few seconds, not one per page.

What this lets a page show that much later than another worker learnt it: facts that were
already allowed to be `SHARE_PUBLIC_CACHE_SECONDS` old (their age is kept with them, so the
copy never makes them older than that), a folder's name, or a shared token the drive has just
ended, which the drive then refuses and `services.share_call` forgets and replaces. Nothing
that decides access is taken from here: the drive decides it on every listing.
"""

from typing import Any

from django.conf import settings
from django.core.cache import cache, caches

_MISSING = object()


def get(key: str) -> Any:
    """The value of `key`, from this process's copy or the shared cache (None when absent)."""
    local = caches["process"]
    value = local.get(key, _MISSING)
    if value is _MISSING:
        value = cache.get(key)
        local.set(key, value, settings.PROCESS_CACHE_SECONDS)
    return value


def set(key: str, value: Any, timeout: float) -> None:
    """Write `key` to the shared cache and this process's copy."""
    cache.set(key, value, timeout)
    caches["process"].set(key, value, min(timeout, settings.PROCESS_CACHE_SECONDS))


def delete(key: str) -> None:
    """Forget `key` in the shared cache and this process's copy."""
    cache.delete(key)
    caches["process"].delete(key)
