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
    redis_url: str, *, key_prefix: str, directory: Path, max_entries: int
) -> dict[str, Any]:
    """`CACHES["default"]`, shared by every process of a deployment.

    Redis when a URL is given (every machine), otherwise files in `directory` (every gunicorn
    worker of one machine).
    """
    if redis_url:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": key_prefix,
        }
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(directory),
        # The stock limit (300 entries, then a third culled at random) would let anyone wipe
        # the attempt counters the cache holds by making enough entries of their own.
        "OPTIONS": {"MAX_ENTRIES": max_entries},
    }
