"""The database and cache settings both projects build the same way from their own variables."""

from pathlib import Path
from typing import Any

import dj_database_url


def database_setting(url: str, *, conn_max_age: int) -> dict[str, Any]:
    """`DATABASES["default"]` for a database URL (SQLite or PostgreSQL)."""
    database: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    )
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # WAL and IMMEDIATE transactions let the workers and their threads share one file
        # without "database is locked" errors under ordinary load. Connections persist (per
        # thread) like PostgreSQL's, so a request does not pay for connecting and the pragmas.
        database["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return database


def cache_setting(
    redis_url: str,
    *,
    key_prefix: str,
    local: dict[str, Any],
    fail_open: bool = False,
    socket_timeout: float = 0.5,
) -> dict[str, Any]:
    """`CACHES["default"]`, shared by every process of a deployment.

    Redis when a URL is given (every machine), otherwise `local` (every gunicorn worker of one
    machine: `database_cache` or `file_cache`). A Redis that accepts connections and never
    answers costs at most `socket_timeout` per call (redis-py waits 5 s by default, and the
    connections of Django's pool make one attempt). `fail_open` makes an unreachable Redis
    behave as an empty cache (`common.caches`), for a cache that holds nothing that must not
    be lost.
    """
    if redis_url:
        return {
            "BACKEND": "common.caches.FailOpenRedisCache"
            if fail_open
            else "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {"socket_timeout": socket_timeout, "socket_connect_timeout": socket_timeout},
        }
    return local


def database_cache(*, table: str, max_entries: int) -> dict[str, Any]:
    """Django's database cache in `table` (`manage.py createcachetable` makes it; the
    portal's `migrate` runs that).

    It stays fast as it grows (an indexed row per entry; each write also counts the rows,
    0.5 ms at 100,000 entries on SQLite, where the file cache lists its whole directory: 114 ms),
    and past `max_entries` it first drops what has expired, so it culls live entries only
    when more than that many are alive.
    """
    return {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": table,
        "OPTIONS": {"MAX_ENTRIES": max_entries},
    }


def file_cache(directory: Path, *, max_entries: int) -> dict[str, Any]:
    """Django's file cache in `directory`."""
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(directory),
        # The stock limit (300 entries, then a third culled at random) would let anyone wipe
        # the attempt counters the cache holds by making enough entries of their own.
        "OPTIONS": {"MAX_ENTRIES": max_entries},
    }
