"""Throttling of share password attempts, by client address, in the shared cache.

Two fixed windows bound guessing: 10 failures per address per share in 15 minutes, and 50 per
address across all shares in an hour (an IPv6 address counts as its /64). The counters live in
Django's default cache, which the settings make shared by every process of a deployment (files
on one machine, or Redis), so a visitor cannot escape the limit by landing on another worker.
"""

from dataclasses import dataclass
from time import time as now

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from common import clientaddr


@dataclass(frozen=True)
class Rule:
    """At most `limit` failures per `window` seconds, counted per `scope`."""

    scope: str  # "share": per address and share; "address": per address
    limit: int
    window: int


RULES = (
    Rule(scope="share", limit=10, window=15 * 60),
    Rule(scope="address", limit=50, window=60 * 60),
)


def client_address(request: HttpRequest) -> str:
    """The visitor's address: the peer, or what TRUSTED_PROXIES say in X-Forwarded-For."""
    return clientaddr.client_address(request.META, settings.TRUSTED_PROXIES)


def _key(rule: Rule, *, address: str, share_id: str, window_index: int) -> str:
    who = clientaddr.counted_as(address)
    if rule.scope == "share":
        return f"shares:pwd-fail:{rule.window}:{window_index}:{who}:{share_id}"
    return f"shares:pwd-fail:{rule.window}:{window_index}:{who}"


def _window(rule: Rule, moment: float) -> tuple[int, int]:
    """The index of the window `moment` falls in and the seconds left in it (at least 1)."""
    index = int(moment // rule.window)
    return index, max(1, int((index + 1) * rule.window - moment))


def password_attempt_retry_after(*, address: str, share_id: str) -> int:
    """Seconds until this address may try a password again on this share; 0 when it may now."""
    moment = now()
    wait = 0
    for rule in RULES:
        index, left = _window(rule, moment)
        key = _key(rule, address=address, share_id=share_id, window_index=index)
        if (cache.get(key) or 0) >= rule.limit:
            wait = max(wait, left)
    return wait


def password_failure_record(*, address: str, share_id: str) -> None:
    """Count one wrong password from this address on this share in every window."""
    moment = now()
    for rule in RULES:
        index, left = _window(rule, moment)
        key = _key(rule, address=address, share_id=share_id, window_index=index)
        # add() creates the counter only if absent, so concurrent workers never reset each
        # other's counts; incr() is atomic in Redis and good enough in the file cache.
        cache.add(key, 0, timeout=left + 5)
        try:
            cache.incr(key)
        except ValueError:
            # The counter expired between add() and incr(): start the new window at one.
            cache.add(key, 1, timeout=left + 5)
        else:
            # Django's generic incr() (the file and database caches) rewrites the value with
            # the default timeout of 5 minutes, which would end the window early.
            cache.touch(key, timeout=left + 5)
