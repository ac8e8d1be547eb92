"""The client's address behind trusted reverse proxies.

The address is the connection's peer (`REMOTE_ADDR`) unless that peer is a trusted proxy;
then `X-Forwarded-For` is walked from the right, because each proxy appends the address it
saw, and the first hop that is not a trusted proxy is the client. Anything left of it is the
client's own claim and is ignored. Trusted proxies are addresses or CIDR networks.
"""

import ipaddress
from collections.abc import Iterable, Mapping
from functools import cache

type Address = ipaddress.IPv4Address | ipaddress.IPv6Address
type Network = ipaddress.IPv4Network | ipaddress.IPv6Network

__all__ = ["client_address", "counted_as", "trusted_networks"]


def trusted_networks(proxies: Iterable[str]) -> tuple[Network, ...]:
    """Proxy addresses or networks ("10.0.0.1", "10.0.0.0/8", "fd00::/8") as networks.

    Raises ValueError naming the first entry that is neither; settings call this at start-up
    so a typo fails loudly instead of trusting nothing (or everything).
    """
    networks = []
    for proxy in proxies:
        try:
            networks.append(ipaddress.ip_network(proxy.strip(), strict=False))
        except ValueError:
            raise ValueError(f"not an IP address or network: {proxy!r}") from None
    return tuple(networks)


@cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return trusted_networks(proxies)


def _ip(value: str) -> Address | None:
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


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    ip = _ip(address)
    return ip is not None and any(ip in network for network in networks)


def client_address(meta: Mapping[str, str], trusted_proxies: Iterable[str]) -> str:
    """The client's address from a request's `META`, believing only `trusted_proxies`.

    An X-Forwarded-For entry that is not an address means a proxy we trust is misconfigured,
    so the last address we could believe is used instead.
    """
    networks = _networks(tuple(trusted_proxies))
    address = meta.get("REMOTE_ADDR", "")
    if not _is_trusted(address, networks):
        return address
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        ip = _ip(hop)
        if ip is None:
            break
        address = str(ip)
        if not _is_trusted(address, networks):
            break
    return address


def counted_as(address: str) -> str:
    """Who a per-client counter counts: an IPv4 address, or the /64 network of an IPv6 one.

    One IPv6 subscriber is given at least a /64 and can use any of its addresses, so counting
    single IPv6 addresses would hand each client billions of fresh limits. The canonical form
    also keeps "2001:DB8::1" and "2001:db8:0::1" from being counted apart; an IPv4-mapped
    address counts as its IPv4 address. Anything that is not an address is returned as is.
    """
    ip = _ip(address)
    if ip is None:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)
