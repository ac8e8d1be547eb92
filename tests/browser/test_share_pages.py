"""A visitor opens share links in headless Chromium: password, folders, paging, downloads."""

from pathlib import Path

import pytest
import requests

from tests.browser.pages import file_rows, screenshot, unlock

pytestmark = pytest.mark.browser

GUEST_LIST = b"Alice\nBob\nCarol\n"  # "Private plans/guest-list.txt" in seed_demo.


def owner_bytes(product, share_key: str, file_id: str) -> bytes:
    """What the drive serves its owner for `file_id`, fetched over the API with alice's token."""
    pds = product.pds
    share_id = product.demo["shares"][share_key]["share_id"]
    share = pds.post("share_link/get", {"share_id": share_id}, user="alice").json()
    link = pds.post(
        "file/get_download_url", {"drive_id": share["drive_id"], "file_id": file_id}, user="alice"
    ).json()
    return requests.get(link["url"], timeout=10).content


def test_a_visitor_unlocks_the_password_share_browses_it_and_downloads_a_file(
    new_context, product, console_problems
):
    page = new_context().new_page()
    password = product.demo["shares"]["password"]["password"]

    landing = page.goto(product.share_url("password"))
    assert landing.status == 200
    assert "script-src 'self' 'nonce-" in landing.headers["content-security-policy"]
    assert page.get_by_role("heading", name="This share is protected by a password").is_visible()
    assert file_rows(page) == []

    wrong = unlock(page, "not-the-password")
    assert wrong.status == 400
    assert page.get_by_role("alert").inner_text() == (
        "That password is not right. Check it and try again."
    )
    assert page.get_by_label("Password", exact=True).get_attribute("aria-invalid") == "true"
    assert file_rows(page) == []

    right = unlock(page, password)
    assert right.ok
    assert page.url == product.share_url("password")  # Post/redirect/get: back on the landing URL.
    # A share of one folder ("Private plans") opens straight into it.
    assert page.get_by_role("heading", level=1).inner_text() == "Private plans"
    assert file_rows(page) == ["guest-list.txt", "surprise-party.md"]
    assert page.get_by_label("Password", exact=True).count() == 0
    screenshot(page, "share-page", full_page=True)

    with page.expect_download() as started:
        page.get_by_role("link", name="Download guest-list.txt").click()
    download = started.value
    assert download.suggested_filename == "guest-list.txt"
    data = Path(download.path()).read_bytes()
    href = page.get_by_role("link", name="Download guest-list.txt").get_attribute("href")
    file_id = href.rstrip("/").rsplit("/", 1)[1]
    assert data == GUEST_LIST
    assert data == owner_bytes(product, "password", file_id)

    page.reload()
    assert file_rows(page) == ["guest-list.txt", "surprise-party.md"]
    assert page.get_by_label("Password", exact=True).count() == 0  # The share token is still held.

    assert console_problems == []


def test_load_more_appends_the_next_rows_of_a_big_folder_in_place(
    new_context, product, console_problems
):
    page = new_context().new_page()
    page.goto(product.share_url("big"))  # A share of one folder: its landing page lists it.
    folder_url = page.url
    first = file_rows(page)
    assert first[0] == "file-0001.txt"
    assert 0 < len(first) < 1200
    assert page.get_by_role("link", name="Next page").is_hidden()  # htmx's button instead.

    page.get_by_role("button", name="Load more").click()
    page.wait_for_function(
        "count => document.querySelectorAll('tr.file-row').length > count", arg=len(first)
    )
    more = file_rows(page)

    assert page.url == folder_url  # Appended in place by htmx, not a new page.
    assert more[: len(first)] == first
    assert len(more) == 2 * len(first)
    assert more == [f"file-{n:04d}.txt" for n in range(1, len(more) + 1)]
    assert page.get_by_role("button", name="Load more").count() == 1
    screenshot(page, "share-load-more")
    assert console_problems == []


def test_the_share_pages_work_without_javascript(new_context, product, console_problems):
    page = new_context(java_script_enabled=False).new_page()
    password = product.demo["shares"]["password"]["password"]

    page.goto(product.share_url("password"))
    unlock(page, password)
    assert file_rows(page) == ["guest-list.txt", "surprise-party.md"]

    page.goto(product.share_url("big"))
    first = file_rows(page)
    assert page.get_by_role("button", name="Load more").is_hidden()

    with page.expect_navigation():
        page.get_by_role("link", name="Next page").click()
    second = file_rows(page)

    assert "marker=" in page.url
    assert len(second) == len(first)
    assert second[0] == f"file-{len(first) + 1:04d}.txt"
    assert not set(first) & set(second)
    assert page.get_by_role("link", name="Back to the first page").is_visible()
    assert console_problems == []


def test_the_unlocked_share_fits_a_phone_screen(new_context, product, console_problems):
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    page.goto(product.share_url("password"))
    unlock(page, product.demo["shares"]["password"]["password"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_role("link", name="Download guest-list.txt").is_visible()
    screenshot(page, "share-page-mobile")

    # A folder page of the open share, on the phone too.
    page.goto(product.share_url("open"))
    page.get_by_role("link", name="Trip to the coast").click()
    page.wait_for_url("**/folder/**")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "share-folder-mobile")
    assert console_problems == []


def test_the_console_watch_catches_what_the_strict_policy_blocks(
    new_context, product, console_problems
):
    page = new_context().new_page()
    page.goto(product.share_url("open"))
    assert console_problems == []

    # An inline script without the nonce, as an injected or careless template would add.
    with page.expect_console_message(lambda message: "CSP violation" in message.text):
        page.evaluate(
            """() => {
              const script = document.createElement("script");
              script.textContent = "window.injected = true";
              document.head.append(script);
            }"""
        )

    assert page.evaluate("window.injected") is None
    assert any("CSP violation: script-src" in problem for problem in console_problems)
