"""A signed-out visitor signs in to open a require_login share, then saves it into their drive."""

import pytest

from tests.browser.pages import assert_no_violations, file_rows, screenshot

pytestmark = pytest.mark.browser


def drive_sign_in(page, product, user_name: str) -> None:
    """The drive's own sign-in and consent pages, as the visitor sees them."""
    page.get_by_label("User name").fill(user_name)
    page.get_by_label("Password", exact=True).fill(product.demo["users"][user_name]["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Allow access?").wait_for()
    page.get_by_role("button", name="Allow").click()


def test_a_visitor_signs_in_to_open_the_login_share_and_saves_its_folder_into_their_drive(
    new_context, product, console_problems
):
    link = product.share_url("login")
    visitor = new_context().new_page()
    visitor.goto(link)
    assert visitor.get_by_role("heading", name="Team handbook").is_visible()
    assert visitor.get_by_role("heading", name="only for people signed in").is_visible()
    assert file_rows(visitor) == []
    screenshot(visitor, "share-signin", full_page=True)

    visitor.get_by_role("link", name="Sign in to open").click()
    visitor.wait_for_url(f"{product.pds.url}/v2/oauth/authorize?**")
    drive_sign_in(visitor, product, "bob")
    visitor.wait_for_url(link)
    # The share of one folder opens straight into it.
    assert visitor.get_by_role("heading", level=1).inner_text() == "Team handbook"
    assert file_rows(visitor) == ["Templates", "welcome.md"]

    # Save what is in it: pick both, choose the top of the drive, and wait for the copy.
    visitor.get_by_label("Select Templates").check()
    visitor.get_by_label("Select welcome.md").check()
    visitor.get_by_role("button", name="Save to my drive").click()
    visitor.get_by_role("heading", name="Save to my drive").wait_for()
    assert visitor.get_by_role("button", name="Bob's recipes").is_visible()  # his own folder
    screenshot(visitor, "share-save-picker", full_page=True)
    visitor.get_by_role("button", name="Save into My drive").click()
    visitor.get_by_text("Saved 2 items to the top of your drive").wait_for()
    # The page that says so is checked like every page of test_accessibility.py (in English:
    # it is reached only by saving, which would leave copies in the drive of PAGES' owner).
    assert_no_violations(visitor, "the saved page")

    # The copies are in bob's drive: the dashboard's picker shows them at its top (where he
    # had only his recipes), the folder with what was inside.
    visitor.goto("/dashboard/shares/new/")
    visitor.get_by_label("welcome.md").wait_for()
    assert visitor.get_by_label("Templates", exact=True).is_visible()
    visitor.get_by_role("button", name="Open the folder Templates").click()
    visitor.get_by_label("report.txt").wait_for()

    # The share's page says who is signed in; signing out there comes back to it, which then
    # asks to sign in again.
    visitor.goto(link)
    assert visitor.locator(".site-header__who").inner_text() == "Bob"
    visitor.get_by_role("button", name="Sign out").click()
    visitor.get_by_role("link", name="Sign in to open").wait_for()
    assert visitor.url == link
    assert visitor.get_by_text("You are signed out.").is_visible()
    assert visitor.locator(".site-header__account").count() == 0
    assert console_problems == []
