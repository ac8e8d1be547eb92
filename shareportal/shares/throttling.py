"""Throttling of share password attempts, by client address, in the shared cache.

Two fixed windows bound guessing: 10 failures per address per share in 15 minutes, and 50 per
address across all shares in an hour (an IPv6 address counts as its /64). The counters live in
Django's default cache, which the settings make shared by every process of a deployment (files
on one machine, or Redis), so a visitor cannot escape the limit by landing on another worker.
"""

import ipaddress
from dataclasses import dataclass
from functools import cache as memoize
from time import time as now

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


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


@memoize
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES as networks: plain addresses and CIDR blocks both work."""
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address, also as some proxies write it with the client's port ("[v6]:443", "v4:443")."""
    text = value.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _is_trusted(address: str) -> bool:
    ip = _ip(address)
    if ip is None:
        return False
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The visitor's address: the peer, or what trusted proxies say in X-Forwarded-For.

    The header is walked from the right because each proxy appends the address it saw; the
    first entry not a trusted proxy is the client. Anything left of it is the client's own
    claim and is ignored. An entry that is not an address means a proxy we trust is
    misconfigured, so the last address we could believe is used instead.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted(address):
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        ip = _ip(hop)
        if ip is None:
            break
        address = str(ip)
        if not _is_trusted(address):
            break
    return address


def _counted_as(address: str) -> str:
    """Who the counters count: an IPv4 address, or the /64 network of an IPv6 one.

    One IPv6 subscriber is given at least a /64 and can use any of its addresses, so counting
    single IPv6 addresses would hand each visitor billions of fresh limits. The canonical form
    also keeps "2001:DB8::1" and "2001:db8:0::1" from being counted apart.
    """
    ip = _ip(address)
    if ip is None:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _key(rule: Rule, *, address: str, share_id: str, window_index: int) -> str:
    who = _counted_as(address)
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
