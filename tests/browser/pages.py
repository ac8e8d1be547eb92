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
