"""common.clientaddr: the client address behind trusted proxies, as both projects read it."""

import pytest

from common.clientaddr import client_address, counted_as, trusted_networks


def meta(remote: str, forwarded: str | None = None) -> dict[str, str]:
    values = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        values["HTTP_X_FORWARDED_FOR"] = forwarded
    return values


def test_without_trusted_proxies_the_peer_is_the_client():
    assert client_address(meta("203.0.113.9", "198.51.100.1"), []) == "203.0.113.9"


def test_an_untrusted_peer_is_not_believed_about_anyone_else():
    assert client_address(meta("203.0.113.9", "198.51.100.1"), ["10.0.0.1"]) == "203.0.113.9"


def test_a_trusted_proxy_is_believed():
    assert client_address(meta("10.0.0.1", "198.51.100.1"), ["10.0.0.1"]) == "198.51.100.1"


def test_a_cidr_range_of_proxies_is_trusted_as_a_whole():
    got = client_address(meta("10.1.2.3", "198.51.100.1, 10.9.8.7"), ["10.0.0.0/8"])
    assert got == "198.51.100.1"


def test_ipv6_proxy_networks_work():
    got = client_address(meta("fd00::5", "2001:db8::1"), ["fd00::/8"])
    assert got == "2001:db8::1"


def test_the_header_is_read_from_the_right_and_the_clients_own_claim_ignored():
    # The client wrote "1.2.3.4" itself; the proxy appended the address it really saw.
    got = client_address(meta("10.0.0.1", "1.2.3.4, 198.51.100.1"), ["10.0.0.1"])
    assert got == "198.51.100.1"


def test_hops_with_ports_are_understood():
    assert client_address(meta("10.0.0.1", "198.51.100.1:443"), ["10.0.0.1"]) == "198.51.100.1"
    assert client_address(meta("10.0.0.1", "[2001:db8::1]:443"), ["10.0.0.1"]) == "2001:db8::1"


def test_garbage_in_the_header_stops_at_the_last_believable_address():
    got = client_address(meta("10.0.0.1", "198.51.100.1, not-an-ip"), ["10.0.0.1"])
    assert got == "10.0.0.1"


def test_only_trusted_proxies_all_the_way_leaves_the_leftmost_trusted_hop():
    got = client_address(meta("10.0.0.1", "10.0.0.2"), ["10.0.0.0/8"])
    assert got == "10.0.0.2"


def test_a_missing_header_leaves_the_proxy_itself():
    assert client_address(meta("10.0.0.1"), ["10.0.0.1"]) == "10.0.0.1"


def test_trusted_networks_refuses_what_is_not_an_address():
    assert [str(n) for n in trusted_networks(["10.0.0.1", "fd00::/8"])] == [
        "10.0.0.1/32",
        "fd00::/8",
    ]
    with pytest.raises(ValueError, match=r"proxy\.example"):
        trusted_networks(["proxy.example"])


@pytest.mark.parametrize(
    ("address", "counted"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("", ""),
    ],
)
def test_ipv6_clients_are_counted_by_their_64(address, counted):
    assert counted_as(address) == counted
