"""Benchmark: CPU cost of the share pages against a trivial Django view, and PDS calls per view.

The portal's own work is what is measured, not the network: the portal runs in this process
behind Django's WSGI handler (the same entry point gunicorn calls, with the full middleware
stack, database sessions and DEBUG off), and PDS is stubbed at the HTTP level with `responses`,
so that it costs next to nothing and every call to it is counted. Timed round-robin, so that any
drift of the machine hits every case alike, with CPU time of this thread (medians):

- a trivial view (`HttpResponse("ok")`) behind the same middleware: the baseline,
- the landing page of a share without password, its share token already in the session,
- a 50-row folder listing, token held (target: at most 5x the trivial view),
- an htmx "Load more" of the next 50 rows, token held,
- the PDS client alone listing 50 items from the stub (what the stub and `requests` cost).

PDS calls per page view are counted for a first visit, the landing with the token held, a
listing and a "Load more" (target: one `file/list` per listing page, no token call once held).
"""

import cProfile
import io
import json
import os
import pstats
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path
from types import ModuleType

BASE_DIR = Path(__file__).resolve().parent.parent
API = "http://pds.bench"
DATA = "http://data.bench"
SHARE_ID = "sBenchOpen01"
FOLDER_ID = "r0000"  # the first folder of the share's top listing
MARKER = "m-page-2"
ROWS = 50
WARMUP_ROUNDS = 30
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
TARGET = 5.0
URLCONF = "bench_share_pages_urls"

# The page views measured: (label, URL, whether htmx asks).
LANDING = ("landing, token held", f"/s/{SHARE_ID}/", False)
LISTING = (f"{ROWS}-row folder, token held", f"/s/{SHARE_ID}/folder/{FOLDER_ID}/", False)
MORE = (f'htmx "Load more", {ROWS} rows', f"{LISTING[1]}?marker={MARKER}", True)
TRIVIAL = "trivial view"
CLIENT = f"PDS client alone, {ROWS} items"
BY_ANONYMOUS, TOKEN, LIST = "share_link/get_by_anonymous", "share_link/get_share_token", "file/list"


def configure(data_dir: Path) -> None:
    """Point this process at a private portal in `data_dir`, talking to the stubbed PDS."""
    os.environ.pop("REDIS_URL", None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="shareportal.settings",
        SECRET_KEY=secrets.token_hex(32),
        DEBUG="0",
        DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'db.sqlite3'}",
        ALLOWED_HOSTS="portal.bench",
        PUBLIC_BASE_URL="http://portal.bench",
        PDS_API_ENDPOINT=API,
        PDS_DATA_ORIGINS=DATA,
        SECURE_SSL_REDIRECT="0",
        TRUST_X_FORWARDED_PROTO="0",
        TRUSTED_PROXIES="",
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.http import HttpResponse
    from django.urls import include, path

    call_command("migrate", verbosity=0)
    # As in production: hashed static names come from the manifest collectstatic writes.
    call_command("collectstatic", interactive=False, verbosity=0)

    def trivial(request):
        return HttpResponse("ok")

    # The portal's routes plus the baseline, so that both pass the same middleware.
    urls = ModuleType(URLCONF)
    urls.urlpatterns = [path("trivial/", trivial), path("", include("shareportal.urls"))]
    urls.handler404 = "shareportal.shares.views.page_not_found"
    urls.handler500 = "shareportal.shares.views.server_error"
    sys.modules[URLCONF] = urls
    settings.ROOT_URLCONF = URLCONF


def file_json(index: int, parent: str, prefix: str) -> dict:
    """One File object (pds-api.md §2.1) as a share listing returns it: a mix of kinds."""
    kind = ("folder", "image", "doc", "video", "zip")[index % 5]
    stamp = f"2026-01-{1 + index % 28:02d}T{index % 24:02d}:15:30.000Z"
    item = {
        "file_id": f"{prefix}{index:04d}",
        "name": f"{kind.title()} {index:03d} — été à Zürich",
        "type": "folder" if kind == "folder" else "file",
        "parent_file_id": parent,
        "drive_id": "1",
        "domain_id": "localpds",
        "share_id": "",
        "created_at": stamp,
        "updated_at": stamp,
        "status": "available",
    }
    if kind != "folder":
        extension = {"image": "jpg", "doc": "pdf", "video": "mp4", "zip": "zip"}[kind]
        item["name"] += f".{extension}"
        item |= {
            "size": 1024 * 1024 * index + 123,
            "content_type": f"application/{extension}",
            "file_extension": extension,
            "category": kind,
            "content_hash": f"{index:040X}",
            "content_hash_name": "sha1",
        }
    if kind == "image":
        signed = "?x-pds-expires=1767225600&x-pds-signature=" + "a" * 64
        item["thumbnail"] = f"{DATA}/data/thumb/{item['file_id']}.jpg{signed}"
        item["url"] = f"{DATA}/data/{item['file_id']}.jpg{signed}"
    return item


