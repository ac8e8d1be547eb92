"""A share embedded in another site, in headless Chromium, with two sites over https.

The portal runs at https://127.0.0.1:<port> and the host pages at https://localhost:<port>
(another site to the browser), all with a self-signed certificate made here by `openssl`. The
host page pastes the iframe that the portal's oEmbed answers for a password share, and the
optional listener that sizes it.
"""

import json
import secrets
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from shareportal.dashboard.embeds import LISTENER
from tests.browser.conftest import REPORT_CSP_VIOLATIONS, TIMEOUT_MS, web_environment
from tests.browser.pages import ARTIFACTS, LANGUAGES, assert_no_violations, file_rows, screenshot
from tests.conftest import (
    BASE_DIR,
    LivePds,
    free_port,
    pds_environment,
    start_gunicorn,
    stop_process,
    wait_until_answering,
)

pytestmark = pytest.mark.browser

PASSWORD = "embed-pass"
EMBED_COOKIES = ("__Host-web_embed_sessionid", "__Host-web_embed_csrftoken")


@dataclass
class Sites:
    portal: str
    host: str  # allowed to frame the share
    stranger: str  # allowed by the deployment, not by the share
    share_id: str
    certificate: Path
    web_log: Path
    pds: LivePds


def _certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def _host_site(port: int, page: bytes, tls: tuple[Path, Path]) -> ThreadingHTTPServer:
    """Another site's page on https://localhost:`port` (favicon and all else: 204)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page if self.path == "/" else b""
            self.send_response(200 if body else 204)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*map(str, tls))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def sites(chromium, tmp_path_factory) -> Iterator[Sites]:
    """The drive, the portal over https with embedding on, and two host sites."""
    tmp = tmp_path_factory.mktemp("embed")
    (web_dir := tmp / "web").mkdir()
    (pds_dir := tmp / "pds").mkdir()
    tls = _certificate(tmp)
    web_port, pds_port, host_port, stranger_port = (free_port() for _ in range(4))
    portal, pds_url = f"https://127.0.0.1:{web_port}", f"http://127.0.0.1:{pds_port}"
    host, stranger = f"https://localhost:{host_port}", f"https://localhost:{stranger_port}"
    client_secret = secrets.token_urlsafe(24)

    pds_env = pds_environment(
        data_dir=pds_dir, port=pds_port, client_secret=client_secret, portal_url=portal
    )
    pds = LivePds(url=pds_url, demo={}, env=pds_env, client_secret=client_secret)
    pds.manage("migrate", "--noinput", "-v", "0")
    pds.demo = json.loads(pds.manage("seed_demo", "--json"))
    web_env = web_environment(
        data_dir=web_dir, web_url=portal, pds_url=pds_url, client_secret=client_secret
    ) | {"EMBED_ALLOWED_ORIGINS": f"{host},{stranger}"}
    share_id = pds.demo["shares"]["big"]["share_id"]
    for args in (
        ["migrate", "--noinput", "-v", "0"],
        # What the owner's "Embed" page stores (tests/dashboard/test_share_embed.py).
        ["shell", "-c", _store_sites(share_id, [host])],
    ):
        subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=web_env, check=True)

    pds_log, web_log = pds_dir / "gunicorn.log", web_dir / "gunicorn.log"
    pds_process = start_gunicorn(
        "localpds.wsgi:application", port=pds_port, env=pds_env, log=pds_log
    )
    web_process = start_gunicorn(
        "shareportal.wsgi:application", port=web_port, env=web_env, log=web_log, tls=tls
    )
    servers = []
    try:
        wait_until_answering(pds_url + "/v2/", pds_process, pds_log)
        # The share of 1,200 files gets a password, so that the frame has it all to do.
        changed = pds.post(
            "share_link/update", {"share_id": share_id, "share_pwd": PASSWORD}, user="alice"
        )
        assert changed.status_code == 200, changed.text
        wait_until_answering(
            portal + "/", web_process, web_log, name="The portal", verify=str(tls[0])
        )
        page = _host_page(portal, share_id, verify=str(tls[0]))
        servers = [_host_site(port, page, tls) for port in (host_port, stranger_port)]
        yield Sites(portal, host, stranger, share_id, tls[0], web_log, pds)
    finally:
        for server in servers:
            server.shutdown()
        stop_process(web_process)
        stop_process(pds_process)


def _store_sites(share_id: str, origins: list[str]) -> str:
    return (
        "from shareportal.shares.embedding import embed_sites_set; "
        f"embed_sites_set(share_id={share_id!r}, origins={origins!r}, by='alice')"
    )


def _host_page(portal: str, share_id: str, *, verify: str) -> bytes:
    """A host site's page: the iframe of the portal's oEmbed answer, and the sizing listener."""
    answer = requests.get(
        f"{portal}/oembed",
        {"url": f"{portal}/s/{share_id}/", "format": "json"},
        timeout=10,
        verify=verify,
    )
    assert answer.status_code == 200, answer.text
    html = (
        "<!doctype html><html><head><meta charset=utf-8><title>A host site</title></head>"
        "<body><h1>Our team's page</h1><p>The files for this week:</p>"
        f"{answer.json()['html']}{LISTENER % {'origin': portal}}</body></html>"
    )
    return html.encode()


@pytest.fixture
def watched(browser, sites) -> Iterator[tuple]:
    """A browser context that trusts the test's certificate, and what it saw go wrong."""
    problems: list[str] = []
    set_cookies: list[str] = []
    statuses: list[tuple[str, int]] = []
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 900, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(REPORT_CSP_VIOLATIONS)

    def on_console(message) -> None:
        # The wrong password's 400 page is logged as a failed resource: it is on purpose.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console error on {message.page.url}: {message.text}")

    def on_response(response) -> None:
        if response.url.startswith(sites.portal):
            statuses.append((f"{response.request.method} {response.url}", response.status))
            set_cookies.extend(response.header_values("set-cookie"))

    context.on("console", on_console)
    context.on("weberror", lambda error: problems.append(f"uncaught: {error.error}"))
    context.on("response", on_response)
    try:
        yield context, problems, set_cookies, statuses
    finally:
        if problems and context.pages:
            context.pages[0].screenshot(path=ARTIFACTS / "failures" / "embed.png")
        context.close()


