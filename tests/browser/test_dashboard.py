"""An owner signs in through the drive, shares files with a password, then cancels the share."""

import re

import pytest

from tests.browser.pages import file_rows, screenshot, sign_in, unlock

pytestmark = pytest.mark.browser

SHARE_PASSWORD = "Tide-pools-42"


def test_an_owner_shares_files_with_a_password_and_the_visitor_loses_them_on_cancel(
    new_context, product, console_problems
):
    owner = new_context().new_page()
    sign_in(owner, product, "alice")
    assert owner.get_by_role("heading", name="My shares").is_visible()
    assert owner.get_by_role("navigation", name="Dashboard").inner_text().count("Alice") == 1

    # Pick a loose file at the top of the drive and one inside a folder opened in the picker.
    owner.get_by_role("link", name="New share").first.click()
    owner.get_by_role("heading", name="New share").wait_for()
    owner.get_by_label("welcome.txt").check()
    owner.get_by_role("button", name="Open the folder Trip to the coast").click()
    owner.get_by_label("notes.txt").wait_for()
    owner.get_by_label("notes.txt").check()
    assert owner.get_by_label("welcome.txt").count() == 0  # Another folder is showing.
    owner.get_by_label("Name", exact=True).fill("Coast notes for Bob")
    owner.get_by_label("Password", exact=True).fill(SHARE_PASSWORD)
    owner.get_by_role("button", name="Create the share").last.click()

    owner.wait_for_url(re.compile(r"/dashboard/shares/[A-Za-z0-9_-]+/\?created=1$"))
    assert owner.get_by_role("status").first.inner_text().startswith("Your share is ready.")
    link = owner.get_by_label("Link", exact=True).input_value()
    password = owner.get_by_label("Password", exact=True).input_value()
    share_id = link.rstrip("/").rsplit("/", 1)[1]
    assert link == f"{product.web}/s/{share_id}/"
    assert password == SHARE_PASSWORD
    assert owner.get_by_role("img", name="QR code of the link").evaluate("img => img.naturalWidth")
    screenshot(owner, "dashboard-created", full_page=True)

    # A stranger, with nothing but the link and the password.
    visitor = new_context().new_page()
    visitor.goto(link)
    assert visitor.get_by_role("heading", name="Coast notes for Bob").is_visible()
    unlock(visitor, password)
    assert sorted(file_rows(visitor)) == ["notes.txt", "welcome.txt"]

    listing = owner.goto("/dashboard/")
    assert "script-src 'self' 'nonce-" in listing.headers["content-security-policy"]
    row = owner.locator(f"#share-{share_id}")
    assert "Coast notes for Bob" in row.inner_text()
    screenshot(owner, "dashboard", full_page=True)
    row.get_by_role("link", name="Cancel…").click()
    confirm = owner.get_by_role("button", name="Yes, cancel the share")
    confirm.wait_for()
    assert owner.url == f"{product.web}/dashboard/"  # The question replaced the row in place.
    confirm.click()
    cancelled = owner.locator(f"#share-{share_id}")
    cancelled.get_by_text("The share is cancelled. Its link no longer opens.").wait_for()
    assert owner.url == f"{product.web}/dashboard/"

    gone = visitor.reload()
    assert gone.status == 410
    assert visitor.get_by_role("heading", name="This share was cancelled").is_visible()
    assert file_rows(visitor) == []
    screenshot(visitor, "share-cancelled")

    assert console_problems == []
