"""Search inside a share: `file/search` through a 10,000-file share against a 10-file one.

The drive runs as deployed (gunicorn, one worker, `localpds.wsgi`) on a private SQLite database
in a temporary directory. One drive holds both shares and 5,000 files outside them, so a search
that read the drive instead of the share would show. Three queries are asked of each share,
interleaved round by round: a few matches (`file-0000`, 9 in each share), many (`.txt`: every
file matches; asked 10 a page, so that both answers hold 10 items and only the share's size
differs) and none. CPU time (user + system) of the drive's process tree per request is
compared, big share over small. The big share's full page of 50 matches is measured too, and
printed, outside the ratios (its 40 more items cost what any 50-item page does). The last line
is

    SEARCH few_ratio=<x> many_ratio=<y> none_ratio=<z>

See bench/README.md ("Search inside a share"). Usage: `.venv/bin/python bench/search.py`
(`SEARCH_ROUNDS`, `SEARCH_REQUESTS` to change the run's size).
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import cpu_seconds, free_port  # noqa: E402  (the repository root just above)

BIG, SMALL, OUTSIDE = 10_000, 10, 5_000
ROUNDS = int(os.environ.get("SEARCH_ROUNDS", "8"))
REQUESTS = int(os.environ.get("SEARCH_REQUESTS", "40"))
TARGET = 2.0
# name: (query, limit)
QUERIES = {
    "few": ("name match 'file-0000'", 50),
    "many": ("name match '.txt'", 10),
    "none": ("name match 'no-such-name'", 50),
    "page50": ("name match '.txt'", 50),
}
RATIOS = ("few", "many", "none")

# Run in the drive's own shell (its models load only under its settings): a user, a drive,
# a folder of BIG files and one of SMALL shared, OUTSIDE more files not shared, one bulk insert.
SEED = f"""
import json
from datetime import UTC, datetime
from localpds.models import Drive, File, ShareLink, User, new_file_id
user = User.objects.create(user_name="bench")
drive = Drive.objects.create(owner=user)
now = datetime(2026, 1, 1, tzinfo=UTC)
rows, shares = [], {{}}
for key, count in (("big", {BIG}), ("small", {SMALL}), ("outside", {OUTSIDE})):
    folder = File(file_id=new_file_id(), drive=drive, name=key, type="folder",
                  created_at=now, updated_at=now)
    folder.id_path = f"/{{folder.file_id}}/"
    rows.append(folder)
    for i in range(1, count + 1):
        file_id = new_file_id()
        rows.append(File(file_id=file_id, drive=drive, parent=folder, name=f"file-{{i:05d}}.txt",
                         type="file", size=i, id_path=f"{{folder.id_path}}{{file_id}}/",
                         created_at=now, updated_at=now))
    if key != "outside":
        shares[key] = folder
File.objects.bulk_create(rows, batch_size=2000)
ids = {{key: ShareLink.objects.create(creator=user, drive=drive, file_id_list=[f.file_id],
                                     share_name=key).share_id for key, f in shares.items()}}
print(json.dumps(ids))
"""


def drive_env(data_dir: Path) -> dict[str, str]:
    return {
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "LOCALPDS_SECRET_KEY": secrets.token_hex(32),
        "LOCALPDS_DATA_DIR": str(data_dir),
        "LOCALPDS_DATABASE_URL": f"sqlite:///{data_dir / 'db.sqlite3'}",
        "LOCALPDS_ALLOWED_HOSTS": "127.0.0.1",
        "LOCALPDS_REDIS_URL": "",
    }


def main() -> int:
    python = str(ROOT / ".venv" / "bin" / "python")
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        env = drive_env(Path(tmp))

        def drive_command(*args: str) -> str:
            done = subprocess.run(
                [python, "-m", "localpds", *args],
                cwd=ROOT, env=env, check=True, capture_output=True, text=True,
            )  # fmt: skip
            return done.stdout

        drive_command("migrate", "--noinput", "-v", "0")
        seeded = drive_command("shell", "-c", SEED)
        share_ids = json.loads(seeded.strip().splitlines()[-1])
        port = free_port()
        drive = subprocess.Popen(
            [python, "-m", "gunicorn", "localpds.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", "1", "--threads", "1"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            return measure(f"http://127.0.0.1:{port}", drive.pid, share_ids)
        finally:
            drive.terminate()
            drive.wait(timeout=10)


def measure(api: str, pid: int, share_ids: dict[str, str]) -> int:
    session = requests.Session()
    for _ in range(100):
        try:
            session.post(f"{api}/v2/share_link/get_by_anonymous", json={}, timeout=2)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    tokens = {}
    for key, share_id in share_ids.items():
        answer = session.post(
            f"{api}/v2/share_link/get_share_token", json={"share_id": share_id}, timeout=10
        )
        tokens[key] = answer.json()["share_token"]

    def ask(key: str, name: str) -> dict:
        query, limit = QUERIES[name]
        answer = session.post(
            f"{api}/v2/file/search",
            json={"share_id": share_ids[key], "query": query, "limit": limit},
            headers={"x-share-token": tokens[key]},
            timeout=10,
        )
        answer.raise_for_status()
        return answer.json()

    cases = [(key, name) for name in RATIOS for key in ("big", "small")] + [("big", "page50")]
    for key, name in cases:  # warm-up, and a check that each answers what it should
        items = ask(key, name)["items"]
        expected = {"few": 9, "many": 10, "none": 0, "page50": 50}[name]
        if len(items) != expected:
            print(f"{key} {name}: {len(items)} items, expected {expected}", file=sys.stderr)
            return 1
        for _ in range(10):
            ask(key, name)
    cpu = dict.fromkeys(cases, 0.0)
    wall = dict.fromkeys(cases, 0.0)
    for round_no in range(ROUNDS):
        for case in cases if round_no % 2 == 0 else cases[::-1]:
            key, name = case
            before, started = cpu_seconds(pid), time.perf_counter()
            for _ in range(REQUESTS):
                ask(key, name)
            wall[case] += time.perf_counter() - started
            cpu[case] += cpu_seconds(pid) - before
    count = ROUNDS * REQUESTS
    print(f"The drive's file/search through a share, {ROUNDS} rounds x {REQUESTS} requests:")
    print("  query   share    CPU ms   wall ms")
    ratios = {}
    for key, name in cases:
        print(
            f"  {name:<7} {key:<7} {cpu[key, name] * 1000 / count:7.2f}"
            f"   {wall[key, name] * 1000 / count:7.2f}"
        )
    for name in RATIOS:
        ratios[name] = cpu["big", name] / cpu["small", name] if cpu["small", name] else 0.0
    for name, ratio in ratios.items():
        verdict = "meets" if ratio <= TARGET else "misses"
        print(f"  {name}_ratio {ratio:.2f}  {verdict} the target <= {TARGET}")
    print("SEARCH " + " ".join(f"{name}_ratio={ratio:.2f}" for name, ratio in ratios.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
