"""WCAG 2.2 AA on every page, measured by axe-core in headless Chromium.

Each page of `PAGES` is opened once per language, then checked four times: light and dark
colour schemes, at a desktop width and a phone's. Zero violations is the only pass.

A new page joins by adding one `Check` to `PAGES`: a name, and a function that takes the
browser `page` and the running `product` and leaves the page showing what must be checked
(it may click, type and wait like a visitor; by selectors, not by words on the page, since
it runs in every language). `signed_in=True` opens it as alice, signed in
to the dashboard.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

from tests.browser.conftest import Product, web_environment
from tests.browser.pages import LANGUAGES, assert_no_violations, axe_violations, sign_in
from tests.conftest import free_port, start_gunicorn, stop_process, wait_until_answering

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Check:
    name: str
    open: Callable[[Any, Product], Any]
    signed_in: bool = False
    # Opened on a second portal whose drive does not answer (its pages are 502s).
    drive_down: bool = False
    # The page shows form errors: each must be announced (see `assert_errors_announced`).
    errors: bool = False


def share_id(product: Product, key: str) -> str:
    return product.demo["shares"][key]["share_id"]


def demo_share(key: str) -> Callable[[Any, Product], Any]:
    return lambda page, product: page.goto(f"{product.web}/s/{share_id(product, key)}/")


def embed_over_http(page, product: Product) -> None:
    page.goto(f"/e/{share_id(product, 'open')}/")


def open_folder(page, product: Product) -> None:
    page.goto(product.share_url("open"))
    page.get_by_role("link", name="Trip to the coast").click()
    page.wait_for_url("**/folder/**")


def file_preview(name: str, *folders: str):
    """The preview page of `name`, reached by its link in its folder."""

    def visit(page, product: Product) -> None:
        page.goto(product.share_url("open"))
        for folder in folders:
            with page.expect_navigation():
                page.locator("a[href*='/folder/']", has_text=folder).first.click()
        with page.expect_navigation():
            page.locator("a[href*='/file/']", has_text=name).first.click()

    return visit


def photos_in_the_grid(page, product: Product) -> None:
    open_folder(page, product)
    page.locator("a[href*='/folder/']", has_text="Photos").first.click()
    page.wait_for_url("**/folder/**")
    page.locator(".view-switch__link--grid").click()
    page.wait_for_url("**view=grid")


def upload_share(view: str) -> Callable[[Any, Product], Any]:
    """The upload share's landing page with its drop zone ready (the script has run)."""

    def open_it(page, product: Product) -> None:
        page.goto(product.share_url("upload") + ("?view=grid" if view == "grid" else ""))
        page.locator(".upload__zone").wait_for()

    return open_it


def big_folder_more(page, product: Product) -> None:
    page.goto(product.share_url("big"))  # a share of one folder opens straight into it
    rows = page.locator("tr.file-row").count()
    page.locator("button[hx-target='closest tr']").click()  # "Load more"
    page.wait_for_function("n => document.querySelectorAll('tr.file-row').length > n", arg=rows)


def wrong_password(page, product: Product) -> None:
    page.goto(product.share_url("password"))
    page.locator("input[type=password]").fill("not-the-password")
    with page.expect_navigation() as sent:
        page.locator("form:has(input[type=password]) button[type=submit]").click()
    assert sent.value.status == 400


def search_results(page, product: Product) -> None:
    page.goto(product.share_url("open") + "search/?q=notes")
    page.locator("tr.file-row").first.wait_for()


def zip_progress(page, product: Product) -> None:
    page.goto(product.share_url("open"))
    with page.expect_download():
        page.locator(".zip-form button[type=submit]").click()  # "Download all"
        page.locator("#zip-title").wait_for()


def drive_sign_in(page, product: Product) -> None:
    page.goto("/dashboard/")
    page.wait_for_url(f"{product.pds.url}/v2/oauth/authorize?**")


