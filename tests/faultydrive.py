"""A fault-injecting stub drive: a tiny threaded HTTP server speaking just enough PDS.

Run as a process (`python -m tests.faultydrive --port N`, what `tests/integration` does) or in
a thread (`serve()`). It answers the share operations a visitor's pages make for two shares,
`StubOpen001` (no password) and `StubPwd0002` (password `right-pass`), and fails on command:

- `POST /_fault {"mode": ..., ...}` sets how `/v2/...` calls are answered from now on:
  `ok`; `stall` (read the request, never answer); `drip` (the headers at once, then the body
  one byte every `drip_seconds`); `slow` (the whole answer after `drip_seconds`); `reset`
  (close the connection with a TCP reset, no answer); `503` and `429` (with
  `Retry-After: retry_after`); `500`; `garbage` (200 with a body that is not JSON);
  `cancelled` (every share answers 400 `ShareLink.Cancelled`, a 4xx answer).
  `listing` names the one file the listing shows, so a test can tell a fresh page from a stale.
- `GET /_calls` answers `{"total": n, "by_operation": {...}}`, the `/v2/` calls received;
  `POST /_fault` with `"count": 0` sets them back to zero.

Control calls are never faulty, so a test can always steer it.
"""

import argparse
import json
import socket
import struct
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OPEN_SHARE = "StubOpen001"
PASSWORD_SHARE = "StubPwd0002"
PASSWORD = "right-pass"
FOLDER_ID = "f" * 40
FILE_ID = "e" * 40


class Faults:
    """What the stub does now, and what it was asked; shared by its handler threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.mode = "ok"
        self.drip_seconds = 2.0
        self.retry_after = 5
        self.listing = "report.pdf"
        self.calls: Counter[str] = Counter()

    def set(self, changes: dict[str, Any]) -> None:
        with self.lock:
            self.mode = str(changes.get("mode", self.mode))
            self.drip_seconds = float(changes.get("drip_seconds", self.drip_seconds))
            self.retry_after = int(changes.get("retry_after", self.retry_after))
            self.listing = str(changes.get("listing", self.listing))
            if "count" in changes:
                self.calls.clear()


def _share(share_id: str) -> dict[str, Any]:
    return {
        "share_id": share_id,
        "share_name": f"Stub share {share_id}",
        "creator_id": "u1",
        "creator_name": "St***ub",
        "avatar": "",
        "expiration": "",
        "updated_at": "2026-01-02T03:04:05.000Z",
        "has_pwd": share_id == PASSWORD_SHARE,
        "disable_download": False,
        "disable_preview": False,
        "file_count": 2,
    }


def _file(file_id: str, name: str, kind: str, share_id: str) -> dict[str, Any]:
    return {
        "file_id": file_id,
        "name": name,
        "type": kind,
        "parent_file_id": "root",
        "share_id": share_id,
        "size": 1234 if kind == "file" else None,
        "category": "doc" if kind == "file" else "",
        "created_at": "2026-01-02T03:04:05.000Z",
        "updated_at": "2026-01-02T03:04:05.000Z",
    }


def answer(operation: str, body: dict[str, Any], listing: str) -> tuple[int, dict[str, Any]]:
    """What a healthy drive answers `operation` with."""
    share_id = str(body.get("share_id", ""))
    if share_id not in (OPEN_SHARE, PASSWORD_SHARE):
        return 404, {"code": "NotFound.ShareLink", "message": "no such share"}
    if operation == "share_link/get_by_anonymous":
        return 200, _share(share_id)
    if operation == "share_link/get_share_token":
        if share_id == PASSWORD_SHARE and body.get("share_pwd") != PASSWORD:
            return 400, {"code": "InvalidResource.SharePwd", "message": "wrong password"}
        return 200, {"share_token": f"stub-token-{share_id}", "expires_in": 7200}
    if operation == "file/list":
        items = [
            _file(FOLDER_ID, "Folder", "folder", share_id),
            _file(FILE_ID, listing, "file", share_id),
        ]
        return 200, {"items": items, "next_marker": ""}
    if operation == "file/get":
        return 200, _file(str(body.get("file_id")), "Folder", "folder", share_id)
    return 404, {"code": "NotFound.Operation", "message": operation}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this the client's delayed ACK adds 40 ms.
    disable_nagle_algorithm = True
    server: "FaultyDrive"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the tests read /_calls

    def do_GET(self) -> None:
        if self.path == "/_calls":
            faults = self.server.faults
            with faults.lock:
                counts = dict(faults.calls)
            self._json(200, {"total": sum(counts.values()), "by_operation": counts})
        else:
            self._json(404, {"code": "NotFound"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        if self.path == "/_fault":
            self.server.faults.set(body)
            self._json(200, {})
            return
        operation = self.path.removeprefix("/v2/")
        faults = self.server.faults
        with faults.lock:
            faults.calls[operation] += 1
            mode, drip, retry_after = faults.mode, faults.drip_seconds, faults.retry_after
            listing = faults.listing
        if mode == "stall":
            time.sleep(600)
        elif mode == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif mode == "503":
            self._json(503, {"code": "ServiceUnavailable"}, {"Retry-After": str(retry_after)})
        elif mode == "429":
            self._json(429, {"code": "TooManyRequests"}, {"Retry-After": str(retry_after)})
        elif mode == "500":
            self._json(500, {"code": "InternalError"})
        elif mode == "garbage":
            self._send(200, b"<html>\x00\xffnot json at all", "text/html")
        elif mode == "cancelled":
            self._json(400, {"code": "ShareLink.Cancelled", "message": "cancelled"})
        else:
            status, data = answer(operation, body, listing)
            if mode == "drip":
                self._drip(status, data, drip)
            else:
                if mode == "slow":
                    time.sleep(drip)
                self._json(status, data)

    def _json(self, status: int, data: dict, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data).encode(), "application/json", headers)

    def _send(
        self, status: int, data: bytes, kind: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-ca-request-id", "stub-request")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _drip(self, status: int, data: dict, seconds: float) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.flush()
        try:
            for index in range(len(payload)):
                self.wfile.write(payload[index : index + 1])
                self.wfile.flush()
                time.sleep(seconds)
        except OSError:
            self.close_connection = True  # the portal gave up, as it should


class FaultyDrive(ThreadingHTTPServer):
    daemon_threads = True  # a stalled handler must not keep the process alive
    faults: Faults


def serve(port: int = 0) -> FaultyDrive:
    """The stub drive on 127.0.0.1:`port` (0: any free port), answering from a thread."""
    server = FaultyDrive(("127.0.0.1", port), Handler)
    server.faults = Faults()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    server = FaultyDrive(("127.0.0.1", port), Handler)
    server.faults = Faults()
    server.serve_forever()


if __name__ == "__main__":
    main()
