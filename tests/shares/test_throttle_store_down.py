"""The password POST fails closed when the throttle's store fails: 503, never a 500.

Guessing without a count is what the throttle prevents, so a password is not checked at all
while its store is down, and a store that hangs costs the visitor a short timeout.
"""

import socket
import time
from collections.abc import Iterator

import pytest
from django.db import OperationalError, connection

from .stubs import calls_to

pytestmark = pytest.mark.django_db

SHARE = "YgHgBeXGZWr"


@pytest.fixture
def closed_port() -> int:
    """A local port where nothing listens: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A local port that accepts connections (into its backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


def _assert_fails_closed(response, pds) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Passwords cannot be checked right now" in page
    assert "You can try again in a moment" in page
    assert f'href="/s/{SHARE}/"' in page
    assert calls_to(pds, "share_link/get_share_token") == []


def test_a_redis_that_refuses_connections_pauses_passwords_with_a_503(
    client, pds, settings, closed_port
):
    settings.THROTTLE_REDIS_URL = f"redis://127.0.0.1:{closed_port}/4"

    response = client.post(f"/s/{SHARE}/", {"password": "guess"})

    _assert_fails_closed(response, pds)


def test_a_redis_that_never_answers_costs_a_short_timeout(client, pds, settings, silent_port):
    settings.THROTTLE_REDIS_URL = f"redis://127.0.0.1:{silent_port}/4"
    settings.THROTTLE_REDIS_TIMEOUT = 0.5

    started = time.monotonic()
    response = client.post(f"/s/{SHARE}/", {"password": "guess"})
    took = time.monotonic() - started

    _assert_fails_closed(response, pds)
    assert took < 2


def test_a_failing_database_store_pauses_passwords_with_a_503(client, pds):
    def locked(execute, sql, params, many, context):
        if "shares_attemptcounter" in sql:
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(locked):
        response = client.post(f"/s/{SHARE}/", {"password": "guess"})

    _assert_fails_closed(response, pds)


def test_the_failure_is_logged_without_the_password(client, pds, settings, closed_port, caplog):
    settings.THROTTLE_REDIS_URL = f"redis://127.0.0.1:{closed_port}/4"

    client.post(f"/s/{SHARE}/", {"password": "hunter2-secret"})

    assert "The password throttle's store failed: ConnectionError" in caplog.text
    assert "hunter2" not in caplog.text
