"""Two real portal processes behind one Redis and one database, as several machines run.

A visitor unlocks a password share on instance A and browses it on instance B; a share
without a password is read by both with the one token held in Redis. The Redis is the
machine's (database 6, a prefix of the test's own), skipped where none answers, except in CI.
"""

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests

from tests.conftest import (
    BASE_DIR,
    free_port,
    portal_environment,
    start_gunicorn,
    stop_process,
    wait_until_answering,
)

REDIS_URL = "redis://127.0.0.1:6379/6"


@dataclass
class Instances:
    a: str
    b: str
    prefix: str
    redis: redis.Redis


@pytest.fixture(scope="module")
def instances(live_pds, tmp_path_factory) -> Iterator[Instances]:
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"No Redis answers at {REDIS_URL}")
        pytest.skip(f"No Redis answers at {REDIS_URL}")
    prefix = f"shareportal-test-{secrets.token_hex(4)}"
    shared = tmp_path_factory.mktemp("two-instances")
    # What every instance of a deployment shares: the key, the database and Redis.
    common = portal_environment(data_dir=shared, client_secret=live_pds.client_secret) | {
        "DATABASE_URL": f"sqlite:///{shared / 'db.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "PDS_API_ENDPOINT": live_pds.url,
        "PDS_DATA_ORIGINS": live_pds.url,
    }
    release = subprocess.run(
        ["bash", "-c", f"{sys.executable} manage.py migrate --noinput -v 0"],
        cwd=BASE_DIR,
        env=common,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert release.returncode == 0, release.stdout + release.stderr

    processes: list[subprocess.Popen] = []
    urls = []
    try:
        for name in ("a", "b"):
            port = free_port()
            data_dir: Path = tmp_path_factory.mktemp(f"instance-{name}")
            env = common | {
                "DATA_DIR": str(data_dir),
                "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            }
            log = data_dir / "gunicorn.log"
            process = start_gunicorn("shareportal.wsgi:application", port=port, env=env, log=log)
            processes.append(process)
            url = f"http://127.0.0.1:{port}"
            wait_until_answering(url + "/", process, log, name=f"Portal instance {name}")
            urls.append(url)
        yield Instances(a=urls[0], b=urls[1], prefix=prefix, redis=connection)
    finally:
        for process in processes:
            stop_process(process)
        for key in connection.scan_iter(f"{prefix}:*"):
            connection.delete(key)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_a_visitor_who_unlocks_on_one_instance_browses_the_share_on_the_other(instances, live_pds):
    share = live_pds.demo["shares"]["password"]
    path = f"/s/{share['share_id']}/"
    # One browser: cookies ignore ports, so both instances get the same ones.
    browser = requests.Session()
    form = browser.get(instances.a + path, timeout=10)
    assert 'name="password"' in form.text

    unlocked = browser.post(
        instances.a + path,
        {"csrfmiddlewaretoken": csrf_of(form.text), "password": share["password"]},
        headers={"Referer": instances.a + path},
        allow_redirects=False,
        timeout=10,
    )
    assert unlocked.status_code == 303, unlocked.text
    on_b = browser.get(instances.b + path, timeout=10)

    assert on_b.status_code == 200
    assert 'name="password"' not in on_b.text
    # The share's one folder, opened on its landing page: a link to a file in it.
    assert f'href="{path}download/' in on_b.text
    # B read the session A wrote from the database every instance shares, not from a copy in
    # Redis (which, failing open, could bring a sign-out back to life after an outage).
    session_key = browser.cookies["web_sessionid"]
    assert not list(instances.redis.scan_iter(f"*{session_key}*"))


def test_both_instances_read_an_open_share_with_the_one_token_held_in_redis(instances, live_pds):
    share_id = live_pds.demo["shares"]["open"]["share_id"]

    first = requests.get(f"{instances.a}/s/{share_id}/", timeout=10)
    held = instances.redis.get(f"{instances.prefix}:1:share-token:{share_id}")
    second = requests.get(f"{instances.b}/s/{share_id}/", timeout=10)

    assert first.status_code == second.status_code == 200
    assert "welcome.txt" in first.text and "welcome.txt" in second.text
    assert not first.cookies and not second.cookies
    assert held is not None
    # B used A's token: had it got its own, it would have replaced the one held.
    assert instances.redis.get(f"{instances.prefix}:1:share-token:{share_id}") == held
