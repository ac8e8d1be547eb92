"""The password throttle holds against parallel guesses: a portal under gunicorn with four
workers of eight threads, the real drive behind a proxy that counts what reaches it.

The default store, the portal's database, is what these run against: SQLite, or a fresh
database on the PostgreSQL server of DATABASE_URL when that is one (`make test-postgres`).
"""

import os
import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import pytest

from ..common.python_process import run_python
from ..conftest import (
    free_port,
    portal_environment,
    start_gunicorn,
    stop_process,
    wait_until_answering,
)
from .guessing import CountingDrive, counting_drive, guess_in_threads, new_password_share


@dataclass
class LivePortal:
    url: str
    drive: CountingDrive
    landing: str  # the page of a password share of its own


@contextmanager
def portal_database(data_dir) -> Iterator[str]:
    """The URL of a database of the portal's own for one test module, dropped after."""
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{data_dir / 'db.sqlite3'}"
        return
    name = f"throttle_live_{secrets.token_hex(4)}"
    base = server.rpartition("/")[0]
    # The server's own maintenance database: the one named in DATABASE_URL may not exist.
    maintenance = f"{base}/postgres"
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_portal(tmp_path_factory, *, drive: CountingDrive, live_pds, env: dict, workers: int):
    """A portal process in front of `drive`, migrated, answering; returns (process, url)."""
    data_dir = tmp_path_factory.mktemp("portal")
    env = (
        portal_environment(data_dir=data_dir, client_secret=live_pds.client_secret)
        | {
            "PDS_API_ENDPOINT": drive.url,
            "PDS_DATA_ORIGINS": live_pds.url,
            # The guessers claim their addresses through X-Forwarded-For, as behind a proxy.
            "TRUSTED_PROXIES": "127.0.0.1",
            "THROTTLE_REDIS_URL": "",
        }
        | env
    )
    done = run_python("manage.py", "migrate", "--noinput", "-v", "0", env=env)
    assert done.returncode == 0, done.stderr
    port = free_port()
    log = data_dir / "web.log"
    process = start_gunicorn(
        "shareportal.wsgi:application", port=port, env=env, log=log, workers=workers
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(url + "/", process, log, name="The portal")
    except BaseException:
        stop_process(process)
        raise
    return process, url


@pytest.fixture(scope="module")
def portal(live_pds, tmp_path_factory) -> Iterator[LivePortal]:
    with (
        counting_drive(live_pds.url) as drive,
        portal_database(tmp_path_factory.mktemp("portal-db")) as database,
    ):
        process, url = start_portal(
            tmp_path_factory,
            drive=drive,
            live_pds=live_pds,
            env={"DATABASE_URL": database},
            workers=4,
        )
        try:
            share_id, _ = new_password_share(live_pds)
            yield LivePortal(url=url, drive=drive, landing=f"/s/{share_id}/")
        finally:
            stop_process(process)


def _fresh_address() -> str:
    """An address no other test used, so that each test starts with empty counters."""
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def test_96_wrong_guesses_in_16_threads_from_one_address_let_10_reach_the_drive(portal):
    address = _fresh_address()
    before = portal.drive.guesses()

    statuses = guess_in_threads(
        [portal.url], portal.landing, [portal.landing], address_of=lambda n: address
    )

    assert portal.drive.guesses() - before == 10
    # The portal refused the rest itself (what the drive said of the ten is the drive's).
    assert Counter(statuses)[429] == 86


def test_an_address_guessing_on_many_shares_gets_50_to_the_drive_in_an_hour(portal):
    address = _fresh_address()
    # Eight shares that do not exist: the drive still has to be asked to know that.
    shares = [f"/s/NoSuchShare{n:02d}/" for n in range(8)]
    before = portal.drive.guesses()

    statuses = guess_in_threads(
        [portal.url], portal.landing, shares, per_thread=6, address_of=lambda n: address
    )

    assert portal.drive.guesses() - before == 50
    assert Counter(statuses)[429] == 46


def test_twenty_addresses_on_one_share_are_slowed_once_it_had_a_hundred(portal, live_pds):
    share_id, _ = new_password_share(live_pds)
    addresses = [_fresh_address() for _ in range(20)]
    before = portal.drive.guesses()

    # 200 guesses: each of 20 visitors sends 10, on a share the others have not touched.
    statuses = guess_in_threads(
        [portal.url],
        portal.landing,
        [f"/s/{share_id}/"],
        threads=20,
        per_thread=10,
        address_of=lambda n: addresses[n],
    )

    # 100 from all addresses together, then at most 3 more from each: never all 200. A guess
    # the portal gave up on (the drive too slow on a loaded machine: a 5xx page) still took
    # its turn, so it counts among the 100 although the drive may not have seen it.
    reached = portal.drive.guesses() - before
    gave_up = sum(1 for status in statuses if status >= 500)
    assert reached + gave_up >= 100
    assert reached <= 100 + 20 * 3
