"""Shared fixtures for integration tests: the real embedded PDS, running in its own process.

`live_pds` starts the drive (`localpds`) under gunicorn exactly as production does, with its
own settings, data directory and database, seeded with the demo data; `portal_settings`
points the portal (the test process) at it, so a test can go portal -> HTTP -> PDS and back.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_environment() -> dict[str, str]:
    """This process's environment without any setting of either project (the developer's)."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PDS_", "LOCALPDS_", "DJANGO_", "THROTTLE_", "PASSWORD_"))
        and key not in ("REDIS_URL", "DATABASE_URL", "DATA_DIR", "PORT", "PDS_PORT", "HOST")
    }


def portal_environment(*, data_dir: Path, client_secret: str) -> dict[str, str]:
    """The environment of a private portal (`web`): its own data directory and database.

    `client_secret` is the portal's OAuth client secret, which the drive registers when seeding.
    """
    return clean_environment() | {
        "SECRET_KEY": secrets.token_hex(32),
        "DEBUG": "0",
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PDS_OAUTH_CLIENT_ID": "shareportal",
        "PDS_OAUTH_CLIENT_SECRET": client_secret,
        "LOG_LEVEL": "WARNING",
    }


def pds_environment(
    *, data_dir: Path, port: int, client_secret: str, portal_url: str = "http://testserver"
) -> dict[str, str]:
    """The environment of a private drive answering on 127.0.0.1:`port`, in the drive's own
    names: its own data directory and database, the portal at `portal_url`."""
    return clean_environment() | {
        "LOCALPDS_SECRET_KEY": secrets.token_hex(32),
        "DEBUG": "0",
        "LOCALPDS_DATA_DIR": str(data_dir),
        "LOCALPDS_DATABASE_URL": f"sqlite:///{data_dir / 'db.sqlite3'}",
        "LOCALPDS_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOCALPDS_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LOCALPDS_PORTAL_URL": portal_url,
        "LOCALPDS_OAUTH_CLIENT_ID": "shareportal",
        "LOCALPDS_OAUTH_CLIENT_SECRET": client_secret,
        # As `make run` sets it: the portal calls from here and forwards each visitor's address,
        # which the drive's password guard counts by.
        "LOCALPDS_TRUSTED_PROXIES": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }


@dataclass
class LivePds:
    """A running embedded PDS: its base `url`, the seeded `demo` (seed_demo --json)."""

    url: str
    demo: dict
    env: dict[str, str] = field(repr=False)
    client_secret: str = field(repr=False)
    _tokens: dict[str, str] = field(default_factory=dict, repr=False)

    def manage(self, *args: str) -> str:
        """Run `python -m localpds <args>` against this drive's database; return its output."""
        done = subprocess.run(
            [sys.executable, "-m", "localpds", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"python -m localpds {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout

    def access_token(self, user_name: str = "alice") -> str:
        """An owner's access token (one hour) for `Authorization: Bearer ...`; cached."""
        if user_name not in self._tokens:
            self._tokens[user_name] = self.manage("pds_token", user_name).strip()
        return self._tokens[user_name]

    def post(self, operation: str, body: dict, *, user: str | None = None, **headers: str):
        """POST a `/v2/<operation>` call; `user` signs it with that owner's access token."""
        if user:
            headers["Authorization"] = f"Bearer {self.access_token(user)}"
        return requests.post(f"{self.url}/v2/{operation}", json=body, headers=headers, timeout=10)


def start_gunicorn(
    app: str,
    *,
    port: int,
    env: dict[str, str],
    log: Path,
    access_log: bool = False,
    workers: int = 1,
    tls: tuple[Path, Path] | None = None,
) -> subprocess.Popen:
    """Start `app` under gunicorn on 127.0.0.1:`port` as production does; output goes to `log`.

    `access_log` adds the access log the Procfile asks for (`--access-logfile -`), in the same
    output; `workers` is how many processes (of 8 threads each) serve; `tls` (a certificate
    and its key) serves https.
    """
    with log.open("wb") as log_file:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                app,
                "--bind",
                f"127.0.0.1:{port}",
                "--worker-class",
                "gthread",
                "--workers",
                str(workers),
                "--threads",
                "8",
                # Test servers running side by side would fight over gunicorn's one socket.
                "--no-control-socket",
                *(["--access-logfile", "-"] if access_log else []),
                *(["--certfile", str(tls[0]), "--keyfile", str(tls[1])] if tls else []),
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )


def wait_until_answering(
    url: str,
    process: subprocess.Popen,
    log: Path,
    *,
    name: str = "The embedded PDS",
    verify: bool | str = True,
) -> None:
    """Wait until `url` gives any HTTP answer; fail with the server's log if it never does."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited while starting:\n{log.read_text()}")
        try:
            requests.get(url, timeout=1, verify=verify)
            return
        # A slow first answer (a worker still importing) is not a reason to give up yet.
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    process.terminate()
    pytest.fail(f"{name} did not answer in {START_TIMEOUT:.0f}s:\n{log.read_text()}")


def stop_process(process: subprocess.Popen) -> None:
    """Terminate a server we started, killing it if it does not stop within 10 seconds."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def live_pds(tmp_path_factory) -> Iterator[LivePds]:
    """The real embedded PDS under gunicorn on a free port, migrated and seeded."""
    data_dir = tmp_path_factory.mktemp("live-pds")
    port = free_port()
    client_secret = "live-pds-client-secret"
    env = pds_environment(data_dir=data_dir, port=port, client_secret=client_secret)
    pds = LivePds(url=f"http://127.0.0.1:{port}", demo={}, env=env, client_secret=client_secret)
    pds.manage("migrate", "--noinput", "-v", "0")
    pds.demo = json.loads(pds.manage("seed_demo", "--json"))

    log = data_dir / "gunicorn.log"
    process = start_gunicorn("localpds.wsgi:application", port=port, env=env, log=log)
    try:
        wait_until_answering(pds.url + "/v2/", process, log)
        yield pds
    finally:
        stop_process(process)


@pytest.fixture
def portal_settings(settings, live_pds):
    """Point the portal (this test process) at the live embedded PDS."""
    settings.PUBLIC_BASE_URL = "http://testserver"
    settings.PDS_API_ENDPOINT = live_pds.url
    settings.PDS_AUTH_ENDPOINT = live_pds.url
    settings.PDS_DATA_ORIGINS = [live_pds.url]
    settings.PDS_OAUTH_CLIENT_ID = "shareportal"
    settings.PDS_OAUTH_CLIENT_SECRET = live_pds.client_secret
    settings.PDS_OAUTH_AUTHORIZE_URL = f"{live_pds.url}/v2/oauth/authorize"
    settings.PDS_OAUTH_REDIRECT_URI = "http://testserver/dashboard/oauth/callback/"
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "img-src": [CSP.SELF, "data:", live_pds.url],
        "media-src": [CSP.SELF, live_pds.url],
    }
    return settings
