"""Every page of the portal fits a 390 px phone and a 1280 px screen, with controls to touch.

A page fits when the document is no wider than the window (nothing to scroll sideways to);
on a touch screen every button, toolbar link and checkbox takes a 44 px square tap
(WCAG 2.5.5), measured with getBoundingClientRect.
"""

import pytest

from tests.browser.pages import file_rows, screenshot
from tests.browser.test_dashboard import sign_in

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SCREEN = {"viewport": {"width": 1280, "height": 800}}
TOUCH_MIN = 44

# The controls a visitor or an owner touches, and how each one's tap area is found: a
# checkbox's is the label around it.
CONTROLS = ", ".join(
    (
        "main button",
        "main .button",
        "main .view-switch a",
        "main .sort-links a",
        "main .pick-hit",
        "main .pick-all",
        "main .crumbs a",
        "main input[type=search]",
        "main input[type=password]",
        ".dash-nav a",
        ".dash-nav button",
        ".share-row__actions a",
        ".embed-sizes a",
        ".picker__item label",
        ".field--check label",
        ".embed-bar__open",
        ".language-switch a",
        ".language-switch button",
    )
)

MEASURE = """selector => {
  const out = [];
  for (const element of document.querySelectorAll(selector)) {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (!box.width || !box.height || style.visibility === "hidden") continue;
    if (element.closest(".visually-hidden, [hidden]")) continue;
    out.push({
      what: element.outerHTML.slice(0, 90),
      width: Math.round(box.width),
      height: Math.round(box.height),
    });
  }
  return out;
}"""


def _too_wide(page) -> str:
    """ "" when the page fits its window; else what sticks out, for the failure message."""
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    if width <= inner:
        return ""
    wide = page.evaluate(
        """inner => [...document.querySelectorAll("body *")]
          .filter(e => e.getBoundingClientRect().right > inner + 0.5)
          .slice(0, 5).map(e => e.outerHTML.slice(0, 120))""",
        inner,
    )
    return f"{page.url}: {width} px wide in {inner}: {wide}"


def _small_controls(page) -> list[str]:
    controls = page.evaluate(MEASURE, CONTROLS)
    assert controls, f"no controls found on {page.url}"
    return [
        f"{page.url}: {c['width']}x{c['height']} {c['what']}"
        for c in controls
        if c["width"] < TOUCH_MIN or c["height"] < TOUCH_MIN
    ]


def _visitor_pages(page, product) -> list[str]:
    """The visitor's pages of the demo, as addresses to open: each kind of page once."""
    share = product.demo["shares"]["open"]["share_id"]
    page.goto(product.share_url("open"))
    folder = page.get_by_role("link", name="Trip to the coast").get_attribute("href")
    # The ZIP's progress page is where "Download all" sends the visitor.
    started = page.request.post(
        f"/s/{share}/zip/", form={"all": "1"}, max_redirects=0, headers={"Origin": product.web}
    )
    assert started.status == 303, started.text()
    return [
        "/",
        "/open/",  # the share code form
        product.share_url("open"),
        product.share_url("open") + "?view=grid",
        folder,
        folder + "?view=grid",
        f"/s/{share}/search/?q=o",
        f"/s/{share}/search/?q=o&view=grid",
        started.headers["location"],
        product.share_url("password"),  # its password form
        product.share_url("cancelled"),  # 410
        product.share_url("hostile"),
        product.share_url("upload"),  # its drop zone
        product.share_url("upload") + "?view=grid",
        "/no-such-page/",  # 404
        f"/e/{share}/",  # the embed view (its "https only" page here, over http)
    ]


def _dashboard_pages(product) -> list[str]:
    share = product.demo["shares"]["open"]["share_id"]
    return [
        "/dashboard/",
        "/dashboard/shares/new/",
        f"/dashboard/shares/{share}/",
        f"/dashboard/shares/{share}/edit/",
        f"/dashboard/shares/{share}/cancel/",
        f"/dashboard/shares/{share}/embed/",
    ]