def drive_sign_in_as(page, product: Product, password: str) -> None:
    drive_sign_in(page, product)
    page.locator("input[name=user_name]").fill("alice")
    page.locator("input[name=password]").fill(password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()


def drive_sign_in_refused(page, product: Product) -> None:
    drive_sign_in_as(page, product, "not-her-password")
    page.get_by_role("alert").wait_for()


def drive_consent(page, product: Product) -> None:
    drive_sign_in_as(page, product, product.demo["users"]["alice"]["password"])
    page.locator("button[value=allow]").wait_for()


def dashboard(path: str) -> Callable[[Any, Product], Any]:
    """A dashboard page of alice's open demo share (`{open}` in `path`)."""
    return lambda page, product: page.goto(path.format(open=share_id(product, "open")))


def save_picker(page, product: Product) -> None:
    """Save to my drive: one item of the open share ticked, then the destination picker."""
    page.goto(product.share_url("open"))
    page.locator("input.pick").first.check()
    with page.expect_navigation():
        page.locator("button[formaction*='/save/']").click()
    assert "/save/" in page.url and page.locator("form[method=post]").count() >= 1


def new_share_with_errors(page, product: Product) -> None:
    """Nothing picked and a custom expiry with no date: two errors, one on a field."""
    page.goto("/dashboard/shares/new/")
    page.locator("select[name=expiry]").select_option("custom")
    page.locator(".form-actions button[type=submit]").click()  # "Create the share"
    page.locator("[aria-invalid=true]").first.wait_for()


def cancel_question(page, product: Product) -> None:
    page.goto("/dashboard/")
    row = page.locator(f"#share-{share_id(product, 'open')}")
    row.locator("a[href$='/cancel/']").click()  # "Cancel…"
    row.locator("form.confirm button[type=submit]").wait_for()  # "Yes, cancel the share"


# Every page of the portal and of the drive that a person sees. Add yours here.
PAGES = [
    Check("home", lambda page, product: page.goto("/")),
    Check("open share", demo_share("open")),
    Check("password form", demo_share("password")),
    Check("password form, wrong password", wrong_password, errors=True),
    Check("share code form", demo_share("msg")),
    Check("open by code", lambda page, product: page.goto("/open/")),
    Check("folder", open_folder),
    Check("preview of an image", file_preview("beach.png", "Trip to the coast", "Photos")),
    Check("preview of Markdown", file_preview("README.md", "Trip to the coast")),
    Check("preview of code", file_preview("packing.py", "Trip to the coast")),
    Check("folder in the grid view", photos_in_the_grid),
    Check("big folder after Load more", big_folder_more),
    Check("search results", search_results),
    Check("zip progress", zip_progress),
    Check("upload share with its drop zone", upload_share("list")),
    Check("upload share in the grid view", upload_share("grid")),
    Check("view-only share", demo_share("no_download")),
    Check("sign-in share, signed out", demo_share("login")),
    Check("sign-in share, signed in", demo_share("login"), signed_in=True),
    Check("save to my drive, the picker", save_picker, signed_in=True),
    Check("hostile share", demo_share("hostile")),
    Check("404", lambda page, product: page.goto("/s/NoSuchShare1/")),
    Check("410 expired", demo_share("expired")),
    Check("410 cancelled", demo_share("cancelled")),
    Check("502 drive down", demo_share("open"), drive_down=True),
    Check("embed view over http", embed_over_http),
    Check("drive sign-in", drive_sign_in),
    Check("drive sign-in, wrong password", drive_sign_in_refused, errors=True),
    Check("drive consent", drive_consent),
    Check("dashboard", dashboard("/dashboard/"), signed_in=True),
    Check("dashboard search, no match", dashboard("/dashboard/?q=zzzz-nothing"), signed_in=True),
    Check("new share", dashboard("/dashboard/shares/new/"), signed_in=True),
    Check("new share with errors", new_share_with_errors, signed_in=True, errors=True),
    Check("share detail", dashboard("/dashboard/shares/{open}/"), signed_in=True),
    Check("share edit", dashboard("/dashboard/shares/{open}/edit/"), signed_in=True),
    Check("share cancel page", dashboard("/dashboard/shares/{open}/cancel/"), signed_in=True),
    Check("share cancel in place", cancel_question, signed_in=True),
    Check("share embed", dashboard("/dashboard/shares/{open}/embed/"), signed_in=True),
]


# Every invalid field names its error (aria-describedby, with text there), and every error
# message on the page is in a live region or named by its field.
ERRORS = r"""() => {
  const ids = field => (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
  const invalid = [...document.querySelectorAll("[aria-invalid=true]")];
  const named = invalid.flatMap(ids).map(id => document.getElementById(id)).filter(Boolean);
  const unnamed = invalid.filter(field =>
    !ids(field).some(id => document.getElementById(id)?.textContent.trim()));
  const messages = [...document.querySelectorAll(".field__error, .field-error, .alert")];
  const unheard = messages.filter(el =>
    !el.closest("[role=alert], [role=status], [aria-live]") &&
    !named.some(description => description.contains(el)));
  return {
    messages: messages.length,
    unnamed: unnamed.map(field => field.name),
    unheard: unheard.map(el => el.textContent.trim()),
  };
}"""


def assert_errors_announced(page) -> None:
    errors = page.evaluate(ERRORS)
    assert errors["messages"] > 0, "The page shows no error"
    assert errors["unnamed"] == [], f"Invalid fields without their error: {errors}"
    assert errors["unheard"] == [], f"Errors neither live nor named by a field: {errors}"


@pytest.fixture(scope="module")
def drive_down(product, tmp_path_factory) -> Iterator[Product]:
    """`product` with a second portal, on the same database, whose drive never answers."""
    port, nowhere = free_port(), free_port()  # Nothing listens on `nowhere`.
    web = f"http://127.0.0.1:{port}"
    env = web_environment(
        data_dir=product.web_log.parent,
        web_url=web,
        pds_url=f"http://127.0.0.1:{nowhere}",
        client_secret=product.pds.client_secret,
    )
    log = tmp_path_factory.mktemp("drive-down") / "gunicorn.log"
    process = start_gunicorn("shareportal.wsgi:application", port=port, env=env, log=log)
    try:
        wait_until_answering(web + "/", process, log, name="The portal without its drive")
        yield replace(product, web=web, web_log=log)
    finally:
        stop_process(process)


@pytest.fixture(scope="module")
def owner_state(browser, product) -> dict:
    """alice's signed-in cookies, made once for every dashboard page."""
    context = browser.new_context(base_url=product.web)
    try:
        sign_in(context.new_page(), product, "alice")
        return context.storage_state()
    finally:
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("check", PAGES, ids=lambda check: check.name)
def test_the_page_has_no_wcag_aa_violations(
    check, language, new_context, request, console_problems
):
    options: dict[str, Any] = {"extra_http_headers": {"Accept-Language": LANGUAGES[language]}}
    if check.signed_in:
        options["storage_state"] = request.getfixturevalue("owner_state")
    page = new_context(**options).new_page()
    product = request.getfixturevalue("drive_down" if check.drive_down else "product")
    check.open(page, product)
    # The page is in the language asked for, so both languages' pages are the ones checked.
    assert page.locator("html").get_attribute("lang").lower().startswith(language[:2].lower())
    assert_no_violations(page, f"{check.name} ({language}) at {page.url}")
    if check.errors:
        assert_errors_announced(page)


def test_the_check_fails_on_a_page_with_a_violation(new_context, product):
    page = new_context().new_page()
    page.goto("/")
    page.evaluate("document.querySelector('h1').style.color = '#aaa'")
    page.evaluate("document.body.append(Object.assign(document.createElement('img'), {src: '/x'}))")
    report = axe_violations(page)
    assert re.search(r"color-contrast|image-alt", report), report
