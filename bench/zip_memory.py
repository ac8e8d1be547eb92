"""Memory while the drive streams a large ZIP: it must stay flat, whatever the archive's size.

    .venv/bin/python bench/zip_memory.py            # 4 files of 1 GiB: a 4 GiB ZIP64 archive
    ZIP_BENCH_FILES=8 ZIP_BENCH_GIB=1 .venv/bin/python bench/zip_memory.py

A throwaway drive (its own database and data directory in a temporary folder) holds files
whose contents are sparse files on disk, so that gigabytes cost no disk space. A share of
their folder is archived with `file/archive_files`, then its data URL is read to the end
through the drive's own view, in this process, while the resident set size (VmRSS) is
sampled. It prints one line:

    ZIPMEM streamed_bytes=<n> rss_before_mib=<a> rss_peak_mib=<b> growth_mib=<b - a>

and exits non-zero if the stream is not the size announced in Content-Length, if it does not
end with the ZIP64 end records, or if memory grew by more than ZIP_BENCH_MAX_GROWTH_MIB (64).
"""

import importlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
FILES = int(os.environ.get("ZIP_BENCH_FILES", "4"))
GIB_EACH = float(os.environ.get("ZIP_BENCH_GIB", "1"))
MAX_GROWTH_MIB = float(os.environ.get("ZIP_BENCH_MAX_GROWTH_MIB", "64"))


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status (Linux only)")


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="zip-bench-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "localpds.settings",
            "LOCALPDS_DATA_DIR": str(work),
            "LOCALPDS_DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
            "LOCALPDS_SECRET_KEY": "zip-bench-secret-key-not-for-production-0123456789",
            "LOCALPDS_ARCHIVE_MAX_BYTES": str(2**62),
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    # By name: bench/ is type-checked with the portal's settings, where the drive's models are
    # not installed, and this script must not make the portal's run import the drive.
    models = importlib.import_module("localpds.models")
    storage = importlib.import_module("localpds.storage")
    sharetokens = importlib.import_module("localpds.sharetokens")
    File, ShareLink = models.File, models.ShareLink
    blob_dir, folder_create = storage.blob_dir, storage.folder_create

    setup_test_environment()
    call_command("migrate", verbosity=0)
    user = storage.user_create(user_name="bench", password="bench-password")
    drive = storage.default_drive(user)
    top = folder_create(drive=drive, parent=None, name="big")
    size = int(GIB_EACH * 1024**3)
    for n in range(FILES):
        # A made-up content hash names a sparse blob: gigabytes of zeros, no disk space used.
        digest = f"{n:040x}"
        path = blob_dir() / digest[:2] / digest[2:4] / digest
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            handle.truncate(size)
        row = File(
            drive=drive,
            parent=top,
            name=f"part-{n}.bin",
            type=File.Type.FILE,
            size=size,
            content_hash=digest,
            created_at=top.created_at,
            updated_at=top.updated_at,
        )
        row.id_path = f"{top.id_path}{row.file_id}/"
        row.save(force_insert=True)
    share = ShareLink.objects.create(
        creator=user, drive=drive, file_id_list=[top.file_id], share_name="big"
    )
    token, _ = sharetokens.share_token_issue(share=share, expire_sec=600)
    client = Client()
    body = {"share_id": share.share_id, "file_ids": [top.file_id], "name": "big.zip"}
    headers = {"x-share-token": token}
    answer = client.post(
        "/v2/file/archive_files", json.dumps(body), "application/json", headers=headers
    )
    task_id = answer.json()["async_task_id"]
    task = client.post(
        "/v2/async_task/get",
        json.dumps({"async_task_id": task_id}),
        "application/json",
        headers=headers,
    ).json()
    parts = urlsplit(task["url"])

    before = peak = rss_mib()
    started = time.monotonic()
    response = client.get(f"{parts.path}?{parts.query}")
    announced = int(response["Content-Length"])
    streamed = 0
    tail = b""
    for chunk in response.streaming_content:  # type: ignore[attr-defined]
        streamed += len(chunk)
        tail = (tail + chunk)[-200:]
        peak = max(peak, rss_mib())
    seconds = time.monotonic() - started
    growth = peak - before
    print(
        f"ZIPMEM streamed_bytes={streamed} rss_before_mib={before:.1f} rss_peak_mib={peak:.1f} "
        f"growth_mib={growth:.1f} seconds={seconds:.1f}"
    )
    ok = True
    if streamed != announced:
        print(f"the stream was {streamed} bytes, Content-Length said {announced}")
        ok = False
    if streamed > 2**32 and b"PK\x06\x06" not in tail:
        print("a ZIP past 4 GiB without its ZIP64 end record")
        ok = False
    if growth > MAX_GROWTH_MIB:
        print(f"memory grew by {growth:.1f} MiB, more than {MAX_GROWTH_MIB} MiB")
        ok = False
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
