"""The deployment backends for more than one machine: Redis holds the password-attempt counters.

These run against the Redis server of the machine (database 4 of THROTTLE_TEST_REDIS_URL,
default redis://127.0.0.1:6379/4), each test under a prefix of its own, and are skipped where
none answers, except in CI, where a missing server is a failure.
"""

import os
import secrets
import socket
import time
from collections import Counter
from collections.abc import Iterator

import pytest
import redis
import requests

from ..conftest import stop_process
from .guessing import counting_drive, guess_in_threads, new_password_share
from .test_throttle_live import start_portal

REDIS_URL = os.environ.get("THROTTLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/4")


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own in a Redis that answers; its keys deleted after."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"No Redis answers at {REDIS_URL}")
        pytest.skip(f"No Redis answers at {REDIS_URL}")
    prefix = f"shareportal-test-{secrets.token_hex(4)}"
    yield prefix
    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"{prefix}:*"):
        connection.delete(key)


@pytest.fixture
def throttle_in_redis(settings, redis_prefix) -> str:
    settings.THROTTLE_REDIS_URL = REDIS_URL
    settings.THROTTLE_KEY_PREFIX = redis_prefix
    return redis_prefix


@pytest.mark.django_db
def test_wrong_passwords_are_counted_in_redis_and_the_eleventh_is_refused(
    client, live_pds, portal_settings, throttle_in_redis
):
    share_id, password = new_password_share(live_pds)
    url = f"/s/{share_id}/"

    answers = [client.post(url, {"password": f"wrong-{i}"}).status_code for i in range(11)]

    assert answers[:10] == [400] * 10
    assert answers[10] == 429
    refused = client.post(url, {"password": password})
    assert refused.status_code == 429
    # The pair's 15 minutes, less what the guesses took on a busy machine.
    assert 15 * 60 - 30 <= int(refused["Retry-After"]) <= 15 * 60
    # The counters are in Redis, where every process of the deployment sees them, and expire
    # with their windows.
    connection = redis.Redis.from_url(REDIS_URL)
    keys = list(connection.scan_iter(f"{throttle_in_redis}:*"))
    assert len(keys) == 3
    assert all(0 < connection.ttl(key) <= 3600 for key in keys)


@pytest.mark.django_db
def test_the_right_password_gives_its_attempt_back_in_redis(
    client, live_pds, portal_settings, throttle_in_redis
):
    share_id, password = new_password_share(live_pds)
    url = f"/s/{share_id}/"
    for i in range(9):
        client.post(url, {"password": f"wrong-{i}"})

    assert client.post(url, {"password": password}).status_code == 303
    assert client.post(url, {"password": "wrong-again"}).status_code == 400
    assert client.post(url, {"password": "wrong-once-more"}).status_code == 429


def test_two_portal_processes_share_one_exact_count_in_redis(
    live_pds, tmp_path_factory, redis_prefix
):
    """96 guesses in 16 threads from one address, half to each portal: 10 reach the drive."""
    # The same SECRET_KEY on both, as the README asks of several instances: the counters are
    # keyed by a hash of the address made with it.
    shared = {
        "SECRET_KEY": secrets.token_hex(32),
        "THROTTLE_REDIS_URL": REDIS_URL,
        "THROTTLE_KEY_PREFIX": redis_prefix,
        # The deployment's 0.5 s deadline on Redis is for a Redis that hangs (the test below);
        # here 16 threads, 4 workers and a busy machine may keep a sound one waiting longer, and
        # a guess refused with a 503 would never reach the drive.
        "THROTTLE_REDIS_TIMEOUT": "5",
    }
    with counting_drive(live_pds.url) as drive:
        started = [
            start_portal(tmp_path_factory, drive=drive, live_pds=live_pds, env=shared, workers=2)
            for _ in range(2)
        ]
        try:
            landing = f"/s/{new_password_share(live_pds)[0]}/"
            statuses = guess_in_threads(
                [url for _, url in started],
                landing,
                [landing],
                address_of=lambda n: "192.0.2.44",
            )
        finally:
            for process, _ in started:
                stop_process(process)

    assert (drive.guesses(), Counter(statuses)[429]) == (10, 86), Counter(statuses)


def test_a_portal_whose_redis_hangs_answers_the_password_post_with_a_503(
    live_pds, tmp_path_factory
):
    with socket.socket() as silent, counting_drive(live_pds.url) as drive:
        # Accepts connections (into its backlog) and never answers: a hung Redis.
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        env = {"THROTTLE_REDIS_URL": f"redis://127.0.0.1:{silent.getsockname()[1]}/4"}
        process, url = start_portal(
            tmp_path_factory, drive=drive, live_pds=live_pds, env=env, workers=1
        )
        try:
            landing = f"{url}/s/{new_password_share(live_pds)[0]}/"
            visitor = requests.Session()
            form = visitor.get(landing, timeout=10)
            token = form.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
            began = time.monotonic()
            answer = visitor.post(
                landing,
                data={"csrfmiddlewaretoken": token, "password": "guess"},
                allow_redirects=False,
                timeout=10,
            )
            took = time.monotonic() - began
        finally:
            stop_process(process)

    assert form.status_code == 200  # a page that needs no count still opens
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "30"
    assert "Passwords cannot be checked right now" in answer.text
    assert took < 3
    assert drive.guesses() == 0
