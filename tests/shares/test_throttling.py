"""Password attempts are throttled per address, per address and share, and per share.

The default store (the portal's database) is the one these use; Redis is tested against a real
server in `tests/integration/test_shared_backends.py`.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from shareportal.shares import throttling
from shareportal.shares.models import AttemptCounter, PasswordFailure

from .stubs import add_share, add_token, add_wrong_password, calls_to, url

pytestmark = pytest.mark.django_db

SHARE = "YgHgBeXGZWr"
# A minute before the top of an hour, so that a window aligned to the clock would reset soon.
START = datetime(2031, 3, 4, 12, 59, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    """A stopped clock at START, which a test may move forward with `clock.shift(...)`."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _guess(client, share_id=SHARE, password="guess", **extra):
    return client.post(f"/s/{share_id}/", {"password": password}, **extra)


def _wrong_everywhere(pds):
    add_wrong_password(pds)
    pds.post(url("share_link/get_by_anonymous"), json={"share_name": "x", "has_pwd": True})


def _right_password_too(pds):
    """From now on the drive takes "right" and refuses anything else."""
    pds.remove("POST", url("share_link/get_share_token"))
    add_token(pds, SHARE, "right")
    add_wrong_password(pds)


def _drive_asked(pds) -> int:
    return len(calls_to(pds, "share_link/get_share_token"))


def test_the_eleventh_wrong_password_in_a_window_is_refused_without_asking_pds(client, pds):
    _wrong_everywhere(pds)
    for _ in range(10):
        assert _guess(client).status_code == 400
    calls = len(pds.calls)

    response = _guess(client)

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    page = response.content.decode()
    assert "Too many wrong passwords" in page
    assert "You can try again in 15 minutes" in page
    assert f'href="/s/{SHARE}/"' in page
    assert _drive_asked(pds) == 10
    assert len(pds.calls) == calls  # PDS was not asked at all


def test_an_attempt_is_counted_before_the_drive_is_asked(client, pds):
    """While the tenth guess is with the drive, an eleventh from the address is refused."""
    _wrong_everywhere(pds)
    for _ in range(9):
        _guess(client)
    during = []

    def tenth_guess(request):
        # A second visitor from the same address, while the drive is still checking.
        during.append(_guess(Client()).status_code)
        return (400, {}, '{"code": "InvalidResource.SharePwd", "message": "no"}')

    pds.remove("POST", url("share_link/get_share_token"))
    pds.add_callback("POST", url("share_link/get_share_token"), callback=tenth_guess)

    assert _guess(client).status_code == 400
    assert during == [429]
    assert _drive_asked(pds) == 10


def test_the_right_password_gives_its_attempt_back(client, pds):
    _wrong_everywhere(pds)
    for _ in range(9):
        _guess(client)
    _right_password_too(pds)

    assert _guess(client, password="right").status_code == 303
    # The right password did not use up the tenth try: it is still there, and then no more.
    assert _guess(client, password="wrong").status_code == 400
    assert _guess(client, password="wrong").status_code == 429


def test_the_right_password_is_refused_too_once_throttled(client, pds):
    _wrong_everywhere(pds)
    for _ in range(10):
        _guess(client)

    response = _guess(client, password="the right one")

    assert response.status_code == 429
    assert _drive_asked(pds) == 10


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


def test_fifty_failures_in_an_hour_across_shares_block_the_address(client, pds, clock):
    _wrong_everywhere(pds)
    for n in range(50):
        _guess(client, share_id=f"share{n:06d}")
        clock.shift(timedelta(seconds=30))

    response = _guess(client, share_id="freshShare1")

    # The address's hour began at its first attempt, 25 minutes ago.
    assert response.status_code == 429
    assert response["Retry-After"] == str(35 * 60)
    assert _drive_asked(pds) == 50


def test_a_share_takes_a_hundred_wrong_passwords_from_all_addresses_then_slows_down(client, pds):
    _wrong_everywhere(pds)
    answers = {}
    # 20 addresses, each trying its 10 guesses: 200 in all, as a spread-out attacker would.
    for n in range(20):
        address = f"198.51.100.{n}"
        answers[address] = [_guess(client, REMOTE_ADDR=address).status_code for _ in range(10)]

    # The first ten addresses spend the share's budget of 100; each later one gets 3 tries.
    assert all(answers[f"198.51.100.{n}"] == [400] * 10 for n in range(10))
    assert all(answers[f"198.51.100.{n}"] == [400] * 3 + [429] * 7 for n in range(10, 20))
    assert _drive_asked(pds) == 130