def test_a_host_site_frames_a_password_share_and_the_visitor_uses_it_inside(sites, watched):
    context, problems, set_cookies, statuses = watched
    page = context.new_page()
    page.goto(sites.host + "/")
    frame = page.frame_locator("iframe")

    frame.get_by_role("heading", name="This share is protected by a password").wait_for()
    assert frame.locator(".embed-cookies-blocked").is_hidden()  # the browser kept the cookie
    frame.get_by_label("Password", exact=True).fill("not-the-password")
    frame.get_by_role("button", name="Open").click()
    frame.get_by_text("That password is not right").wait_for()

    frame.get_by_label("Password", exact=True).fill(PASSWORD)
    frame.get_by_role("button", name="Open").click()
    # A share of one folder: the unlocked landing page lists that folder's files.
    frame.locator("tr.file-row").first.wait_for()
    # The listener has sized the iframe to the unlocked share's height: the README's picture.
    page.wait_for_function("() => Number(document.querySelector('iframe').height) !== 480")
    screenshot(page, "share-embedded", clip={"x": 0, "y": 0, "width": 680, "height": 480})
    first = file_rows(frame)
    frame.get_by_role("button", name="Load more").click()
    frame.locator("tr.file-row").nth(len(first)).wait_for()
    more = file_rows(frame)

    embedded = page.frames[1]
    assert embedded.url == f"{sites.portal}/e/{sites.share_id}/"
    assert len(first) == 50 and len(more) == 100 and more[:50] == first
    # The listener sized the iframe to the height the embed view posted to this site.
    page.wait_for_function("() => Number(document.querySelector('iframe').height) > 1000")
    # Compact: at 300 px wide the rows still fit, without scrolling sideways.
    page.evaluate("document.querySelector('iframe').width = 300")
    embedded.wait_for_function("() => document.documentElement.clientWidth === 300")
    assert embedded.evaluate("document.documentElement.scrollWidth") <= 300

    posts = [status for request, status in statuses if request.startswith("POST")]
    assert posts == [400, 303]  # the wrong password, then the right one: no CSRF failure
    assert 403 not in [status for _, status in statuses]
    for name in EMBED_COOKIES:
        cookie = next(c for c in set_cookies if c.startswith(f"{name}="))
        attributes = {a.strip().lower() for a in cookie.split(";")[1:]}
        assert {"samesite=none", "secure", "partitioned", "path=/"} <= attributes, cookie
    # Nor a top-level cookie (`__Host-web_...` over https): those stay SameSite=Lax, elsewhere.
    assert not any(
        c.startswith(("web_", "__Host-web_sessionid", "__Host-web_csrftoken")) for c in set_cookies
    )
    assert problems == [], "\n".join(problems)

    # The same browser at the top level: the full page is not unlocked by the frame.
    top = context.new_page()
    top.goto(f"{sites.portal}/s/{sites.share_id}/")
    assert top.get_by_role("heading", name="This share is protected by a password").is_visible()
    assert file_rows(top) == []


