"""A password guesser in many threads, and a drive that counts the guesses reaching it.

The throttle's claims are about concurrency across processes, so they are tested the way an
attacker would break them: real threads against a real portal under gunicorn, counted where
it matters, at the drive.
"""

import re
import secrets
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# What the portal sends the drive and the drive sends back, passed through unchanged.
FORWARDED_REQUEST_HEADERS = ("Content-Type", "Authorization", "x-share-token", "X-Forwarded-For")
FORWARDED_ANSWER_HEADERS = ("Content-Type", "Retry-After", "x-ca-request-id")


class CountingDrive:
    """A pass-through proxy in front of the real drive that counts the calls of each path."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()
        drive = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with drive._lock:
                    drive.calls[self.path] += 1
                headers = {k: v for k in FORWARDED_REQUEST_HEADERS if (v := self.headers.get(k))}
                answer = requests.post(
                    drive.upstream + self.path, data=body, headers=headers, timeout=30
                )
                self.send_response(answer.status_code)
                for name in FORWARDED_ANSWER_HEADERS:
                    if name in answer.headers:
                        self.send_header(name, answer.headers[name])
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def guesses(self) -> int:
        """How many password checks (`share_link/get_share_token`) reached the drive."""
        with self._lock:
            return self.calls["/v2/share_link/get_share_token"]


@contextmanager
def counting_drive(upstream: str) -> Iterator[CountingDrive]:
    drive = CountingDrive(upstream)
    thread = threading.Thread(target=drive.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield drive
    finally:
        drive.server.shutdown()
        drive.server.server_close()


def guess_in_threads(
    portals: list[str],
    landing: str,
    targets: list[str],
    *,
    threads: int = 16,
    per_thread: int = 6,
    address_of=lambda thread: "198.51.100.1",
) -> list[int]:
    """Wrong passwords from `threads` visitors at once, each sending `per_thread` of them.

    Each visitor opens `landing` (a password share's page, for its CSRF token) on one of the
    `portals` in turn, waits for the others, then posts its guesses to `targets` in turn (share
    pages), claiming the address `address_of(thread)` through X-Forwarded-For, which the
    portal believes from 127.0.0.1. Returns the status of every guess.
    """
    statuses: list[int] = []
    lock = threading.Lock()
    ready = threading.Barrier(threads)
    failures: list[BaseException] = []

    def visitor(n: int) -> None:
        try:
            base = portals[n % len(portals)]
            session = requests.Session()
            headers = {"X-Forwarded-For": address_of(n)}
            page = session.get(base + landing, headers=headers, timeout=30)
            token = CSRF_FIELD.search(page.text)
            assert token, f"no password form at {landing}: {page.status_code}"
            ready.wait(timeout=60)
            for i in range(per_thread):
                answer = session.post(
                    base + targets[(n + i) % len(targets)],
                    data={"csrfmiddlewaretoken": token.group(1), "password": f"wrong-{n}-{i}"},
                    headers=headers,
                    allow_redirects=False,
                    timeout=30,
                )
                with lock:
                    statuses.append(answer.status_code)
        except BaseException as exc:
            failures.append(exc)
            ready.abort()

    workers = [threading.Thread(target=visitor, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if failures:
        raise failures[0]
    return statuses


def new_password_share(live_pds) -> tuple[str, str]:
    """A new share of alice's with a password, that no other test has guessed at: its id
    and its password."""
    password = secrets.token_urlsafe(12)
    open_share = live_pds.post(
        "share_link/get", {"share_id": live_pds.demo["shares"]["open"]["share_id"]}, user="alice"
    ).json()
    created = live_pds.post(
        "share_link/create",
        {
            "drive_id": open_share["drive_id"],
            "file_id_list": open_share["file_id_list"],
            "share_pwd": password,
        },
        user="alice",
    )
    assert created.status_code == 201, created.text
    return created.json()["share_id"], password
