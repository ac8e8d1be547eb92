"""The drive's own brute-force guard on share passwords (`share_link/get_share_token`).

See docs/pds-api.md#share_linkget_share_token. Per caller and share: 10 attempts at once, then
a backoff doubling from 1 s up to 15 minutes, during which the right password is refused too.
Per share, across callers: 100 an hour, then spaced out by a backoff capped at a minute, never
closed. Time is frozen and moved by time-machine.
"""

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from localpds.models import AttemptCounter, ShareLink
from localpds.throttle import CALLER, TARGET

from .api_helpers import assert_error, call, make_share

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse"
START = datetime(2030, 3, 4, 5, 6, 7, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def share(alice, tree) -> ShareLink:
    return make_share(alice, [tree.shared], share_pwd=PASSWORD)


def guess(share: ShareLink, password: str, address: str = "203.0.113.1", **environ: str):
    body = {"share_id": share.share_id, "share_pwd": password}
    return call("share_link/get_share_token", body, REMOTE_ADDR=address, **environ)


def fail(share: ShareLink, times: int, address: str = "203.0.113.1", **environ: str) -> None:
    for n in range(times):
        response = guess(share, f"wrong-{n}", address, **environ)
        assert_error(response, 400, "InvalidResource.SharePwd")


def assert_too_many(response) -> int:
    """The response is the contract's 429; returns its Retry-After in seconds."""
    body = assert_error(response, 429, "TooManyRequests")
    wait = int(response["Retry-After"])
    assert wait >= 1
    assert f"Retry after {wait} seconds" in body["message"]
    assert "share_token" not in body
    return wait


def test_fifty_direct_wrong_guesses_get_429_with_retry_after_after_the_first_ten(share):
    answers = [guess(share, f"wrong-{n}") for n in range(50)]

    assert [r.status_code for r in answers[: CALLER.free]] == [400] * CALLER.free
    for response in answers[CALLER.free :]:
        assert assert_too_many(response) == 1


def test_while_a_caller_waits_the_right_password_is_refused_too(share):
    fail(share, CALLER.free)

    refused = guess(share, PASSWORD)

    assert assert_too_many(refused) == 1


def test_the_wait_ends_when_retry_after_says(share, clock):
    fail(share, CALLER.free)
    assert_too_many(guess(share, PASSWORD))

    clock.shift(0.9)
    assert_too_many(guess(share, PASSWORD))
    clock.shift(0.1)
    answer = guess(share, PASSWORD)

    assert answer.status_code == 200
    assert answer.json()["share_token"]


def test_the_backoff_doubles_with_each_attempt_and_stops_at_fifteen_minutes(share, clock):
    fail(share, CALLER.free)
    waits = []
    for _ in range(14):
        waits.append(assert_too_many(guess(share, "wrong")))
        clock.shift(waits[-1])
        fail(share, 1)

    assert waits[0] == 1
    for before, after in pairwise(waits):
        assert after == min(2 * before, 15 * 60)
    assert waits[-3:] == [15 * 60] * 3


def test_the_right_password_clears_the_callers_failures(share):
    fail(share, CALLER.free - 1)
    assert guess(share, PASSWORD).status_code == 200

    fail(share, CALLER.free)

    assert_too_many(guess(share, "wrong"))


def test_a_new_address_gets_a_token_with_the_right_password_while_another_waits(share):
    fail(share, CALLER.free, address="203.0.113.1")
    assert_too_many(guess(share, PASSWORD, address="203.0.113.1"))

    answer = guess(share, PASSWORD, address="198.51.100.20")

    assert answer.status_code == 200
    assert answer.json()["share_token"]


def test_one_share_locked_for_a_caller_leaves_its_other_shares_alone(alice, tree, share):
    other = make_share(alice, [tree.top], share_pwd="other-password")
    fail(share, CALLER.free)
    assert_too_many(guess(share, PASSWORD))

    assert guess(other, "other-password").status_code == 200


def test_a_caller_counts_afresh_a_day_after_its_first_failure(share, clock):
    fail(share, CALLER.free)
    assert_too_many(guess(share, "wrong"))

    clock.shift(timedelta(days=1))

    fail(share, CALLER.free)
    assert_too_many(guess(share, "wrong"))


def test_the_share_budget_spaces_out_guesses_from_many_addresses_but_never_closes(share, clock):
    for n in range(TARGET.free):
        fail(share, 1, address=f"198.51.{n // 250}.{n % 250 + 1}")

    # Addresses that have failed here wait the share's turn, ever longer (a minute at most
    # between two checks)...
    waits = []
    for n in range(12):
        waits.append(assert_too_many(guess(share, "wrong", address=f"198.51.0.{n + 1}")))
        clock.shift(waits[-1])
        fail(share, 1, address=f"198.51.0.{n + 1}")
    assert waits == sorted(waits)
    assert waits[-1] == TARGET.cap == 60
    # ... and the right password from an address that has not failed here is checked at once.
    assert guess(share, PASSWORD, address="192.0.2.201").status_code == 200


def test_whoever_takes_every_turn_of_the_share_cannot_keep_the_right_password_out(share, clock):
    for n in range(TARGET.free):
        fail(share, 1, address=f"198.51.{n // 250}.{n % 250 + 1}")
    for n in range(40):
        # An attacker guesses the moment each turn opens, from rotating addresses...
        clock.shift(assert_too_many(guess(share, "wrong", address=f"198.51.0.{n + 1}")))
        fail(share, 1, address=f"203.0.{n}.9")
        # ... and a visitor arriving between two turns gets in all the same.
        visitor = f"192.0.{n}.7"
        assert guess(share, PASSWORD, address=visitor).status_code == 200


def test_while_the_share_spaces_guesses_a_new_address_gets_one_wrong_guess_then_waits(share):
    for n in range(TARGET.free):
        fail(share, 1, address=f"198.51.{n // 250}.{n % 250 + 1}")

    fail(share, 1, address="192.0.2.77")
    assert_too_many(guess(share, PASSWORD, address="192.0.2.77"))


def test_the_share_budget_counts_afresh_an_hour_after_its_first_failure(share, clock):
    for n in range(TARGET.free):
        fail(share, 1, address=f"198.51.100.{n + 1}")
    fail(share, 1, address="192.0.2.1")  # a newcomer's check, which takes no turn
    assert_too_many(guess(share, "wrong", address="198.51.100.1"))

    clock.shift(timedelta(hours=1))

    for n in range(TARGET.free):
        fail(share, 1, address=f"198.51.101.{n + 1}")


def test_the_right_password_does_not_use_up_the_share_budget(share):
    for n in range(TARGET.free + 20):
        assert guess(share, PASSWORD, address=f"198.51.100.{n + 1}").status_code == 200

    fail(share, 1, address="192.0.2.1")


def test_x_forwarded_for_from_a_peer_that_is_not_a_trusted_proxy_is_ignored(share):
    for n in range(CALLER.free):
        fail(share, 1, address="203.0.113.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}")

    refused = guess(share, PASSWORD, "203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.99")

    assert_too_many(refused)


@pytest.mark.parametrize("proxies", [["10.0.0.0/8"], ["192.0.2.1", "10.1.0.0/16"]])
def test_x_forwarded_for_from_a_trusted_proxy_network_is_believed(share, settings, proxies):
    settings.LOCALPDS_TRUSTED_PROXIES = proxies
    fail(share, CALLER.free, address="10.1.2.3", HTTP_X_FORWARDED_FOR="198.51.100.7")

    same = guess(share, PASSWORD, "10.1.9.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    other = guess(share, PASSWORD, "10.1.2.3", HTTP_X_FORWARDED_FOR="198.51.100.8")

    assert_too_many(same)
    assert other.status_code == 200


def test_an_ipv6_caller_is_counted_by_its_64_network(share):
    for host in range(1, CALLER.free + 1):
        fail(share, 1, address=f"2001:db8:1:2::{host:x}")

    assert_too_many(guess(share, PASSWORD, address="2001:db8:1:2:ffff::1"))
    assert guess(share, PASSWORD, address="2001:db8:1:3::1").status_code == 200


def test_a_missing_password_is_refused_without_being_counted(share):
    for _ in range(CALLER.free * 2):
        assert_error(guess(share, ""), 400, "InvalidResource.SharePwd")

    assert guess(share, PASSWORD).status_code == 200


def test_a_share_without_a_password_is_never_throttled(alice, tree):
    open_share = make_share(alice, [tree.shared])

    answers = {guess(open_share, "").status_code for _ in range(CALLER.free * 3)}

    assert answers == {200}


def test_the_creator_skipping_the_password_is_not_throttled(alice, alice_token, share):
    fail(share, CALLER.free, address="127.0.0.1")
    assert_too_many(guess(share, PASSWORD, address="127.0.0.1"))
    body = {"share_id": share.share_id, "check_share_pwd": False}

    answer = call("share_link/get_share_token", body, token=alice_token)

    assert answer.status_code == 200


def test_counts_that_ended_are_removed_so_the_store_keeps_only_live_ones(share, clock):
    for n in range(50):
        fail(share, 1, address=f"198.51.100.{n + 1}")
    assert AttemptCounter.objects.count() == 51  # 50 callers and the share

    clock.shift(timedelta(days=1, minutes=15))
    fail(share, 1, address="192.0.2.1")

    assert AttemptCounter.objects.count() == 2  # the new caller and the share, counted afresh


def test_no_address_or_share_id_is_stored_in_the_clear(share):
    fail(share, 3, address="198.51.100.77")

    keys = list(AttemptCounter.objects.values_list("key", flat=True))
    assert keys
    assert not any("198.51.100.77" in key or share.share_id in key for key in keys)
