"""A visitor opens the demo's `msg` share by its share code, in headless Chromium."""

import pytest

from tests.browser.pages import file_rows, screenshot

pytestmark = pytest.mark.browser

DEMO_FILE = "Message share.txt"  # the one file of the demo's `msg` share (seed_demo)


def type_code(page, code: str):
    """Type `code` into the page's share code form and press Open; return the response."""
    page.get_by_label("Share code", exact=True).fill(code)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Open").click()
    return navigation.value


def test_a_visitor_opens_the_demo_msg_share_by_its_code_from_the_home_page(
    new_context, product, console_problems
):
    demo = product.demo["shares"]["msg"]
    page = new_context().new_page()
    seen_urls: list[str] = []
    page.on("request", lambda request: seen_urls.append(request.url))

    page.goto("/")
    assert page.get_by_role("heading", name="Have a share code?").is_visible()

    wrong = type_code(page, demo["share_msg"] + "x")
    assert wrong.status == 404
    assert page.url == product.web + "/open/"
    assert page.get_by_role("alert").inner_text() == (
        "No share has this code. Check it and try again."
    )
    assert page.get_by_label("Share code", exact=True).get_attribute("aria-invalid") == "true"

    right = type_code(page, demo["share_msg"])
    assert right.ok
    # Post/redirect/get to the share's own address, already unlocked: no form to fill.
    assert page.url == demo["url"]
    assert file_rows(page) == [DEMO_FILE]
    assert page.get_by_label("Password", exact=True).count() == 0
    assert page.get_by_label("Share code", exact=True).count() == 0
    screenshot(page, "share-code-opened", full_page=True)

    # The password came with the code to the portal, never to the browser.
    password = demo["password"]
    assert password not in page.content()
    assert all(password not in url for url in seen_urls)
    assert all(password not in cookie["value"] for cookie in page.context.cookies())
    assert console_problems == []


def test_the_msg_shares_plain_link_asks_for_its_code_which_unlocks_it(
    new_context, product, console_problems
):
    demo = product.demo["shares"]["msg"]
    # A phone: the form fits 390 px without scrolling sideways.
    page = new_context(viewport={"width": 390, "height": 844}).new_page()

    landing = page.goto(demo["url"])
    assert landing.status == 200
    assert page.get_by_role("heading", name="This share is opened with its share code").is_visible()
    assert page.get_by_label("Password", exact=True).count() == 0
    assert file_rows(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page, "share-code-landing", full_page=True)

    right = type_code(page, demo["share_msg"])
    assert right.ok
    assert page.url == demo["url"]
    assert file_rows(page) == [DEMO_FILE]
    assert console_problems == []
