"""A configured Redis that is down or hung costs visitors a short wait at most, never a 500.

The portal's cache holds only what can be had again, so `common.caches.FailOpenRedisCache`
reads as empty while Redis cannot be reached, sessions are read from their database rows, and
one line says so in the log.
"""

import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.test import Client

from common.backends import cache_setting, database_cache

from .stubs import add_list, add_share, add_token, file_json, url

pytestmark = pytest.mark.django_db

OPEN = "7JQX1FswpQ8"
LOCKED = "sAvciMEXKRz"


def redis_at(settings, url: str) -> None:
    """The settings' cache for REDIS_URL=`url` (sessions stay in the database)."""
    settings.CACHES = settings.CACHES | {
        "default": cache_setting(
            url,
            key_prefix="shareportal-test",
            local=database_cache(table="unused", max_entries=10),
            fail_open=True,
        )
    }


@pytest.fixture
def refused_port() -> int:
    """A port on which nothing listens: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def hung_port() -> Iterator[int]:
    """A server that accepts connections and never answers, as a stuck Redis does."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def open_share(pds) -> None:
    add_share(pds, OPEN, share_name="Open share")
    add_token(pds, OPEN)
    add_list(pds, [file_json("d1", "Docs", folder=True, parent="root")], parent_file_id="root")
    add_list(pds, [file_json("f1", "a.txt", parent="d1")], parent_file_id="d1")
    # Without the cache the folder's breadcrumbs are walked up again: one call.
    pds.post(url("file/get"), json=file_json("d1", "Docs", folder=True, parent="root"))


def warnings_from_the_cache(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "common.caches"]


def test_with_redis_refusing_connections_share_pages_are_served_and_logged_once(
    pds, settings, refused_port, caplog
):
    redis_at(settings, f"redis://127.0.0.1:{refused_port}/6")
    open_share(pds)
    add_share(pds, LOCKED, has_pwd=True)

    with caplog.at_level(logging.WARNING, logger="common.caches"):
        answers = [
            Client().get(f"/s/{OPEN}/"),
            Client().get(f"/s/{OPEN}/folder/d1/"),
            Client().get(f"/s/{LOCKED}/"),
            Client().get("/"),
        ]

    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert "a.txt" in answers[1].content.decode()
    assert 'name="password"' in answers[2].content.decode()
    assert warnings_from_the_cache(caplog) == [
        "Redis cache unreachable (ConnectionError): serving without it"
    ]
    assert not [r for r in caplog.records if r.exc_info]


def test_a_hung_redis_costs_one_short_socket_timeout_not_five_seconds_a_call(
    pds, settings, hung_port, caplog
):
    redis_at(settings, f"redis://127.0.0.1:{hung_port}/6")
    open_share(pds)

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="common.caches"):
        landing = Client().get(f"/s/{OPEN}/")
        folder = Client().get(f"/s/{OPEN}/folder/d1/")
    took = time.monotonic() - started

    assert landing.status_code == folder.status_code == 200
    # A dozen cache calls: the first waits out the 0.5 s timeout, the rest skip Redis.
    assert took < 2.0
    assert warnings_from_the_cache(caplog) == [
        "Redis cache unreachable (TimeoutError): serving without it"
    ]


def test_a_visitor_who_unlocked_keeps_browsing_from_the_database_while_redis_is_down(
    client, pds, settings, refused_port
):
    add_share(pds, LOCKED, has_pwd=True)
    add_token(pds, LOCKED, "pw")
    add_list(pds, [file_json("f1", "secret.txt", parent="root")], parent_file_id="root")
    assert client.post(f"/s/{LOCKED}/", {"password": "pw"}).status_code == 303

    redis_at(settings, f"redis://127.0.0.1:{refused_port}/6")
    response = client.get(f"/s/{LOCKED}/")

    assert response.status_code == 200
    assert "secret.txt" in response.content.decode()
