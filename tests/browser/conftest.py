"""Headless Chromium (Debian's package, driven by Playwright) against the whole product.

`product` runs both processes as a user would: the embedded PDS and the portal, each under
gunicorn with its own data directory and database, the PDS seeded with the demo and the portal
registered as its OAuth client. `new_context` opens browser contexts that record every console
error, uncaught exception and Content-Security-Policy violation in `console_problems`.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.pages import ARTIFACTS
from tests.conftest import (
    BASE_DIR,
    LivePds,
    free_port,
    pds_environment,
    portal_environment,
    start_gunicorn,
    stop_process,
    wait_until_answering,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # We run as root in CI containers, where the sandbox cannot start.
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chromium reports most CSP violations on the console, but this makes sure every one is seen:
# init scripts run before the page's own scripts and are not subject to the page's policy.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""
TIMEOUT_MS = 10_000
FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """On failure, attach both servers' logs; `new_context` then screenshots the open pages."""
    report = yield
    if report.failed:
        item.stash[FAILED] = True
        product = item.funcargs.get("product") if hasattr(item, "funcargs") else None
        if product is not None:
            for name, log in (("web", product.web_log), ("pds", product.pds_log)):
                report.sections.append((f"{name} server log", _tail(log)))
    return report


def _tail(log: Path, lines: int = 200) -> str:
    if not log.exists():
        return "(no log)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _unavailable(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, which must never pass without these tests."""
    if os.environ.get("CI"):
        pytest.fail(f"The browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of Debian's chromium, or a skip (a failure in CI) when it is missing."""
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not path:
        _unavailable("chromium is not installed (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401 - only checking that it is installed.
    except ImportError:
        _unavailable("Playwright is not installed (pip install -r requirements-dev.txt)")
    return path


@dataclass
class Product:
    """Both processes of a running shareportal: the portal's `web` URL and its `pds`."""

    web: str
    pds: LivePds
    web_log: Path
    pds_log: Path

    @property
    def demo(self) -> dict:
        return self.pds.demo

    def share_url(self, key: str) -> str:
        return self.demo["shares"][key]["url"]


def web_environment(*, data_dir: Path, web_url: str, pds_url: str, client_secret: str) -> dict:
    """The environment of a private portal (`web`) talking to the PDS at `pds_url`."""
    return portal_environment(data_dir=data_dir, client_secret=client_secret) | {
        "PUBLIC_BASE_URL": web_url,
        "PDS_API_ENDPOINT": pds_url,
    }


@pytest.fixture(scope="session")
def product(chromium, tmp_path_factory) -> Iterator[Product]:
    """The portal and the embedded PDS, each under gunicorn on a free port, seeded."""
    web_dir = tmp_path_factory.mktemp("browser-web")
    pds_dir = tmp_path_factory.mktemp("browser-pds")
    web_port, pds_port = free_port(), free_port()
    web_url, pds_url = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{pds_port}"
    client_secret = secrets.token_urlsafe(24)

    # Seeding with the portal's URL registers its real callback as the OAuth redirect URI.
    pds_env = pds_environment(
        data_dir=pds_dir, port=pds_port, client_secret=client_secret, portal_url=web_url
    )
    pds = LivePds(url=pds_url, demo={}, env=pds_env, client_secret=client_secret)
    web_env = web_environment(
        data_dir=web_dir, web_url=web_url, pds_url=pds_url, client_secret=client_secret
    )

    # The portal's database is migrated while the PDS is seeded: the two take most of the set-up.
    web_migrate = subprocess.Popen(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=web_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    pds.manage("migrate", "--noinput", "-v", "0")
    pds.demo = json.loads(pds.manage("seed_demo", "--json"))
    output, _ = web_migrate.communicate(timeout=120)
    if web_migrate.returncode != 0:
        pytest.fail(f"Migrating the portal's database failed:\n{output.decode()}")

    pds_log, web_log = pds_dir / "gunicorn.log", web_dir / "gunicorn.log"
    pds_process = start_gunicorn(
        "localpds.wsgi:application", port=pds_port, env=pds_env, log=pds_log
    )
    web_process = start_gunicorn(
        "shareportal.wsgi:application", port=web_port, env=web_env, log=web_log
    )
    try:
        wait_until_answering(pds_url + "/v2/", pds_process, pds_log)
        wait_until_answering(web_url + "/", web_process, web_log, name="The portal")
        yield Product(web=web_url, pds=pds, web_log=web_log, pds_log=pds_log)
    finally:
        stop_process(web_process)
        stop_process(pds_process)


@pytest.fixture(scope="session")
def browser(chromium) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def console_problems() -> list[str]:
    """Console errors, uncaught exceptions and CSP violations seen by this test's contexts."""
    return []


@pytest.fixture
def new_context(request, browser, product, console_problems) -> Iterator[Callable]:
    """Open browser contexts on the portal (`new_context(**options)`); all closed afterwards."""
    contexts = []

    def open_context(**options):
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(base_url=product.web, accept_downloads=True, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(REPORT_CSP_VIOLATIONS)

        def on_console(message) -> None:
            # Chromium logs every 4xx page as "Failed to load resource", and the tests load
            # 400s (a wrong password) and 410s (a cancelled share) on purpose; resources that
            # fail are caught by `on_response` below instead.
            if message.type == "error" and not message.text.startswith("Failed to load resource"):
                console_problems.append(f"console error on {message.page.url}: {message.text}")

        def on_error(error) -> None:
            console_problems.append(f"uncaught exception on {error.page.url}: {error.error}")

        def on_response(response) -> None:
            if response.request.resource_type != "document" and response.status >= 400:
                console_problems.append(f"{response.status} for {response.url}")

        def on_request_failed(request) -> None:
            # Chromium's own PDF viewer (an extension) loads its parts into the preview page's
            # frame; leaving the page cuts them off. They are the browser's, not the page's.
            if request.url.startswith("chrome-extension://"):
                return
            # `net::ERR_ABORTED` is the browser cancelling a request itself: the page it was
            # for went away (the test clicked on before the icon or a lazy thumbnail came), or
            # the page replaced it. A resource that is broken fails otherwise: its status in
            # `on_response`, or a network error of its own.
            if request.failure == "net::ERR_ABORTED":
                return
            if request.resource_type != "document":
                console_problems.append(f"{request.failure} for {request.url}")

        context.on("console", on_console)
        context.on("weberror", on_error)
        context.on("response", on_response)
        context.on("requestfailed", on_request_failed)
        contexts.append(context)
        return context

    yield open_context

    failed = request.node.stash.get(FAILED, False)
    for number, context in enumerate(contexts):
        if failed:
            for page_number, page in enumerate(context.pages):
                page.screenshot(
                    path=ARTIFACTS / "failures" / f"{request.node.name}-{number}-{page_number}.png",
                    full_page=True,
                )
        context.close()
