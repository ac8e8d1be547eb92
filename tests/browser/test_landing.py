"""The landing page as a visitor sees it on a phone and a desktop: the share's description,
its QR code behind a disclosure, and "Copy link"."""

import pytest

from tests.browser.pages import screenshot

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("size", SIZES)
def test_the_open_share_tells_its_story_and_copies_its_link(
    new_context, product, console_problems, size
):
    context = new_context(viewport=SIZES[size])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=product.web)
    page = context.new_page()
    page.goto(product.share_url("open"))

    assert page.locator(".share-story__description").inner_text() == "Photos, notes and sounds."
    qr = page.get_by_role("img", name="QR code of the link to this share")
    assert not qr.is_visible()
    page.get_by_text("Show QR code").click()
    qr.wait_for(state="visible")
    box = qr.bounding_box()
    assert 100 <= box["width"] <= SIZES[size]["width"]

    copy = page.get_by_role("button", name="Copy link")
    copy.click()
    page.get_by_role("status").filter(has_text="Link copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == product.share_url("open")
    assert page.get_by_label("Link to this share", exact=True).input_value() == product.share_url(
        "open"
    )
    # Nothing sticks out of a phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    screenshot(page, f"share-landing-{size}", full_page=True)

    assert console_problems == []


def test_without_the_clipboard_the_link_is_there_to_select(new_context, product, console_problems):
    page = new_context(viewport=SIZES["phone"]).new_page()
    # A browser without the clipboard API (or refusing it): the button stays hidden.
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(product.share_url("open"))

    assert page.get_by_role("button", name="Copy link").count() == 0
    field = page.get_by_label("Link to this share", exact=True)
    field.focus()
    selected = page.evaluate(
        "() => { const f = document.activeElement;"
        " return f.value.slice(f.selectionStart, f.selectionEnd); }"
    )
    assert selected == product.share_url("open")
    assert console_problems == []
