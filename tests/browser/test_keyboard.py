"""The main flows with the keyboard alone (Tab, Shift+Tab, Enter, Space and typing).

Every element that takes the focus on the way must show it (an outline or a box shadow), and
Tab must always move on: no element keeps it. Motion is off when the visitor asks for less.
"""

import re

import pytest

from tests.browser.pages import file_rows, sign_in

pytestmark = pytest.mark.browser

MAX_TABS = 80
MAX_PARTS = 8  # Tabs inside one element (the parts of a date and time) before it is a trap.

# What has the focus, and whether it is drawn: Chromium's computed outline and box shadow.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadowed = style.boxShadow !== "none";
  const label = (el.getAttribute("aria-label") || el.innerText || el.value || el.name || "");
  return {
    what: `<${el.tagName.toLowerCase()}> ${label.trim().slice(0, 60)}`,
    style: `outline ${style.outlineStyle} ${style.outlineWidth}, shadow ${style.boxShadow}`,
    shown: outlined || shadowed,
  };
}"""


def focus_shown(page) -> str:
    """A description of the focused element; fails unless its focus is drawn."""
    focused = page.evaluate(FOCUSED)
    assert focused is not None, "Nothing has the focus"
    assert focused["shown"], f"The focus on {focused['what']} is not visible: {focused['style']}"
    return focused["what"]


# Whether the focus is on the element it was on when last asked (and remember where it is).
STAYED = """() => {
  const stayed = window.a11yFocus === document.activeElement;
  window.a11yFocus = document.activeElement;
  return stayed;
}"""


# How many elements the page's Tab order holds (the browser's own chrome aside).
TAB_STOPS = """() => [...document.querySelectorAll(
  "a[href], button, input, select, textarea, summary, [tabindex]"
)].filter(el => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length).length"""


def page_tab_stops(page) -> int:
    """A bound for a walk round the whole page: each of its stops, plus room for the chrome."""
    return max(MAX_TABS, page.evaluate(TAB_STOPS) + MAX_PARTS)


def tab_to(page, target, *, backwards: bool = False, bound: int = MAX_TABS) -> list[str]:
    """Press Tab (Shift+Tab `backwards`) until `target` has the focus; the elements passed.

    Each one must show its focus, and each Tab must move it: staying put is a trap. At most
    `bound` Tabs: a long page (the dashboard's list of shares) says how many it needs.
    """
    passed: list[str] = []
    stayed = 0
    page.evaluate(STAYED)
    for _ in range(bound):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate(FOCUSED) is None:  # Past the last element, into the browser's chrome.
            continue
        here = focus_shown(page)
        # A date and time field keeps the focus while Tab walks its parts; then it moves on.
        stayed = stayed + 1 if page.evaluate(STAYED) else 0
        assert stayed <= MAX_PARTS, f"Tab stays on {here}"
        passed.append(here)
        if target.evaluate("el => el === document.activeElement"):
            return passed
    raise AssertionError(f"{bound} Tabs never reached {target}: passed {passed}")


def no_trap_around(page) -> None:
    """Shift+Tab then Tab comes back to where the focus was, each time drawn."""
    here = focus_shown(page)
    page.keyboard.press("Shift+Tab")
    assert focus_shown(page) != here or page.evaluate(FOCUSED) is None
    page.keyboard.press("Tab")
    assert focus_shown(page) == here


def test_a_visitor_unlocks_browses_previews_and_downloads_with_the_keyboard(
    new_context, product, console_problems
):
    page = new_context().new_page()
    page.goto(product.share_url("password"))

    # The skip link comes first and is shown when it has the focus.
    skip = page.get_by_role("link", name="Skip to content")
    tab_to(page, skip)
    assert skip.is_visible()

    field = page.get_by_label("Password", exact=True)
    # What password managers look for: a form, its label, current-password, a username.
    assert field.get_attribute("autocomplete") == "current-password"
    form = page.locator("form", has=field)
    username = form.locator("input[autocomplete=username]")
    assert username.get_attribute("value") == product.demo["shares"]["password"]["share_id"]
    assert form.locator("button[type=submit]").count() == 1
    tab_to(page, field)
    page.keyboard.type("not-the-password")
    tab_to(page, page.get_by_role("button", name="Open"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The error is announced and tied to the field, which has the focus again.
    error = page.get_by_role("alert")
    assert error.inner_text() == "That password is not right. Check it and try again."
    assert field.get_attribute("aria-invalid") == "true"
    assert field.get_attribute("aria-describedby") == error.get_attribute("id")
    assert field.evaluate("el => el === document.activeElement")
    focus_shown(page)
    page.keyboard.type(product.demo["shares"]["password"]["password"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The share of one folder opens straight into it.
    assert file_rows(page) == ["guest-list.txt", "surprise-party.md"]
    assert page.get_by_role("heading", level=1).inner_text() == "Private plans"

    download = page.get_by_role("link", name="Download guest-list.txt")
    tab_to(page, download)
    no_trap_around(page)
    with page.expect_download() as started:
        page.keyboard.press("Enter")
    assert started.value.suggested_filename == "guest-list.txt"

    # Back up the page with Shift+Tab to its first link (the landing page has no breadcrumb),
    # then out to the open share's images.
    tab_to(page, skip, backwards=True)
    page.goto(product.share_url("open"))
    tab_to(page, page.get_by_role("link", name="Trip to the coast"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Photos"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    preview = page.get_by_role("link", name="Preview beach.png")
    tab_to(page, preview)
    # Preview opens the image's preview page (where the preview is counted), then back.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    image = page.locator("img.preview__image")
    image.wait_for()
    page.wait_for_function("e => e.complete && e.naturalWidth > 0", arg=image.element_handle())
    with page.expect_navigation():
        page.go_back()

    # Space ticks a row's box; the toolbar's button then makes the ZIP.
    box = page.get_by_label("Select beach.png")
    tab_to(page, box, backwards=True)
    page.keyboard.press("Space")
    assert box.is_checked()
    tab_to(page, page.get_by_role("button", name="Download selected"), backwards=True)
    with page.expect_download() as zipped:
        page.keyboard.press("Enter")
    assert zipped.value.suggested_filename.endswith(".zip")
    assert console_problems == []


def test_an_owner_creates_and_cancels_a_share_with_the_keyboard(
    new_context, product, console_problems
):
    page = new_context().new_page()
    sign_in(page, product, "alice")

    tab_to(page, page.get_by_role("link", name="New share").first)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("welcome.txt"))
    page.keyboard.press("Space")
    assert page.get_by_label("welcome.txt").is_checked()

    # A custom expiry without its date: the error is announced on the field.
    expiry = page.get_by_label("Expires")
    tab_to(page, expiry)
    expiry.select_option("custom")  # A <select> is keyboard-operated by the browser itself.
    create = page.get_by_role("button", name="Create the share").last
    tab_to(page, create)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    date = page.get_by_label("Date and time")
    assert date.get_attribute("aria-invalid") == "true"
    described = date.get_attribute("aria-describedby").split()
    said = " ".join(page.locator(f"[id='{name}']").inner_text() for name in described)
    assert said.strip(), "The date's error is not read with the field"

    expiry = page.get_by_label("Expires")
    tab_to(page, expiry, backwards=True)
    expiry.select_option("7d")
    name = page.get_by_label("Name", exact=True)
    tab_to(page, name, backwards=True)
    page.keyboard.type("Keyboard share")
    tab_to(page, page.get_by_role("button", name="Create the share").last)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/dashboard/shares/[A-Za-z0-9_-]+/\?created=1$"))
    share_id = page.url.split("/shares/")[1].split("/")[0]

    tab_to(page, page.get_by_role("link", name="My shares").first, backwards=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    row = page.locator(f"#share-{share_id}")
    tab_to(page, row.get_by_role("link", name="Cancel…"), bound=page_tab_stops(page))
    page.keyboard.press("Enter")
    confirm = page.get_by_role("button", name="Yes, cancel the share")
    confirm.wait_for()
    # The confirmation replaces the row; the walk on from there goes round the whole list,
    # which grows with the demo's shares: as many Tabs as the page has stops, and some.
    tab_to(page, confirm, bound=page_tab_stops(page))
    page.keyboard.press("Enter")
    row.get_by_text("The share is cancelled. Its link no longer opens.").wait_for()
    assert console_problems == []


@pytest.mark.parametrize("path", ["share", "dashboard", "drive"])
def test_less_motion_turns_every_transition_and_animation_off(new_context, product, path):
    """Under `prefers-reduced-motion: reduce` no element moves; without it the buttons ease."""
    still, moving = new_context(reduced_motion="reduce"), new_context()
    if path == "dashboard":
        for context in (still, moving):
            sign_in(context.new_page(), product, "alice")
    url = {"share": product.share_url("open"), "dashboard": "/dashboard/"}.get(path)
    durations = """() => [...document.querySelectorAll("*")].flatMap(el => {
      const s = getComputedStyle(el);
      const times = [...s.transitionDuration.split(","), ...s.animationDuration.split(",")];
      return times.some(t => parseFloat(t) > 0) && (s.animationName !== "none" ||
        s.transitionProperty !== "none") ? [el.tagName + "." + el.className] : [];
    })"""
    for context, expected_moving in ((still, False), (moving, True)):
        page = context.new_page()
        if url:
            page.goto(url)
        else:
            page.goto("/dashboard/")
            page.wait_for_url(f"{product.pds.url}/v2/oauth/authorize?**")
        moved = page.evaluate(durations)
        if expected_moving and path != "drive":
            assert any("button" in element for element in moved), moved
        elif not expected_moving:
            assert moved == [], moved