def test_a_visitor_with_the_right_password_still_opens_a_share_under_attack(client, pds):
    _wrong_everywhere(pds)
    for n in range(10):
        for _ in range(10):
            _guess(client, REMOTE_ADDR=f"198.51.100.{n}")
    _right_password_too(pds)

    # A new address mistypes once, then types it right: the share is slowed, not locked.
    assert _guess(client, REMOTE_ADDR="192.0.2.7", password="typo").status_code == 400
    assert _guess(client, REMOTE_ADDR="192.0.2.7", password="right").status_code == 303


def test_a_spent_share_budget_says_when_the_next_try_comes(client, pds, clock, settings):
    settings.PASSWORD_SHARE_BUDGET = 5
    _wrong_everywhere(pds)
    for n in range(5):
        _guess(client, REMOTE_ADDR=f"198.51.100.{n}")
    clock.shift(timedelta(minutes=20))
    for _ in range(3):
        assert _guess(client, REMOTE_ADDR="192.0.2.7").status_code == 400

    response = _guess(client, REMOTE_ADDR="192.0.2.7")

    # Its own 15 minutes end before the share's hour (40 minutes left) does.
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)


def test_a_window_starts_at_its_first_attempt_not_at_the_top_of_the_hour(client, pds, clock):
    _wrong_everywhere(pds)
    for _ in range(10):
        _guess(client)  # at 12:59

    clock.shift(timedelta(minutes=1, seconds=30))  # 13:00:30: a clock-aligned window would end
    still = _guess(client)
    clock.shift(timedelta(minutes=13, seconds=30))  # 13:14, fifteen minutes after the first
    again = _guess(client)

    assert still.status_code == 429
    assert still["Retry-After"] == str(13 * 60 + 30)
    assert again.status_code == 400


def test_each_address_has_its_own_window(client, pds, clock):
    _wrong_everywhere(pds)
    for _ in range(10):
        _guess(client, REMOTE_ADDR="203.0.113.5")  # 12:59
    clock.shift(timedelta(minutes=6))
    for _ in range(10):
        _guess(client, REMOTE_ADDR="203.0.113.6")  # 13:05

    clock.shift(timedelta(minutes=9))  # 13:14

    assert _guess(client, REMOTE_ADDR="203.0.113.5").status_code == 400
    refused = _guess(client, REMOTE_ADDR="203.0.113.6")
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(6 * 60)


def test_refused_attempts_do_not_push_the_wait_further(client, pds, clock):
    _wrong_everywhere(pds)
    for _ in range(10):
        _guess(client)
    for _ in range(14):
        clock.shift(timedelta(minutes=1))
        assert _guess(client).status_code == 429

    clock.shift(timedelta(minutes=1))

    assert _guess(client).status_code == 400


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
    add_token(pds, SHARE, "right")
    for _ in range(15):
        assert _guess(client, password="right").status_code == 303
    assert not PasswordFailure.objects.exists()


def test_a_password_share_landing_page_still_opens_while_throttled(client, pds):
    _wrong_everywhere(pds)
    for _ in range(10):
        _guess(client)
    add_share(pds, SHARE, has_pwd=True)

    assert client.get(f"/s/{SHARE}/").status_code == 200


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


def test_an_empty_password_is_refused_by_the_form_without_counting(client, pds):
    pds.post(url("share_link/get_by_anonymous"), json={"share_name": "x", "has_pwd": True})

    response = client.post(f"/s/{SHARE}/", {"password": ""})

    assert response.status_code == 400
    assert _drive_asked(pds) == 0
    assert not AttemptCounter.objects.filter(count__gt=0).exists()


def test_wrong_passwords_are_recorded_without_the_guess_or_the_address(client, pds):
    _wrong_everywhere(pds)
    _guess(client, password="hunter2-guess", REMOTE_ADDR="203.0.113.5")

    failure = PasswordFailure.objects.get()
    counters = list(AttemptCounter.objects.values_list("key", flat=True))
    stored = f"{failure.share_id} {failure.who} {counters}"
    assert failure.share_id == SHARE
    assert failure.at == START
    assert "hunter2" not in stored
    assert "203.0.113.5" not in stored


def test_expired_counters_and_day_old_failures_are_deleted(client, pds, clock, monkeypatch):
    monkeypatch.setattr(throttling, "_last_cleanup", [0.0])
    _wrong_everywhere(pds)
    _guess(client, share_id="oldShare001")
    assert AttemptCounter.objects.filter(key__contains="oldShare001").count() == 2

    clock.shift(timedelta(hours=25))
    _guess(client)

    # Only the new attempt's counters and failure are left.
    assert not AttemptCounter.objects.filter(key__contains="oldShare001").exists()
    assert AttemptCounter.objects.count() == 3
    assert list(PasswordFailure.objects.values_list("share_id", flat=True)) == [SHARE]
