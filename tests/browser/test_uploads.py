"""A visitor adds files to the demo's upload share in headless Chromium; its owner sees them."""

import os

import pytest

from tests.browser.pages import file_rows, screenshot

pytestmark = pytest.mark.browser

# Every value the page's progress bars take, recorded as the script sets them.
RECORD_PROGRESS = """
window.seenProgress = [];
new MutationObserver((changes) => {
  for (const change of changes) {
    const bar = change.target;
    if (bar instanceof HTMLProgressElement) {
      window.seenProgress.push([bar.id || bar.getAttribute("aria-label"), bar.value]);
    }
  }
}).observe(document.body, {attributes: true, attributeFilter: ["value"], subtree: true});
"""


def drop_box(product) -> tuple[str, str]:
    """The drive id and the folder id of the upload share's "Drop box", as its owner sees them."""
    share_id = product.demo["shares"]["upload"]["share_id"]
    share = product.pds.post("share_link/get", {"share_id": share_id}, user="alice").json()
    return share["drive_id"], share["file_id_list"][0]


def test_a_visitor_uploads_two_files_with_progress_and_the_owner_sees_them(
    new_context, product, console_problems
):
    page = new_context().new_page()
    assert page.goto(product.share_url("upload")).ok
    assert page.get_by_role("heading", name="Add files to this share").is_visible()
    assert "Files you add go into the folder Drop box." in page.inner_text(".upload")
    page.evaluate(RECORD_PROGRESS)

    big = os.urandom(6 * 1024 * 1024)
    page.set_input_files(
        "#upload-files",
        files=[
            {"name": 'big "quoted" <i>.bin', "mimeType": "application/octet-stream", "buffer": big},
            {"name": "hello.txt", "mimeType": "text/plain", "buffer": b"hello, drive\n"},
        ],
        # 6 MB crosses Playwright's pipe to the browser first: slow on a loaded machine.
        timeout=60_000,
    )
    page.get_by_text("All files are uploaded.").wait_for(timeout=60_000)
    assert page.locator(".upload__item--done").count() == 2
    assert page.locator("#upload-overall").evaluate("bar => bar.value") == 100
    seen = page.evaluate("window.seenProgress")
    overall = [value for name, value in seen if name == "upload-overall"]
    # The big file goes up in two parts (5 MiB, then the rest): the bars pass through the
    # middle on the way to 100.
    assert any(0 < value < 100 for value in overall), seen
    big_bar = [value for name, value in seen if name and "big" in name]
    assert any(0 < value < 100 for value in big_bar) and big_bar[-1] == 100, seen
    # The landing page of this share of one folder lists the Drop box's files: the listing
    # shows the new ones without a reload.
    page.locator("tr.file-row", has_text="hello.txt").wait_for()
    screenshot(page, "share-upload", full_page=True)
    assert {'big "quoted" <i>.bin', "hello.txt"} <= set(file_rows(page))

    drive_id, folder_id = drop_box(product)
    listed = product.pds.post(
        "file/list", {"drive_id": drive_id, "parent_file_id": folder_id, "limit": 100}, user="alice"
    ).json()["items"]
    sizes = {item["name"]: item["size"] for item in listed}
    assert sizes['big "quoted" <i>.bin'] == len(big)
    assert sizes["hello.txt"] == len(b"hello, drive\n")
    assert console_problems == []


def test_uploading_in_the_grid_view_refreshes_its_tiles_and_a_taken_name_is_renamed(
    new_context, product, console_problems
):
    page = new_context().new_page()
    page.goto(product.share_url("upload") + "?view=grid")
    assert page.locator(".tiles").is_visible()
    name = "How to add files.txt"  # already in the Drop box
    page.set_input_files(
        "#upload-files", files=[{"name": name, "mimeType": "text/plain", "buffer": b"mine\n"}]
    )
    rename = page.get_by_role("button", name="Upload it under a new name")
    rename.wait_for()
    assert "A file of this name is already in the folder." in page.inner_text(".upload__list")
    rename.click()
    page.get_by_text("All files are uploaded.").wait_for()
    page.locator(".tile", has_text="How to add files (2).txt").wait_for()
    assert page.locator("tr.file-row").count() == 0  # still the grid
    # The 409 of the first try is the answer the page expects, not a problem.
    assert [p for p in console_problems if "/upload/" not in p] == []


def test_without_javascript_the_page_says_uploading_needs_it(new_context, product):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(product.share_url("upload"))
    assert page.get_by_text("Uploading files needs JavaScript").is_visible()
    assert not page.locator(".upload__zone").is_visible()
