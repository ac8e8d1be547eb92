"""A visitor picks three items of a folder in Chromium and takes them home as one ZIP."""

import hashlib
import zipfile

import pytest

from tests.browser.pages import file_rows, screenshot

pytestmark = pytest.mark.browser


def owner_files(product, item_ids: list[str]) -> dict[str, str]:
    """The SHA-1 of every file under `item_ids`, by its path in a ZIP, from the owner's API."""
    pds = product.pds
    drive_id = pds.post("user/get", {}, user="alice").json()["default_drive_id"]
    found: dict[str, str] = {}

    def walk(file_id: str, path: str) -> None:
        item = pds.post("file/get", {"drive_id": drive_id, "file_id": file_id}, user="alice")
        item = item.json()
        here = f"{path}{item['name']}"
        if item["type"] == "file":
            found[here] = item["content_hash"].upper()
            return
        body = {"drive_id": drive_id, "parent_file_id": file_id, "limit": 100}
        for child in pds.post("file/list", body, user="alice").json()["items"]:
            walk(child["file_id"], f"{here}/")

    for item_id in item_ids:
        walk(item_id, "")
    return found


def test_a_visitor_selects_three_items_and_downloads_them_as_a_zip(
    new_context, product, console_problems
):
    page = new_context().new_page()
    page.goto(product.share_url("open"))
    page.get_by_role("link", name="Trip to the coast").click()
    assert "README.md" in file_rows(page)

    picks = [page.get_by_label(f"Select {name}") for name in ("Photos", "README.md", "notes.txt")]
    for box in picks:
        box.check()
    ids = [box.get_attribute("value") for box in picks]
    with page.expect_download() as started:
        page.get_by_role("button", name="Download selected").click()
        # The progress page: its bar and counts, before the download starts by itself.
        page.get_by_text("6 of 6 files").wait_for()
        assert page.locator("progress").get_attribute("value") == "6"
    download = started.value
    assert download.suggested_filename == "Trip to the coast.zip"
    screenshot(page, "share-zip", full_page=True)

    with zipfile.ZipFile(download.path()) as archive:
        assert archive.testzip() is None
        got = {
            info.filename: hashlib.sha1(archive.read(info)).hexdigest().upper()
            for info in archive.infolist()
            if not info.is_dir()
        }
    assert got == owner_files(product, ids)
    assert set(got) >= {"README.md", "notes.txt", "Photos/Day 2/Tiny details/shell.png"}
    assert console_problems == []


def test_select_all_ticks_every_row_of_the_page(new_context, product, console_problems):
    page = new_context().new_page()
    page.goto(product.share_url("open"))
    page.get_by_label("Select all on this page").check()
    boxes = page.locator("input.pick")
    assert boxes.count() == 2
    assert all(boxes.nth(n).is_checked() for n in range(boxes.count()))
    assert console_problems == []
