"""A visitor previews the files of the demo's open share in Chromium, on a desktop and a phone.

Each kind is opened by clicking its name in its folder; the gallery is stepped through with
the arrow keys. No console error, no CSP violation, no dialog from a hostile file.
"""

import pytest

from tests.browser.pages import screenshot

pytestmark = pytest.mark.browser

TRIP = "Trip to the coast"
# (name, the folders down to it, what shows it, a script that is true once it has loaded)
KINDS = [
    ("beach.png", (TRIP, "Photos"), "img.preview__image", "e => e.complete && e.naturalWidth > 0"),
    ("clip.webm", (TRIP,), "video.preview__media", "e => e.readyState >= 1 && e.duration > 1"),
    ("waves.wav", (TRIP, "Audio"), "audio.preview__audio", "e => e.readyState >= 1"),
    ("itinerary.pdf", (TRIP,), "iframe.preview__pdf", None),
    ("notes.txt", (TRIP,), ".preview__code .highlight", None),
    ("packing.py", (TRIP,), ".preview__code .highlight .k", None),
    ("README.md", (TRIP,), ".preview__markdown h2", None),
    ("postcard.html", (TRIP,), ".preview__code .highlight", None),
    ("map.svg", (TRIP,), ".preview__code .highlight", None),
]


def open_folder(page, product, folders: tuple[str, ...]) -> None:
    page.goto(product.share_url("open"))
    for name in folders:
        page.get_by_role("link", name=name, exact=True).click()
        page.wait_for_url("**/folder/**")


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_each_kind_of_file_is_previewed_cleanly(new_context, product, console_problems, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    page.on("dialog", lambda dialog: console_problems.append(f"dialog: {dialog.message}"))

    for name, folders, selector, loaded in KINDS:
        open_folder(page, product, folders)
        page.get_by_role("link", name=name, exact=True).click()
        page.wait_for_url("**/file/**")

        assert page.get_by_role("heading", level=1).inner_text().strip() == name
        shown = page.locator(f".preview {selector}").first
        shown.wait_for()
        if loaded:
            page.wait_for_function(f"({loaded})(document.querySelector('{selector}'))")
        assert page.get_by_role("link", name="Download", exact=True).is_visible()
        assert fits_the_width(page), f"{name} is wider than {width} px"
        # Everything loaded (the favicon, the PDF viewer's own parts), so that the next page
        # aborts nothing.
        page.wait_for_load_state("networkidle")

    assert console_problems == []


def test_the_gallery_steps_with_the_arrow_keys(new_context, product, console_problems):
    page = new_context().new_page()
    open_folder(page, product, (TRIP, "Photos"))
    page.get_by_role("link", name="beach.png", exact=True).click()
    page.wait_for_url("**/file/**")
    beach = page.url

    page.keyboard.press("ArrowRight")
    page.wait_for_url(lambda url: url != beach)
    assert page.get_by_role("heading", level=1).inner_text().strip() == "sunset.jpg"
    page.locator("img.preview__image").wait_for()
    screenshot(page, "share-preview")

    page.keyboard.press("ArrowRight")  # The last image: nothing further.
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(beach)
    assert page.get_by_role("heading", level=1).inner_text().strip() == "beach.png"
    assert page.get_by_role("link", name="Next: sunset.jpg").is_visible()
    assert console_problems == []


def test_hostile_contents_run_nothing(new_context, product, console_problems):
    page = new_context(viewport={"width": 390, "height": 800}).new_page()
    page.on("dialog", lambda dialog: console_problems.append(f"dialog: {dialog.message}"))
    page.goto(product.share_url("hostile"))
    page.get_by_role("link", name="Hostile contents", exact=True).click()
    page.wait_for_url("**/folder/**")
    folder = page.url

    for name in ("page.html", "drawing.svg", "script.txt", "links.md"):
        page.goto(folder)
        page.get_by_role("link", name=name, exact=True).click()
        page.wait_for_url("**/file/**")
        page.locator(".preview").wait_for()
        assert page.locator(".preview script, .preview img, .preview svg").count() == 0, name
        assert fits_the_width(page), name
        page.wait_for_load_state("networkidle")  # So that the next page aborts nothing.

    assert console_problems == []