def page_json(parent: str, prefix: str, next_marker: str) -> bytes:
    items = [file_json(i, parent, prefix) for i in range(ROWS)]
    return json.dumps({"items": items, "next_marker": next_marker}).encode()


def stub_pds():
    """The PDS wire answers a visitor's pages need; anything else fails the run."""
    import responses

    def answer(body: dict | bytes, status: int = 200) -> Callable:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"x-ca-request-id": "bench"}
        return lambda request: (status, headers, data)

    share = {
        "share_name": "Summer 2025 — photos & documents",
        "creator_id": "u1",
        "creator_name": "al***ce",
        "creator_phone": "",
        "avatar": "",
        "expiration": "2099-12-01T00:00:00.000Z",
        "updated_at": "2026-01-02T03:04:05.000Z",
        "has_pwd": False,
        "disable_preview": False,
        "disable_save": False,
        "disable_download": False,
        "preview_limit": 0,
        "save_limit": 0,
        "download_limit": 0,
        "save_download_limit": 0,
        "preview_count": 0,
        "save_count": 0,
        "download_count": 0,
        "access_count": 3,
        "file_count": ROWS,
    }
    # Parsed once here, so that the stub answers each call with a dict lookup.
    pages = {
        ("root", ""): page_json("root", "r", ""),
        (FOLDER_ID, ""): page_json(FOLDER_ID, "d", MARKER),
        (FOLDER_ID, MARKER): page_json(FOLDER_ID, "e", ""),
    }

    def file_list(request) -> tuple:
        body = json.loads(request.body)
        data = pages.get((body["parent_file_id"], body.get("marker", "")))
        if data is None or request.headers.get("x-share-token") != "bench-share-token":
            return 404, {}, b'{"code":"NotFound.File","message":"no","requestId":"bench"}'
        return 200, {"x-ca-request-id": "bench"}, data

    rsps = responses.RequestsMock(assert_all_requests_are_fired=False)
    rsps.add_callback("POST", f"{API}/v2/share_link/get_by_anonymous", answer(share))
    rsps.add_callback(
        "POST",
        f"{API}/v2/share_link/get_share_token",
        answer({"share_token": "bench-share-token", "expires_in": 7200}),
    )
    rsps.add_callback("POST", f"{API}/v2/file/list", file_list)
    return rsps


class Visitor:
    """One browser: requests go through Django's WSGI handler, with its session cookie."""

    def __init__(self) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        self.cookies = SimpleCookie()

    def get(self, url: str, *, htmx: bool = False) -> tuple[int, bytes]:
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "portal.bench",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "192.0.2.10",
            "HTTP_HOST": "portal.bench",
            "HTTP_ACCEPT": "text/html",
            "HTTP_ACCEPT_LANGUAGE": "en",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        if htmx:
            environ |= {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "more"}
        answer = {}

        def start_response(status: str, headers: list, exc_info=None) -> None:
            answer["status"] = int(status.split()[0])
            for name, value in headers:
                if name.lower() == "set-cookie":
                    self.cookies.load(value)

        body = self.handler(environ, start_response)
        try:
            content = b"".join(body)
        finally:
            # What a WSGI server does; it ends the request (request_finished).
            getattr(body, "close", lambda: None)()
        return answer["status"], content


def operations(rsps) -> Counter:
    return Counter(call.request.url.removeprefix(f"{API}/v2/") for call in rsps.calls)


def count_calls(rsps, visitor: Visitor) -> list[tuple[str, Counter, Counter]]:
    """PDS calls of each kind of page view, in a visit's order: (label, made, expected)."""
    first = ("first visit (no token yet)", LANDING[1], False)
    expected = {
        first: Counter({BY_ANONYMOUS: 1, TOKEN: 1, LIST: 1}),
        # The landing page asks for the share itself every time, by design: its expiry and
        # counts are shown fresh. The token is not asked for again.
        LANDING: Counter({BY_ANONYMOUS: 1, LIST: 1}),
        LISTING: Counter({LIST: 1}),
        MORE: Counter({LIST: 1}),
    }
    rows = []
    for (label, url, htmx), wanted in expected.items():
        rsps.calls.reset()
        status, content = visitor.get(url, htmx=htmx)
        if status != 200:
            text = content[:2000].decode(errors="replace")
            raise RuntimeError(f"{label}: {url} answered {status}\n{text}")
        rows.append((label, operations(rsps), wanted))
    rsps.calls.reset()
    return rows


def time_views(rsps, visitor: Visitor) -> dict[str, list[float]]:
    """CPU seconds of each case, interleaved round-robin; the first rounds warm up."""
    from shareportal.pds.client import get_client

    client = get_client()
    cases: dict[str, Callable[[], object]] = {
        TRIVIAL: lambda: visitor.get("/trivial/"),
        **{
            label: (lambda url=url, htmx=htmx: visitor.get(url, htmx=htmx))
            for label, url, htmx in (LANDING, LISTING, MORE)
        },
        CLIENT: lambda: client.list_files(
            parent_file_id=FOLDER_ID, share_id=SHARE_ID, share_token="bench-share-token"
        ),
    }
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for round_number in range(WARMUP_ROUNDS + ROUNDS):
        for name, case in cases.items():
            started = time.thread_time()
            case()
            elapsed = time.thread_time() - started
            if round_number >= WARMUP_ROUNDS:
                timings[name].append(elapsed)
        # The stub records every call; forget them outside the timed part.
        rsps.calls.reset()
    return timings