def test_a_site_the_share_does_not_list_is_refused_by_the_browser(sites, watched):
    context, problems, _, statuses = watched
    page = context.new_page()

    page.goto(sites.stranger + "/")
    page.wait_for_function(
        "() => window.frames.length === 1",
    )
    page.wait_for_timeout(500)  # the refusal is logged once the frame's answer arrives

    embed_answers = [s for r, s in statuses if f"/e/{sites.share_id}/" in r]
    assert embed_answers == [200]  # the portal answered, with a policy that names other sites
    assert page.frames[1].url in ("", "about:blank", "chrome-error://chromewebdata/")
    assert page.frame_locator("iframe").locator(".embed-bar").count() == 0
    assert any("frame-ancestors" in problem for problem in problems), problems


def test_a_browser_that_refuses_the_frames_cookies_is_offered_a_new_tab(sites, watched):
    context, problems, _, statuses = watched
    landing = f"{sites.portal}/e/{sites.share_id}/"

    def without_cookies(route) -> None:
        # What a browser blocking third-party cookies does: the landing's cookies never kept.
        if route.request.method != "GET":
            route.continue_()
            return
        answer = requests.get(landing, timeout=10, verify=str(sites.certificate))
        dropped = {"set-cookie", "content-encoding", "content-length", "transfer-encoding"}
        headers = {k: v for k, v in answer.headers.items() if k.lower() not in dropped}
        route.fulfill(status=answer.status_code, headers=headers, body=answer.content)

    context.route(landing, without_cookies)
    page = context.new_page()
    page.goto(sites.host + "/")
    frame = page.frame_locator("iframe")

    notice = frame.locator(".embed-cookies-blocked")
    notice.get_by_role("link", name="Open in a new tab to unlock").wait_for()
    frame.get_by_label("Password", exact=True).fill(PASSWORD)
    frame.get_by_role("button", name="Open").click()
    frame.get_by_role("heading", name="Your browser blocks this embedded page's cookies").wait_for()

    offer = frame.get_by_role("link", name="Open in a new tab to unlock")
    assert offer.get_attribute("href") == f"/s/{sites.share_id}/"
    assert offer.get_attribute("target") == "_blank"
    assert [s for r, s in statuses if r.startswith("POST")] == [403]
    assert problems == [], "\n".join(problems)


def _owner_bytes(pds: LivePds, share_id: str, file_id: str) -> bytes:
    """What the drive serves the share's owner for `file_id` (over the API, alice's token)."""
    share = pds.post("share_link/get", {"share_id": share_id}, user="alice").json()
    body = {"drive_id": share["drive_id"], "file_id": file_id}
    link = pds.post("file/get_download_url", body, user="alice").json()
    return requests.get(link["url"], timeout=10).content


def test_a_visitor_downloads_a_file_from_inside_the_frame(sites, watched):
    context, problems, _, statuses = watched
    data_urls: list[str] = []
    context.on("request", lambda r: data_urls.append(r.url) if sites.pds.url in r.url else None)
    page = context.new_page()
    page.goto(sites.host + "/")
    frame = page.frame_locator("iframe")
    frame.get_by_label("Password", exact=True).fill(PASSWORD)
    frame.get_by_role("button", name="Open").click()
    # A share of one folder: the unlocked landing page lists that folder's files.
    frame.locator("tr.file-row").first.wait_for()

    link = frame.locator("tr.file-row a", has_text="Download").first
    href = link.get_attribute("href")
    assert href.startswith(f"/e/{sites.share_id}/download/")  # it stays in the embed view
    name = file_rows(frame)[0]
    with page.expect_download() as started:
        link.click()
    download = started.value

    # The frame's request got the redirect to the drive's signed data URL, which the browser
    # followed for the bytes: the owner's own file, never through the portal.
    redirect = [s for r, s in statuses if r == f"GET {sites.portal}{href}"]
    assert redirect == [302]
    assert any(u.startswith(f"{sites.pds.url}/data/") for u in data_urls), data_urls
    assert download.suggested_filename == name
    assert download.failure() is None
    data = Path(download.path()).read_bytes()
    assert data == _owner_bytes(sites.pds, sites.share_id, href.rstrip("/").rsplit("/", 1)[1])
    assert page.frames[1].url == f"{sites.portal}/e/{sites.share_id}/"
    assert problems == [], "\n".join(problems)


