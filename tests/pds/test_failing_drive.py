"""A failing drive: the retry budget, the circuit breaker per host and the bulkhead.

The deadline itself needs real sockets: `tests/integration/test_failing_drive.py` runs the
client against the fault-injecting stub drive.
"""

import threading
import time

import pytest
import requests

from shareportal.pds import errors
from shareportal.pds.client import PdsClient

from .stubs import API, AUTH, anonymous_share_json, url


class Clock:
    """A `time.monotonic` the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_client(sleeps: list[float], **options) -> PdsClient:
    return PdsClient(
        API,
        auth_endpoint=AUTH,
        connect_timeout=1,
        read_timeout=2,
        sleep=sleeps.append,
        **options,
    )


def test_at_total_failure_retries_add_about_a_tenth_of_the_calls(pds, sleeps):
    client = make_client(sleeps, breaker_failures=10_000)
    pds.post(url("file/get"), body=requests.ConnectionError("reset"))

    for _ in range(200):
        with pytest.raises(errors.Unavailable):
            client.get_file(file_id="f", share_id="S1234", share_token="t")

    # 200 first attempts; the budget's reserve of 3 plus a tenth of a retry per call.
    assert 200 < len(pds.calls) <= 200 + 3 + 20
    assert len(sleeps) == len(pds.calls) - 200


def test_the_password_post_reaches_the_drive_at_most_twice(client, pds, sleeps):
    pds.post(url("share_link/get_share_token"), body=requests.ConnectionError("reset"))

    with pytest.raises(errors.Unavailable):
        client.get_share_token("S1234", "a-password")

    assert len(pds.calls) == 2


def test_after_a_run_of_failures_the_breaker_fails_fast_without_asking(pds, sleeps):
    client = make_client(sleeps, breaker_failures=3, breaker_cooldown=10, clock=Clock())
    pds.post(url("user/get"), status=500, json={"code": "InternalError"})

    for _ in range(3):
        with pytest.raises(errors.Unavailable):
            client.get_user("at")
    with pytest.raises(errors.CircuitOpen) as caught:
        client.get_user("at")

    assert len(pds.calls) == 3
    assert caught.value.status == 503
    assert caught.value.retry_after == 10


def test_after_its_cooldown_the_breaker_lets_one_probe_through_and_closes(pds, sleeps):
    clock = Clock()
    client = make_client(sleeps, breaker_failures=2, breaker_cooldown=10, clock=clock)
    failing = pds.post(url("share_link/get_by_anonymous"), status=500, json={})
    for _ in range(2):
        with pytest.raises(errors.Unavailable):
            client.get_share_link_by_anonymous("S1234")
    pds.remove(failing)
    pds.post(url("share_link/get_by_anonymous"), json=anonymous_share_json())

    clock.now += 4
    with pytest.raises(errors.CircuitOpen) as still_open:
        client.get_share_link_by_anonymous("S1234")
    clock.now += 6
    probe = client.get_share_link_by_anonymous("S1234")
    after = client.get_share_link_by_anonymous("S1234")

    assert still_open.value.retry_after == 6
    assert probe.share_name == after.share_name == "Holiday photos"
    assert len(pds.calls) == 4  # two failures, the probe, and one call of a closed breaker


def test_a_failed_probe_opens_the_breaker_for_another_cooldown(pds, sleeps):
    clock = Clock()
    client = make_client(sleeps, breaker_failures=1, breaker_cooldown=10, clock=clock)
    pds.post(url("user/get"), body=requests.ConnectionError("refused"))
    with pytest.raises(errors.Unavailable):
        client.get_user("at")

    clock.now += 10
    with pytest.raises(errors.Unavailable):
        client.get_user("at")  # the probe: failed, and not retried
    clock.now += 9
    with pytest.raises(errors.CircuitOpen):
        client.get_user("at")

    assert len(pds.calls) == 2


def test_answers_of_the_api_4xx_included_never_open_the_breaker(pds, sleeps):
    client = make_client(sleeps, breaker_failures=2)
    pds.post(url("share_link/get_by_anonymous"), status=404, json={"code": "NotFound.ShareLink"})

    for _ in range(5):
        with pytest.raises(errors.ShareNotFound):
            client.get_share_link_by_anonymous("S1234")

    assert len(pds.calls) == 5


def test_garbage_from_the_drive_counts_as_a_failure_of_the_drive(pds, sleeps):
    client = make_client(sleeps, breaker_failures=2)
    pds.post(url("user/get"), body="<html>not json")

    for _ in range(2):
        with pytest.raises(errors.BadResponse):
            client.get_user("at")
    with pytest.raises(errors.CircuitOpen):
        client.get_user("at")

    assert len(pds.calls) == 2


def test_each_drive_host_has_its_own_breaker(pds, sleeps):
    client = make_client(sleeps, breaker_failures=1)
    pds.post(url("user/get"), status=502, json={})
    pds.post(f"{AUTH}/v2/oauth/token", json={"access_token": "a", "expires_in": 3600})
    with pytest.raises(errors.Unavailable):
        client.get_user("at")

    tokens = client.oauth_refresh(refresh_token="rt")

    assert tokens.access_token == "a"
    with pytest.raises(errors.CircuitOpen):
        client.get_user("at")


def test_a_call_finding_every_slot_taken_fails_fast_as_503_with_retry_after(pds, sleeps):
    client = make_client(sleeps, max_concurrent_calls=1, slot_wait=0.05)
    inside, release = threading.Event(), threading.Event()

    def slow_answer(request):
        inside.set()
        release.wait(5)
        return 200, {}, '{"user_id": "u1"}'

    pds.add_callback("POST", url("user/get"), callback=slow_answer)
    holder = threading.Thread(target=client.get_user, args=("at",))
    holder.start()
    try:
        assert inside.wait(5)
        with pytest.raises(errors.NoSlot) as caught:
            client.get_user("at")
    finally:
        release.set()
        holder.join(5)

    assert caught.value.status == 503
    assert caught.value.retry_after >= 1
    assert len(pds.calls) == 1
    assert client.get_user("at").user_id == "u1"  # the slot is free again


def test_a_retry_is_not_made_when_the_deadline_leaves_no_time_for_it(pds, sleeps):
    client = make_client(sleeps, deadline=0.3)
    pds.post(url("file/get"), status=502, json={})

    with pytest.raises(errors.Unavailable):
        client.get_file(file_id="f", share_id="S1234", share_token="t")

    assert len(pds.calls) == 1
    assert sleeps == []


def held_slot(pds, client: PdsClient) -> tuple[threading.Event, threading.Thread]:
    """A call holding the client's one slot until the returned event is set."""
    inside, release = threading.Event(), threading.Event()

    def slow_answer(request):
        if not inside.is_set():
            inside.set()
            release.wait(5)
        return 200, {}, '{"user_id": "u1"}'

    pds.add_callback("POST", url("user/get"), callback=slow_answer)
    holder = threading.Thread(target=client.get_user, args=("at",))
    holder.start()
    assert inside.wait(5)
    return release, holder


def test_once_a_wait_saw_no_call_finish_the_next_calls_fail_at_once(pds, sleeps):
    client = make_client(sleeps, max_concurrent_calls=1, slot_wait=0.2)
    release, holder = held_slot(pds, client)
    try:
        started = time.monotonic()
        with pytest.raises(errors.NoSlot):
            client.get_user("at")  # waits its 0.2 s: nothing finishes
        waited = time.monotonic() - started
        started = time.monotonic()
        with pytest.raises(errors.NoSlot):
            client.get_user("at")  # the slot is stuck: no wait at all
        second = time.monotonic() - started
    finally:
        release.set()
        holder.join(5)

    assert waited >= 0.2
    assert second < 0.05
    assert client.get_user("at").user_id == "u1"  # a finished call ends the stuck state


def test_a_call_waits_its_turn_while_the_drive_is_busy_but_answering(pds, sleeps):
    client = make_client(sleeps, max_concurrent_calls=1, slot_wait=2)
    release, holder = held_slot(pds, client)
    threading.Timer(0.1, release.set).start()

    user = client.get_user("at")
    holder.join(5)

    assert user.user_id == "u1"
    assert len(pds.calls) == 2
