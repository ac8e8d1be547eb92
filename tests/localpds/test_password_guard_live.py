"""The drive's password guard under parallel guessing: a real drive under gunicorn, 2 workers
of 8 threads, its counts in its SQLite database or in Redis, guessed at from 16 threads.

Time runs for real here, so a backoff turn may open while the guesses are still arriving: the
most that may be checked is the free attempts plus the turns that opened in the time the
guessing took, worked out from the policy.
"""

import json
import os
import secrets
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests

from localpds.throttle import CALLER, TARGET, Policy
from tests.conftest import (
    LivePds,
    free_port,
    pds_environment,
    start_gunicorn,
    stop_process,
    wait_until_answering,
)

REDIS_URL = os.environ.get("LOCALPDS_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
PASSWORD = "correct-horse"
THREADS = 16


def redis_answers() -> bool:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False
    return True


@pytest.fixture(scope="module", params=["database", "redis"])
def guarded_pds(request, tmp_path_factory) -> Iterator[LivePds]:
    """A drive with 2 workers that believes X-Forwarded-For from 127.0.0.1 (as `make run`)."""
    prefix = f"localpds-test-{secrets.token_hex(4)}"
    extra: dict[str, str] = {}
    if request.param == "redis":
        if not redis_answers():
            if os.environ.get("CI"):
                pytest.fail(f"No Redis answers at {REDIS_URL}")
            pytest.skip(f"No Redis answers at {REDIS_URL}")
        extra |= {"LOCALPDS_REDIS_URL": REDIS_URL, "LOCALPDS_REDIS_KEY_PREFIX": prefix}
    data_dir = tmp_path_factory.mktemp(f"guarded-pds-{request.param}")
    port = free_port()
    secret = "guarded-pds-client-secret"
    env = pds_environment(data_dir=data_dir, port=port, client_secret=secret) | extra
    pds = LivePds(url=f"http://127.0.0.1:{port}", demo={}, env=env, client_secret=secret)
    pds.manage("migrate", "--noinput", "-v", "0")
    pds.demo = json.loads(pds.manage("seed_demo", "--json"))
    log = data_dir / "gunicorn.log"
    process = start_gunicorn("localpds.wsgi:application", port=port, env=env, log=log, workers=2)
    try:
        wait_until_answering(pds.url + "/v2/", process, log)
        yield pds
    finally:
        stop_process(process)
        if request.param == "redis":
            connection = redis.Redis.from_url(REDIS_URL)
            for key in connection.scan_iter(f"{prefix}:*"):
                connection.delete(key)


def new_share(pds: LivePds) -> str:
    """A fresh password share of alice's, so that no test inherits another's counts."""
    drive = pds.post("drive/get_default_drive", {}, user="alice").json()
    body = {"drive_id": drive["drive_id"], "share_all_files": True, "share_pwd": PASSWORD}
    created = pds.post("share_link/create", body, user="alice")
    assert created.status_code == 201, created.text
    return created.json()["share_id"]


def most_checked(policy: Policy, seconds: float) -> int:
    """The most attempts `policy` can let through in `seconds`: the free ones, then one more
    each time a backoff (base, 2 base, 4 base, ... up to the cap) has run out."""
    turns, waited = 0, 0.0
    while (waited := waited + policy.delay(policy.free + turns)) <= seconds:
        turns += 1
    return policy.free + turns


def guess_in_parallel(
    pds: LivePds, share_id: str, forwarded_for: list[str]
) -> tuple[Counter, float]:
    """One wrong guess per entry, from 16 threads (an entry of "" sends no X-Forwarded-For);
    the statuses answered, and how long it all took."""

    def guess(n: int) -> int:
        headers = {"X-Forwarded-For": forwarded_for[n]} if forwarded_for[n] else {}
        body = {"share_id": share_id, "share_pwd": f"wrong-{n}"}
        response = session.post(
            f"{pds.url}/v2/share_link/get_share_token", json=body, headers=headers, timeout=30
        )
        if response.status_code == 429:
            assert response.json()["code"] == "TooManyRequests"
            assert int(response.headers["Retry-After"]) >= 1
        return response.status_code

    session = requests.Session()
    # A connection per thread, kept: otherwise urllib3 warns of a full pool on every answer.
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=THREADS))
    started = time.monotonic()
    with ThreadPoolExecutor(THREADS) as pool:
        statuses = Counter(pool.map(guess, range(len(forwarded_for))))
    return statuses, time.monotonic() - started


def test_48_parallel_guesses_from_one_address_let_at_most_the_limit_reach_the_password(
    guarded_pds,
):
    share_id = new_share(guarded_pds)

    statuses, seconds = guess_in_parallel(guarded_pds, share_id, [""] * 48)

    assert set(statuses) <= {400, 429}, statuses
    assert CALLER.free <= statuses[400] <= most_checked(CALLER, seconds), (statuses, seconds)
    assert statuses[429] == 48 - statuses[400]


def test_parallel_guesses_from_many_addresses_are_held_to_the_shares_budget(guarded_pds):
    share_id = new_share(guarded_pds)
    addresses = [f"198.51.{n // 200}.{n % 200 + 1}" for n in range(TARGET.free + 60)]

    statuses, seconds = guess_in_parallel(guarded_pds, share_id, addresses)

    assert set(statuses) <= {400, 429}, statuses
    # Past the budget an address that has not failed here yet still gets a check of its own
    # (so that nobody can keep the right password out by taking every turn), so a first
    # round from fresh addresses is bounded by the budget plus one check per such address...
    first = statuses[400]
    assert TARGET.free <= first <= most_checked(TARGET, seconds) + 60, (statuses, seconds)
    # ... and a second round from the same addresses by the share's turns plus one check for
    # each address the first round did not check (those have still not failed here).
    statuses, seconds = guess_in_parallel(guarded_pds, share_id, addresses)
    assert set(statuses) <= {400, 429}, statuses
    turns = most_checked(TARGET, seconds) - TARGET.free + 1
    assert statuses[400] <= turns + len(addresses) - first, (statuses, seconds, first)
    # The share is spaced out, not closed: the right password gets in once its turn comes.
    body = {"share_id": share_id, "share_pwd": PASSWORD}
    headers = {"X-Forwarded-For": "192.0.2.77"}
    answer = guarded_pds.post("share_link/get_share_token", body, **headers)
    if answer.status_code == 429:
        time.sleep(int(answer.headers["Retry-After"]))
        answer = guarded_pds.post("share_link/get_share_token", body, **headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["share_token"]
