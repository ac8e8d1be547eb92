"""The deployment backends for more than one machine: Redis holds the password-attempt counters.

These run against the Redis server of the machine (REDIS_URL, default localhost:6379) and are
skipped where none answers, except in CI, where a missing server is a failure.
"""

import os
import secrets

import pytest
import redis

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_cache(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"No Redis answers at {REDIS_URL}")
        pytest.skip(f"No Redis answers at {REDIS_URL}")
    prefix = f"shareportal-test-{secrets.token_hex(4)}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"{prefix}:*"):
        connection.delete(key)


@pytest.mark.django_db
def test_wrong_passwords_are_counted_in_redis_and_the_eleventh_is_refused(
    client, live_pds, portal_settings, redis_cache
):
    url = live_pds.demo["shares"]["password"]["url"].replace("http://testserver", "")

    answers = [client.post(url, {"password": f"wrong-{i}"}).status_code for i in range(11)]

    assert answers[:10] == [400] * 10
    assert answers[10] == 429
    refused = client.post(url, {"password": live_pds.demo["shares"]["password"]["password"]})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    # The counters are in Redis, where every process of the deployment sees them.
    assert list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{redis_cache}:*"))
