"""The drive's password guard with LOCALPDS_REDIS_URL set: its counts live in Redis.

These use database 3 of the machine's Redis (LOCALPDS_TEST_REDIS_URL to change it), under a
key prefix of their own, and are skipped where none answers, except in CI, where a missing
server is a failure.
"""

import os
import secrets
from datetime import UTC, datetime

import pytest
import redis

from localpds.models import AttemptCounter
from localpds.throttle import CALLER

from .api_helpers import assert_error, call, make_share

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("LOCALPDS_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
PASSWORD = "correct-horse"


@pytest.fixture
def redis_store(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"No Redis answers at {REDIS_URL}")
        pytest.skip(f"No Redis answers at {REDIS_URL}")
    prefix = f"localpds-test-{secrets.token_hex(4)}"
    settings.LOCALPDS_REDIS_URL = REDIS_URL
    settings.LOCALPDS_REDIS_KEY_PREFIX = prefix
    yield prefix
    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"{prefix}:*"):
        connection.delete(key)


@pytest.fixture
def share(alice, tree):
    return make_share(alice, [tree.shared], share_pwd=PASSWORD)


def guess(share, password: str, address: str = "203.0.113.1"):
    body = {"share_id": share.share_id, "share_pwd": password}
    return call("share_link/get_share_token", body, REMOTE_ADDR=address)


def test_with_redis_the_eleventh_guess_waits_and_the_counts_are_in_redis(
    share, redis_store, time_machine
):
    time_machine.move_to(datetime(2030, 3, 4, tzinfo=UTC), tick=False)
    for n in range(CALLER.free):
        assert_error(guess(share, f"wrong-{n}"), 400, "InvalidResource.SharePwd")

    refused = guess(share, PASSWORD)
    other = guess(share, PASSWORD, address="198.51.100.9")
    time_machine.shift(1)
    later = guess(share, PASSWORD)

    assert_error(refused, 429, "TooManyRequests")
    assert refused["Retry-After"] == "1"
    assert other.status_code == 200
    assert later.status_code == 200
    keys = list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{redis_store}:throttle:*"))
    assert keys
    assert all(redis.Redis.from_url(REDIS_URL).ttl(key) > 0 for key in keys)
    assert not AttemptCounter.objects.exists()


def test_with_redis_down_a_password_is_refused_with_503_never_let_through(share, settings):
    settings.LOCALPDS_REDIS_URL = "redis://127.0.0.1:9/3"  # the discard port: nothing answers
    settings.LOCALPDS_REDIS_KEY_PREFIX = f"localpds-test-{secrets.token_hex(4)}"

    response = guess(share, PASSWORD)

    body = assert_error(response, 503, "ServiceUnavailable")
    assert "share_token" not in body
