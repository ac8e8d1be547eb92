"""Stale-if-error: a listing a visitor has just seen, shown again while the drive is failing.

When the drive fails (`errors.DRIVE_FAILURES`: no answer, a timeout, a 5xx, garbage, its breaker
open, no free slot), a listing page fetched at most `STALE_IF_ERROR_SECONDS` ago may stand in,
with a notice saying how old it is. Never for an answer of the drive: a 4xx (cancelled, expired,
disabled, a token no longer valid) always goes up at once.

- Copies live in the shared cache, so every worker and instance can serve them, keyed by the
  share and a hash of the share token the listing was read with, its folder, order and marker:
  only a visitor holding that very token finds it, so nobody sees a listing of a share they
  have not unlocked, and a password change (a new token) leaves the old copies unreachable.
- When the drive refuses a share (a share-level 4xx), `share_refused` records the time in the
  shared cache: copies read before then are never served, by any worker or instance, even to
  visitors whose token the drive has not yet refused.
- A copy is written only when the listing changed or the copy is half its age limit old (each
  process remembers what it wrote): a visitor clicking around costs no cache write per page,
  and the file cache's write (a scan of its directory) stays rare. Signed URLs in the items
  change on every answer, so they are left out of the comparison.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from shareportal.pds import errors
from shareportal.pds.types import AnonymousShare, FileItem, Page

logger = logging.getLogger(__name__)

# The fields of an item that a listing shows, without its signed URLs (thumbnail, url).
_SHOWN_FIELDS = len(FileItem._fields) - 2
# What this process wrote last, per copy: {key: (content hash, time.monotonic())}. Bounded: past
# this many it starts afresh, which costs at most one extra write per listing.
_MAX_REMEMBERED = 10_000
_written: dict[str, tuple[int, float]] = {}

# Refusals that end what a share's tokens may read: after one, no earlier copy is served.
SHARE_REFUSALS: tuple[type[errors.PdsError], ...] = (
    errors.ShareNotFound,
    errors.ShareCancelled,
    errors.ShareExpired,
    errors.ShareForbidden,
    errors.ShareTokenInvalid,
)


@dataclass(frozen=True)
class StalePage(Page[FileItem]):
    """A listing page as the drive answered it `age` seconds ago, shown while it fails."""

    age: int = 0


def _limit() -> int:
    return settings.STALE_IF_ERROR_SECONDS


def _listing_key(share_id: str, token: str, parts: tuple[str, ...]) -> str:
    digest = hashlib.blake2b("\n".join((token, *parts)).encode(), digest_size=16).hexdigest()
    return f"stale-list:{share_id}:{digest}"


def _refused_key(share_id: str) -> str:
    return f"stale-refused:{share_id}"


def listing_get(
    *,
    share_id: str,
    token: str,
    parts: tuple[str, ...],
    fetch: Callable[[], Page[FileItem]],
) -> Page[FileItem]:
    """`fetch()` the listing; if the drive fails, the copy last read with `token`, if any.

    `parts` names the page (folder, order, marker). Raises what `fetch` raised when there is
    no copy to stand in.
    """
    limit = _limit()
    if limit <= 0:
        return fetch()
    key = _listing_key(share_id, token, parts)
    started = time.time()
    try:
        page = fetch()
    except errors.DRIVE_FAILURES as failure:
        stale = _copy(share_id, key, limit)
        if stale is None:
            raise
        seen_at, copy = stale
        logger.info("Serving a stale listing of share %s (%s)", share_id, type(failure).__name__)
        return StalePage(copy.items, copy.next_marker, age=max(0, round(time.time() - seen_at)))
    except SHARE_REFUSALS:
        share_refused(share_id=share_id)
        raise
    _remember(key, started, page, limit)
    return page


def landing_share_stale(*, share_id: str) -> AnonymousShare | None:
    """The share's public facts as last read, if young enough to stand in for a failing drive."""
    limit = _limit()
    if limit <= 0:
        return None
    cached = cache.get_many([public_key(share_id), _refused_key(share_id)])
    entry = cached.get(public_key(share_id))
    if not (isinstance(entry, tuple) and len(entry) == 2):
        return None
    seen_at, shared = entry
    if not isinstance(shared, AnonymousShare) or not _servable(seen_at, cached, share_id, limit):
        return None
    return shared


def public_key(share_id: str) -> str:
    """The cache key of a share's public facts: `(read at, AnonymousShare)`."""
    return f"share-public:{share_id}"


def share_refused(*, share_id: str) -> None:
    """The drive refused the share (cancelled, expired, a token ended...): no copy before now."""
    limit = _limit()
    if limit > 0:
        cache.set(_refused_key(share_id), time.time(), limit)


def _copy(share_id: str, key: str, limit: int) -> tuple[float, Page[FileItem]] | None:
    cached = cache.get_many([key, _refused_key(share_id)])
    entry = cached.get(key)
    if not (isinstance(entry, tuple) and len(entry) == 2):
        return None
    seen_at, page = entry
    if not isinstance(page, Page) or not _servable(seen_at, cached, share_id, limit):
        return None
    return seen_at, page


def _servable(seen_at: float, cached: dict, share_id: str, limit: int) -> bool:
    """Read recently enough, and after the drive last refused the share."""
    refused_at = cached.get(_refused_key(share_id), 0.0)
    return time.time() - seen_at <= limit and seen_at > refused_at


def _remember(key: str, seen_at: float, page: Page[FileItem], limit: int) -> None:
    """Keep a copy of `page`, unless this process wrote the same one less than limit/2 ago."""
    content = hash((page.next_marker, tuple(item[:_SHOWN_FIELDS] for item in page.items)))
    now = time.monotonic()
    last = _written.get(key)
    if last is not None and last[0] == content and now - last[1] < limit / 2:
        return
    if len(_written) >= _MAX_REMEMBERED:
        _written.clear()
    _written[key] = (content, now)
    cache.set(key, (seen_at, Page(page.items, page.next_marker)), limit)


def forget_written() -> None:
    """Forget what this process wrote (a test's cache starts empty, so must this)."""
    _written.clear()
