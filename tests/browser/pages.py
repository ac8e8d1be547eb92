"""What the browser tests do on the portal's pages, said once."""

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


def screenshot(page, name: str, **options) -> Path:
    """Save `page` as test-artifacts/<name>.png, for people and for the README."""
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, **options)
    return path


def file_rows(page) -> list[str]:
    """The names in the share listing, top to bottom."""
    return page.locator("tr.file-row .file-name__text bdi").all_inner_texts()


def unlock(page, password: str):
    """Type `password` into a share's password form and press Open; return the response."""
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Open").click()
    return navigation.value


def sign_in(page, product, user_name: str) -> None:
    """Open the dashboard signed out and go through the drive's sign-in and consent pages."""
    page.goto("/dashboard/")
    page.wait_for_url(f"{product.pds.url}/v2/oauth/authorize?**")
    page.get_by_label("User name").fill(user_name)
    page.get_by_label("Password", exact=True).fill(product.demo["users"][user_name]["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Allow access?").wait_for()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{product.web}/dashboard/")


# Accept-Language values; the page list runs in each. zh-Hans is answered in English until
# its translations are there, and checked all the same.
LANGUAGES = {"en": "en", "zh-Hans": "zh-Hans,zh;q=0.9"}
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")

# WCAG 2.2 at level AA, as axe-core names its rules' tags (2.2 added only AA rules to axe).
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> str:
    """axe-core's report of the WCAG 2.2 AA violations on `page` as it is now, "" when none.

    axe is the copy that `axe-playwright-python` ships, evaluated in the page by Playwright
    (which the page's Content-Security-Policy does not govern).
    """
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return results.generate_report() if results.violations_count else ""


SETTLED = """Promise.race([
  Promise.allSettled(document.getAnimations().map(animation => animation.finished)),
  new Promise(resolve => setTimeout(resolve, 2000)),
])"""


def assert_no_violations(page, where: str) -> None:
    """axe's four runs on the page as it stands: both schemes, both widths."""
    found = []
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            # Colours that ease from one scheme to the other are measured once they are there
            # (evaluate has no timeout of its own: an animation that never ends is given 2 s).
            page.evaluate(SETTLED)
            if report := axe_violations(page):
                found.append(f"--- {where}, {scheme}, {width}:\n{report}")
    assert not found, "\n".join(found)
