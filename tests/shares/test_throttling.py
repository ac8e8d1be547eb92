"""Password attempts are throttled per client address, before PDS is asked."""

import pytest

from .stubs import add_wrong_password, calls_to

pytestmark = pytest.mark.django_db

SHARE = "YgHgBeXGZWr"
# Two minutes into a 15-minute window (and into an hour), so that no test straddles a boundary.
START = 1_800_000_000 - 1_800_000_000 % 3600 + 120


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The throttle's clock, which a test may move forward."""
    now = [float(START)]
    monkeypatch.setattr("shareportal.shares.throttling.now", lambda: now[0])
    return now


def _guess(client, share_id=SHARE, **extra):
    return client.post(f"/s/{share_id}/", {"password": "guess"}, **extra)


def _wrong_everywhere(pds):
    add_wrong_password(pds)
    pds.post(
        "http://pds.test/v2/share_link/get_by_anonymous", json={"share_name": "x", "has_pwd": True}
    )


def test_the_eleventh_wrong_password_in_a_window_is_refused_without_asking_pds(client, pds):
    _wrong_everywhere(pds)
    for _ in range(10):
        assert _guess(client).status_code == 400
    token_calls = len(calls_to(pds, "share_link/get_share_token"))
    calls = len(pds.calls)

    response = _guess(client)

    assert response.status_code == 429
    assert response["Retry-After"] == str(13 * 60)
    page = response.content.decode()
    assert "Too many wrong passwords" in page
    assert "You can try again" in page
    assert f'href="/s/{SHARE}/"' in page
    assert token_calls == 10
    assert len(pds.calls) == calls  # PDS was not asked at all


def test_the_right_password_is_refused_too_once_throttled(client, pds):
    _wrong_everywhere(pds)
    for _ in range(10):
        _guess(client)

    response = client.post(f"/s/{SHARE}/", {"password": "the right one"})

    assert response.status_code == 429


def test_throttling_counts_per_client_address(client, pds):
    _wrong_everywhere(pds)
    for _ in range(10):
        _guess(client, REMOTE_ADDR="203.0.113.5")

    assert _guess(client, REMOTE_ADDR="203.0.113.5").status_code == 429
    assert _guess(client, REMOTE_ADDR="203.0.113.6").status_code == 400


def test_throttling_counts_per_share(client, pds):
    _wrong_everywhere(pds)
    for _ in range(10):
        _guess(client)

    assert _guess(client, share_id="otherShare1").status_code == 400


def test_fifty_failures_in_an_hour_across_shares_block_the_address(client, pds):
    _wrong_everywhere(pds)
    for n in range(50):
        _guess(client, share_id=f"share{n:06d}")

    response = _guess(client, share_id="freshShare1")

    assert response.status_code == 429
    assert response["Retry-After"] == str(58 * 60)


def test_a_forwarded_address_is_ignored_from_an_untrusted_peer(client, pds, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    _wrong_everywhere(pds)
    for n in range(10):
        _guess(client, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    assert _guess(client, REMOTE_ADDR="203.0.113.5").status_code == 429


def test_a_trusted_proxy_is_believed_about_the_client_address(client, pds, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1", "10.1.0.0/16"]
    _wrong_everywhere(pds)
    # The client claims an address of its own (left); our proxies appended what they saw.
    for n in range(10):
        _guess(
            client,
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7, 10.1.2.3",
        )

    blocked = _guess(client, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.1.2.3")
    other = _guess(client, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")

    assert blocked.status_code == 429
    assert other.status_code == 400


def test_a_forwarded_address_with_a_port_counts_as_its_address(client, pds, settings):
    # Some proxies append the client's port; without reading past it every visitor would fall
    # back to the proxy's own address and share one counter.
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    _wrong_everywhere(pds)
    for n in range(10):
        _guess(client, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.7:{5000 + n}")

    blocked = _guess(client, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    other = _guess(client, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="[2001:db8::7]:443")

    assert blocked.status_code == 429
    assert other.status_code == 400


def test_a_correct_password_does_not_count_as_a_failure(client, pds):
    pds.post(
        "http://pds.test/v2/share_link/get_share_token",
        json={"share_token": "t", "expires_in": 7200},
    )
    for _ in range(15):
        assert client.post(f"/s/{SHARE}/", {"password": "right"}).status_code == 303


def test_a_password_share_landing_page_still_opens_while_throttled(client, pds):
    _wrong_everywhere(pds)
    for _ in range(10):
        _guess(client)

    assert client.get(f"/s/{SHARE}/").status_code == 200


def test_attempts_are_allowed_again_in_the_next_window(client, pds, clock):
    _wrong_everywhere(pds)
    for _ in range(10):
        _guess(client)
    assert _guess(client).status_code == 429

    clock[0] += 13 * 60

    assert _guess(client).status_code == 400


def test_counters_in_the_default_file_cache_last_their_whole_window(
    client, pds, clock, settings, tmp_path, monkeypatch
):
    # The deployment default. Django's generic incr() rewrites the value with the cache's
    # default timeout (5 minutes), which would let a guesser go on after a short pause.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    monkeypatch.setattr("time.time", lambda: clock[0])
    _wrong_everywhere(pds)
    for _ in range(10):
        _guess(client)

    clock[0] += 12 * 60  # still in the same 15-minute window

    assert _guess(client).status_code == 429


def test_ipv6_addresses_are_counted_by_their_64_network(client, pds):
    _wrong_everywhere(pds)
    # Every address of a /64 belongs to one subscriber, who may use any of them.
    for n in range(10):
        _guess(client, REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")

    assert _guess(client, REMOTE_ADDR="2001:DB8:1:2:ffff:ffff:ffff:ffff").status_code == 429
    assert _guess(client, REMOTE_ADDR="2001:db8:1:3::1").status_code == 400


def test_an_ipv4_mapped_ipv6_peer_counts_as_its_ipv4_address(client, pds):
    _wrong_everywhere(pds)
    for _ in range(10):
        _guess(client, REMOTE_ADDR="::ffff:203.0.113.5")

    assert _guess(client, REMOTE_ADDR="203.0.113.5").status_code == 429
