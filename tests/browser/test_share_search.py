"""A visitor searches the demo's big share by name in headless Chromium, with and without JS."""

import pytest

from tests.browser.pages import screenshot

pytestmark = pytest.mark.browser

RESULT_NAMES = "tr.search-row .file-name__text bdi"


def test_a_visitor_searches_the_big_share_by_name_and_loads_more_results(
    new_context, product, console_problems
):
    page = new_context().new_page()
    page.goto(product.share_url("big"))

    page.get_by_label("Search this share").fill("file-011")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()

    assert "/search/?q=file-011" in page.url
    names = page.locator(RESULT_NAMES).all_inner_texts()
    assert names == [f"file-{n:04d}.txt" for n in range(110, 120)]
    assert page.locator("tr.search-row mark").first.inner_text() == "file-011"
    place = page.locator("tr.search-row .place").first
    # The share is one folder, which its landing page opens: the path names it once.
    assert place.inner_text() == "1,200 files"
    screenshot(page, "share-search")

    # The results' folder opens: here the landing page, which lists that folder.
    place.click()
    page.wait_for_url(product.share_url("big"))
    assert page.get_by_role("heading", level=1).inner_text() == "1,200 files"

    # Many results: "Load more" appends the next 50 in place.
    page.get_by_label("Search this share").fill("file-0")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    first = page.locator(RESULT_NAMES).all_inner_texts()
    search_url = page.url
    page.get_by_role("button", name="Load more").click()
    page.wait_for_function(
        "count => document.querySelectorAll('tr.search-row').length > count", arg=len(first)
    )
    more = page.locator(RESULT_NAMES).all_inner_texts()
    assert page.url == search_url
    assert more == [f"file-{n:04d}.txt" for n in range(1, 101)]
    assert console_problems == []


def test_the_search_works_without_javascript(new_context, product, console_problems):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(product.share_url("big"))

    page.get_by_label("Search this share").fill("file-0")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    first = page.locator(RESULT_NAMES).all_inner_texts()
    with page.expect_navigation():
        page.get_by_role("link", name="Next page").click()
    second = page.locator(RESULT_NAMES).all_inner_texts()

    assert first == [f"file-{n:04d}.txt" for n in range(1, 51)]
    assert second == [f"file-{n:04d}.txt" for n in range(51, 101)]
    assert page.get_by_role("link", name="Back to the first results").is_visible()
    assert console_problems == []


def test_the_search_results_fit_a_phone_screen(new_context, product, console_problems):
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    page.goto(f"{product.share_url('open')}search/?q=e")

    assert page.locator(RESULT_NAMES).count() > 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "share-search-mobile")
    assert console_problems == []
