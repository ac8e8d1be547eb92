"""Benchmark: `file/list` on a 10-item folder against a 10,000-item folder.

Keyset pagination should make every page cost about the same, however big the folder and however
deep the page. This starts a private embedded PDS under gunicorn (as production runs it), fills
one drive with a 10-item and a 10,000-item folder, and times over real HTTP, round-robin so that
any drift of the machine hits all three alike:

- the 10-item folder (the baseline),
- the first page of the 10,000-item folder,
- a late page of it (page 150, reached by walking the markers first).

Target: each within 1.5x of the baseline (medians).
"""

import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parent.parent
SMALL, BIG = 10, 10_000
LIMIT = 50
LATE_PAGE = 150
WARMUP_ROUNDS = 30
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
TARGET = 1.5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configure(data_dir: Path, port: int) -> dict[str, str]:
    """Point this process (and the server it starts) at a private PDS in `data_dir`."""
    env = {key: value for key, value in os.environ.items() if key != "LOCALPDS_REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="localpds.settings",
        LOCALPDS_SECRET_KEY=secrets.token_hex(32),
        DEBUG="0",
        LOCALPDS_DATA_DIR=str(data_dir),
        LOCALPDS_DATABASE_URL=f"sqlite:///{data_dir / 'db.sqlite3'}",
        LOCALPDS_ALLOWED_HOSTS="127.0.0.1",
        LOCALPDS_PUBLIC_URL=f"http://127.0.0.1:{port}",
        LOG_LEVEL="WARNING",
    )
    os.environ.update(env)
    return env


def populate() -> tuple[str, str, str, str]:
    """Create the owner and both folders; return (token, drive id, small id, big id)."""
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    from localpds.models import File
    from localpds.storage import file_build, folder_create, user_create
    from localpds.tokens import access_token_issue

    call_command("migrate", verbosity=0)
    owner = user_create(user_name="bench", password="", role="user")
    drive = owner.drives.get()
    start = datetime(2025, 1, 1, tzinfo=UTC)
    folders = {}
    for count in (SMALL, BIG):
        folder = folder_create(drive=drive, parent=None, name=f"{count} items")
        # Rows only: listing never reads the contents, so no blobs are written.
        File.objects.bulk_create(
            (
                file_build(
                    drive=drive,
                    parent=folder,
                    name=f"file-{i:05d}.txt",
                    content_hash=f"{i:040X}",
                    size=i,
                    created_at=start + timedelta(seconds=i),
                )
                for i in range(count)
            ),
            batch_size=1000,
        )
        folders[count] = folder.file_id
    token, _ = access_token_issue(user=owner)
    return token, drive.drive_id, folders[SMALL], folders[BIG]


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "localpds.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--worker-class",
                "gthread",
                "--workers",
                "1",
                "--threads",
                "4",
                "--no-control-socket",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The PDS did not start:\n{log.read_text()}")
        try:
            requests.get(f"http://127.0.0.1:{port}/v2/", timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"The PDS did not answer within 60s:\n{log.read_text()}")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-file-list-") as tmp:
        data_dir = Path(tmp)
        port = free_port()
        env = configure(data_dir, port)
        token, drive_id, small_id, big_id = populate()
        server = start_server(env, port, data_dir / "gunicorn.log")
        try:
            return measure(f"http://127.0.0.1:{port}", token, drive_id, small_id, big_id)
        finally:
            server.terminate()
            server.wait(timeout=15)


def measure(url: str, token: str, drive_id: str, small_id: str, big_id: str) -> int:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def call(parent: str, marker: str = "") -> dict:
        body = {"drive_id": drive_id, "parent_file_id": parent, "limit": LIMIT}
        if marker:
            body["marker"] = marker
        response = session.post(f"{url}/v2/file/list", json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    marker = ""
    for _ in range(LATE_PAGE - 1):
        marker = call(big_id, marker)["next_marker"]
    late_first = call(big_id, marker)["items"][0]["name"]
    print(f"file/list, limit {LIMIT}; late page {LATE_PAGE} starts at {late_first}")

    cases = {
        f"{SMALL}-item folder": (small_id, ""),
        f"{BIG:,}-item folder, first page": (big_id, ""),
        f"{BIG:,}-item folder, page {LATE_PAGE}": (big_id, marker),
    }
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for round_number in range(WARMUP_ROUNDS + ROUNDS):
        for name, (parent, page_marker) in cases.items():
            started = time.perf_counter()
            call(parent, page_marker)
            elapsed = time.perf_counter() - started
            if round_number >= WARMUP_ROUNDS:
                timings[name].append(elapsed)

    medians = {name: statistics.median(values) for name, values in timings.items()}
    baseline = medians[f"{SMALL}-item folder"]
    failed = False
    print(f"{ROUNDS} rounds, round-robin, medians (p90):")
    for name, values in timings.items():
        ratio = medians[name] / baseline
        p90 = statistics.quantiles(values, n=10)[-1]
        verdict = ""
        if name != f"{SMALL}-item folder":
            ok = ratio <= TARGET
            failed |= not ok
            verdict = f"  {ratio:.2f}x  {'PASS' if ok else 'FAIL'} (target within {TARGET}x)"
        print(f"  {name:<34} {medians[name] * 1000:7.2f} ms ({p90 * 1000:6.2f} ms){verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