def _sign_in(page, sites: Sites, user_name: str) -> None:
    """The owner signs in to the https portal's dashboard through the drive's pages."""
    page.goto(f"{sites.portal}/dashboard/")
    page.wait_for_url(f"{sites.pds.url}/v2/oauth/authorize?**")
    page.get_by_label("User name").fill(user_name)
    page.get_by_label("Password", exact=True).fill(sites.pds.demo["users"][user_name]["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{sites.portal}/dashboard/")


def test_the_owner_sees_the_embed_preview_follow_the_sites_and_size_chosen(sites, watched):
    context, problems, _, _ = watched
    share_id = sites.pds.demo["shares"]["open"]["share_id"]  # no site may frame it yet
    page = context.new_page()
    _sign_in(page, sites, "alice")
    page.goto(f"{sites.portal}/dashboard/shares/{share_id}/embed/")
    preview = page.locator("iframe.embed-preview")
    snippet = page.get_by_label("Snippet", exact=True)
    assert page.get_by_text("No site may embed this share yet").is_visible()
    assert preview.count() == 0

    # The owner lets the host site embed it: the preview shows the share, framed.
    page.get_by_label("Sites that may embed this share").fill(sites.host)
    page.get_by_role("button", name="Save the sites").click()
    page.get_by_text("The sites that may embed this share are saved.").wait_for()
    frame = page.frame_locator("iframe.embed-preview")
    frame.get_by_role("link", name="Trip to the coast").wait_for()
    assert preview.get_attribute("src") == f"{sites.portal}/e/{share_id}/"
    assert (preview.get_attribute("width"), preview.get_attribute("height")) == ("640", "480")
    assert 'width="640" height="480"' in snippet.input_value()
    screenshot(page, "dashboard-embed-preview", full_page=True)

    # Another size: the snippet and the preview change together.
    compact = page.get_by_role("link", name="320 \u00d7 480")  # what the page writes
    compact.click()
    page.wait_for_url("**?size=compact")
    frame.get_by_role("link", name="Trip to the coast").wait_for()
    assert compact.get_attribute("aria-current") == "true"
    assert (preview.get_attribute("width"), preview.get_attribute("height")) == ("320", "480")
    assert 'width="320" height="480"' in snippet.input_value()
    embedded = next(f for f in page.frames if f.url.startswith(f"{sites.portal}/e/"))
    # At that width the share's page still fits, without scrolling sideways.
    width = embedded.evaluate("document.documentElement.clientWidth")
    assert 280 <= width <= 320
    assert embedded.evaluate("document.documentElement.scrollWidth") <= width

    # No site any more: no preview, and the embed view refuses the share again.
    page.get_by_label("Sites that may embed this share").fill("")
    page.get_by_role("button", name="Save the sites").click()
    page.get_by_text("No site may embed this share yet").wait_for()
    assert preview.count() == 0
    refused = context.request.get(f"{sites.portal}/e/{share_id}/")
    assert refused.status == 403
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_embed_views_pages_have_no_wcag_aa_violations(sites, browser, language):
    """The embed view's own chrome, checked like every page in test_accessibility.py."""
    headers = {"Accept-Language": LANGUAGES[language]}
    context = browser.new_context(ignore_https_errors=True, extra_http_headers=headers)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{sites.portal}/e/{sites.share_id}/")
        assert_no_violations(page, f"embedded password form ({language})")
        # By selectors, not by words: the labels are in the language checked.
        field = page.locator("input[type=password]")
        button = page.locator("form:has(input[type=password]) button[type=submit]")
        field.fill("not-the-password")
        button.click()
        page.get_by_role("alert").wait_for()
        assert_no_violations(page, f"embedded wrong password ({language})")
        field.fill(PASSWORD)
        button.click()
        # A share of one folder opens straight into it, in the frame.
        page.locator("tr.file-row").first.wait_for()
        assert page.url.startswith(f"{sites.portal}/e/{sites.share_id}/")
        assert_no_violations(page, f"embedded folder ({language})")
    finally:
        context.close()


def test_the_grid_view_works_inside_the_frame_and_fits_a_phone(sites, watched):
    context, problems, _, _ = watched
    page = context.new_page()
    page.set_viewport_size({"width": 420, "height": 900})
    page.goto(sites.host + "/")
    page.evaluate("document.querySelector('iframe').width = 390")
    frame = page.frame_locator("iframe")
    frame.get_by_label("Password", exact=True).fill(PASSWORD)
    frame.get_by_role("button", name="Open").click()

    frame.get_by_role("navigation", name="Layout").get_by_role("link", name="Grid").click()
    # The share of one folder opens straight into it: its tiles are the folder's files.
    frame.locator("li.tile").first.wait_for()
    embedded = page.frames[1]
    embedded.wait_for_url("**view=grid")
    assert embedded.url.startswith(f"{sites.portal}/e/{sites.share_id}/")
    first = frame.locator(".tile__name").all_inner_texts()
    frame.get_by_role("button", name="Load more").click()
    frame.locator("li.tile").nth(len(first)).wait_for()
    assert len(frame.locator("li.tile").all()) == 2 * len(first) == 100
    # The full page it offers is the same grid, outside the frame.
    full = frame.get_by_role("link", name="Open in a new tab")
    assert "view=grid" in full.get_attribute("href")
    assert full.get_attribute("href").startswith(f"/s/{sites.share_id}/")
    embedded.wait_for_function("() => document.documentElement.clientWidth === 390")
    assert embedded.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems == [], "\n".join(problems)