def profile(rsps, visitor: Visitor, url: str, repeat: int = 200) -> str:
    """Where a page's CPU goes: the share of each part in a cProfile of `repeat` views of it.

    The profiler slows small Python calls more than big ones, so the shares are a guide to
    what to look at, not times to subtract.
    """
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.handlers.wsgi import WSGIHandler
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.template import defaultfilters, defaulttags
    from django.template.backends.django import Template
    from django.templatetags.i18n import TranslateNode

    from shareportal.pds import parse
    from shareportal.pds.client import PdsClient

    parts = [
        ("whole request (WSGI handler)", WSGIHandler.__call__),
        ("template rendering", Template.render),
        ("  |date filters", defaultfilters.date),
        ("  {% url %} tags", defaulttags.URLNode.render),
        ("  |filesizeformat filters", defaultfilters.filesizeformat),
        ("  {% translate %} tags", TranslateNode.render),
        ("PDS client: HTTP (stubbed)", PdsClient._call),
        ("PDS client: parsing the page", parse.page),
        ("session load (database)", SessionStore.load),
        ("database connection opened", BaseDatabaseWrapper.connect),
    ]
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        visitor.get(url)
    profiler.disable()
    rsps.calls.reset()
    stats = pstats.Stats(profiler).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}
    cumulative = {}
    for label, function in parts:
        code = getattr(function, "__wrapped__", function).__code__
        entry = stats.get((code.co_filename, code.co_firstlineno, code.co_name))
        cumulative[label] = (entry[1], entry[3]) if entry else (0, 0.0)
    total = cumulative[parts[0][0]][1] or 1.0
    lines = [f"Profile of {repeat} views of {url} (share of the profiled time, calls per view):"]
    for label, (calls, seconds) in cumulative.items():
        lines.append(f"  {label:<32} {100 * seconds / total:5.1f}%  {calls / repeat:6.1f}")
    return "\n".join(lines)


def report(calls: list, timings: dict[str, list[float]]) -> bool:
    """Print both tables; True when every target is met."""
    ok = True
    print(f"PDS calls per page view (a share without password, {ROWS} rows a page):")
    for label, made, wanted in calls:
        passed = made == wanted
        ok &= passed
        names = (
            ", ".join(f"{op.removeprefix('share_link/')} x{n}" for op, n in made.items()) or "none"
        )
        verdict = "as expected" if passed else f"UNEXPECTED (expected {dict(wanted)})"
        print(f"  {label:<28} {sum(made.values())}  {names:<54} {verdict}")
    held = calls[1:]
    token_calls = sum(made[TOKEN] for _, made, _ in held)
    listing_calls = [
        sum(made.values()) for label, made, _ in held if label in (LISTING[0], MORE[0])
    ]
    for target, passed in (
        (f"no share token call once held: {token_calls}", token_calls == 0),
        (f"one call per listing page: {listing_calls}", listing_calls == [1, 1]),
    ):
        ok &= passed
        print(f"  {target:<97} {'PASS' if passed else 'FAIL'}")

    medians = {name: statistics.median(values) for name, values in timings.items()}
    baseline = medians[TRIVIAL]
    print(f"\nCPU time of this thread, {ROUNDS} rounds round-robin, medians (p90):")
    for name, values in timings.items():
        ratio = medians[name] / baseline
        p90 = statistics.quantiles(values, n=10)[-1]
        verdict = ""
        if name == LISTING[0]:
            passed = ratio <= TARGET
            ok &= passed
            verdict = f"  {'PASS' if passed else 'FAIL'} (target at most {TARGET:g}x)"
        print(
            f"  {name:<28} {medians[name] * 1000:7.2f} ms ({p90 * 1000:6.2f} ms)"
            f"  {ratio:5.1f}x{verdict}"
        )
    return ok


def measure() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-share-pages-") as tmp:
        configure(Path(tmp))
        from shareportal.pds.client import get_client

        with stub_pds() as rsps:
            # Retries would hide a failure; there should be none to wait for.
            get_client().sleep = lambda seconds: None
            visitor = Visitor()
            calls = count_calls(rsps, visitor)
            timings = time_views(rsps, visitor)
            ok = report(calls, timings)
            if not ok or os.environ.get("BENCH_PROFILE"):
                print()
                print(profile(rsps, visitor, LISTING[1]))
    return 0 if ok else 1


def main() -> int:
    """Measure in a fresh interpreter unless this is one already.

    Django is set up once per process, and other benchmarks set it up for the embedded PDS,
    so under `bench/run.py` this runs as its own process.
    """
    if __name__ == "__main__":
        return measure()
    script = Path(__file__).resolve()
    return subprocess.run([sys.executable, str(script)], cwd=BASE_DIR, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