@pytest.mark.parametrize("device", [PHONE, SCREEN], ids=["phone-390", "screen-1280"])
def test_every_page_fits_the_window_and_its_controls_are_big_enough_to_touch(
    new_context, product, console_problems, device
):
    page = new_context(**device).new_page()
    # The ZIP's page starts its download by itself once ready: here it answers nothing, so
    # that it cannot cut short the next page this test opens.
    page.route("**/zip/*/file/", lambda route: route.fulfill(status=204))
    addresses = _visitor_pages(page, product)
    sign_in(page, product, "alice")
    # The dashboard it lands on loads its favicon too before the first address cuts it short.
    page.wait_for_load_state("networkidle")
    addresses += _dashboard_pages(product)
    wide, small = [], []

    for number, address in enumerate(addresses):
        page.goto(address)
        # Everything loaded (the favicon too), so that the next page aborts nothing.
        page.wait_for_load_state("networkidle")
        wide.append(_too_wide(page))
        if device is PHONE:
            small += _small_controls(page)
            screenshot(page, f"fit/phone-{number:02d}", full_page=True)

    assert [w for w in wide if w] == [], "\n".join(wide)
    assert small == [], "\n".join(small)
    assert console_problems == []


def test_a_visitor_switches_the_open_share_to_the_grid_and_back(
    new_context, product, console_problems
):
    page = new_context(**PHONE).new_page()
    page.goto(product.share_url("open"))
    page.get_by_role("link", name="Trip to the coast").click()
    page.get_by_role("link", name="Photos").click()
    page.wait_for_url("**/folder/**")
    assert page.locator("table.files").count() == 1

    page.get_by_role("navigation", name="Layout").get_by_role("link", name="Grid").click()
    page.wait_for_url("**view=grid")
    tiles = page.get_by_role("list").filter(has=page.locator(".tile"))
    names = tiles.locator(".tile__name").all_inner_texts()
    assert names == ["Day 2", "beach.png", "sunset.jpg"]
    grid = page.get_by_role("navigation", name="Layout").get_by_role("link", name="Grid")
    assert grid.get_attribute("aria-current") == "true"
    # Every picture has arrived, in the box its tile kept for it.
    thumbs = page.locator("img.tile__thumb")
    assert thumbs.count() == 2
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.tile__thumb')].every(i => i.complete"
        " && i.naturalWidth > 0)"
    )
    boxes = [thumbs.nth(n).bounding_box() for n in range(2)]
    assert all(abs(box["width"] / box["height"] - 4 / 3) < 0.02 for box in boxes)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Ticking tiles still makes "Download selected" a ZIP of them.
    page.get_by_label("Select beach.png").check()
    page.get_by_label("Select Day 2").check()
    picked = page.evaluate(
        "() => [...new FormData(document.getElementById('pick-form')).entries()].map(e => e[1])"
    )
    assert len(picked) == 2

    # The folder's tile is a link as a whole, and the grid goes with it, crumbs too.
    page.get_by_role("link", name="Day 2").click()
    page.wait_for_url("**/folder/**?view=grid")
    assert page.locator(".tile__name").all_inner_texts() == ["Tiny details", "lighthouse.jpg"]
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Photos").click()
    page.wait_for_url("**view=grid")
    screenshot(page, "share-grid-mobile", full_page=True)

    page.get_by_role("navigation", name="Layout").get_by_role("link", name="List").click()
    page.wait_for_load_state("load")
    assert "view=" not in page.url
    assert file_rows(page) == ["Day 2", "beach.png", "sunset.jpg"]
    assert console_problems == []


def test_load_more_in_the_grid_appends_tiles_in_place(new_context, product, console_problems):
    page = new_context(**SCREEN).new_page()
    # The share of one folder opens straight into it.
    page.goto(product.share_url("big") + "?view=grid")
    folder_url = page.url
    first = page.locator(".tile__name").all_inner_texts()
    assert first[0] == "file-0001.txt"

    page.get_by_role("button", name="Load more").click()
    page.wait_for_function(
        "count => document.querySelectorAll('li.tile').length > count", arg=len(first)
    )
    more = page.locator(".tile__name").all_inner_texts()
    assert page.url == folder_url
    assert more == [f"file-{n:04d}.txt" for n in range(1, 2 * len(first) + 1)]
    assert page.locator("table.files").count() == 0
    assert console_problems == []


def test_the_grid_of_the_open_share_for_the_readme(new_context, product, console_problems):
    page = new_context(**SCREEN).new_page()
    page.goto(product.share_url("open"))
    page.get_by_role("link", name="Trip to the coast").click()
    page.get_by_role("link", name="Photos").click()
    page.wait_for_url("**/folder/**")
    page.get_by_role("navigation", name="Layout").get_by_role("link", name="Grid").click()
    page.wait_for_url("**view=grid")
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.tile__thumb')].every(i => i.complete"
        " && i.naturalWidth > 0)"
    )
    screenshot(page, "share-grid", clip={"x": 0, "y": 0, "width": 1280, "height": 720})
    assert console_problems == []
