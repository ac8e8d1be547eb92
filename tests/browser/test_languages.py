"""The main pages in Simplified Chinese and in English, as a browser set to each shows them.

In Chinese, no English word of our own templates and messages may be left on the page: the
words of every English msgid (extracted afresh from the sources, as `make messages` does) are
looked for in the page's visible text and its labels (aria-label, title, placeholder, alt), less
what visitors' and owners' data puts there (names are shown in <bdi>, and a language's own name
in the switch carries its `lang`). In English, no Chinese is left.
"""

import importlib.util
import re

import pytest

from tests.browser.pages import screenshot
from tests.conftest import BASE_DIR

pytestmark = pytest.mark.browser

# Words that are the same in both languages: the product's name, units, formats and protocols.
SAME_IN_BOTH = {"shareportal", "zip", "kb", "mb", "gb", "utc", "https", "http", "url", "id", "qr"}
HAN = re.compile(r"[\u3400-\u9fff]")

# The page's words less the user data: <bdi> holds names, [lang] a language's own name, <code>
# and inputs hold what was typed or is to be copied.
PAGE_TEXT = """
() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll("bdi, code, script, style, [lang], input, textarea, time").forEach(
    (node) => node.remove());
  let labels = [...body.querySelectorAll("[aria-label], [title], [placeholder], [alt]")].map(
    (node) => ["aria-label", "title", "placeholder", "alt"].map((a) => node.getAttribute(a) || "")
      .join(" "));
  // Labels and the title name things too ("Open the folder <name>", "<name> · shareportal"):
  // the names shown in <bdi> come out of them.
  const names = [...document.querySelectorAll("bdi")].map((node) => node.innerText.trim())
    .filter(Boolean).sort((a, b) => b.length - a.length);
  labels.push(document.title);
  for (let i = 0; i < labels.length; i++) {
    for (const name of names) labels[i] = labels[i].split(name).join(" ");
  }
  document.body.appendChild(body);
  body.hidden = false;
  let text = body.innerText;
  body.remove();
  // A hidden label may name a share too ("<name> 的分享码").
  for (const name of names) text = text.split(name).join(" ");
  return [text, ...labels].join("\\n");
}
"""


def _english_words() -> set[str]:
    spec = importlib.util.spec_from_file_location("messages", BASE_DIR / "bin" / "messages.py")
    assert spec and spec.loader
    messages = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(messages)
    words: set[str] = set()
    for domain in messages.DOMAINS:
        for message in messages.extract(domain):
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            for msgid in ids:
                text = re.sub(r"<[^>]+>|%\(\w+\)[sd]|\{\}", " ", msgid)
                words |= {w.lower() for w in re.findall(r"[A-Za-z]{2,}", text)}
    return words - SAME_IN_BOTH


ENGLISH = _english_words()


def english_left(page) -> list[str]:
    text = page.evaluate(PAGE_TEXT)
    return sorted({w for w in re.findall(r"[A-Za-z]{2,}", text) if w.lower() in ENGLISH})


def chinese_left(page) -> list[str]:
    return HAN.findall(page.evaluate(PAGE_TEXT))


def assert_chinese(page, name: str) -> None:
    assert page.evaluate("document.documentElement.lang") == "zh-Hans", name
    left = english_left(page)
    lines = [
        line
        for line in page.evaluate(PAGE_TEXT).splitlines()
        if set(re.findall(r"[A-Za-z]{2,}", line)) & set(left)
    ]
    assert not left, f"English words on the Chinese {name}: {left} in {lines}"
    assert HAN.search(page.evaluate(PAGE_TEXT)), f"no Chinese at all on {name}"


def assert_english(page, name: str) -> None:
    assert page.evaluate("document.documentElement.lang") == "en", name
    left = chinese_left(page)
    assert not left, f"Chinese on the English {name}: {''.join(left)}"


def _visit_share_pages(page, product, check) -> None:
    demo = product.demo["shares"]
    page.goto("/")
    check(page, "home page")

    page.goto(product.share_url("open"))
    check(page, "share landing page")
    page.locator(".file-name__text a").first.click()
    page.wait_for_url("**/folder/**")
    check(page, "folder page")
    with page.expect_navigation():
        page.get_by_role("link", name="Photos", exact=True).click()
    page.get_by_role("link", name="beach.png", exact=True).click()
    page.wait_for_url("**/file/**")
    check(page, "file preview page")

    page.goto(f"{product.share_url('open')}search/?q=e")
    check(page, "search page")

    page.goto(product.share_url("password"))
    check(page, "password form")
    page.locator("input[type=password]").fill("not-the-password")
    page.locator(".unlock__form button[type=submit]").click()
    page.locator("#password-error").wait_for()
    check(page, "password form with its error")
    page.locator("input[type=password]").fill(demo["password"]["password"])
    page.locator(".unlock__form button[type=submit]").click()
    page.locator("tr.file-row").first.wait_for()
    check(page, "unlocked share")

    page.goto("/open/")
    check(page, "open-by-code page")
    page.goto(product.share_url("msg"))
    check(page, "share code form")

    page.goto(product.share_url("expired"))
    check(page, "problem page (expired share)")
    page.goto(product.share_url("cancelled"))
    check(page, "problem page (cancelled share)")
    page.goto("/s/no-such-page/at/all/")
    check(page, "page not found")


def _visit_dashboard(page, product, check, *, buttons: tuple[str, str]) -> None:
    sign_in, allow = buttons
    page.goto("/dashboard/")
    page.wait_for_url(f"{product.pds.url}/v2/oauth/authorize?**")
    check(page, "drive sign-in page")
    page.locator("input[name=user_name]").fill("alice")
    page.locator("input[name=password]").fill(product.demo["users"]["alice"]["password"])
    page.get_by_role("button", name=sign_in, exact=True).click()
    page.get_by_role("button", name=allow, exact=True).wait_for()
    check(page, "drive consent page")
    page.get_by_role("button", name=allow, exact=True).click()
    page.wait_for_url(f"{product.web}/dashboard/")
    check(page, "dashboard")

    page.goto("/dashboard/shares/new/")
    check(page, "new share page")

    page.goto(f"/dashboard/shares/{product.demo['shares']['password']['share_id']}/")
    check(page, "share detail page")


def test_the_main_pages_in_simplified_chinese_have_no_english_of_ours_left(
    new_context, product, console_problems
):
    page = new_context(locale="zh-CN").new_page()

    _visit_share_pages(page, product, assert_chinese)
    _visit_dashboard(page, product, assert_chinese, buttons=("登录", "允许"))

    assert not console_problems


def test_the_main_pages_in_english_have_no_chinese_left(new_context, product, console_problems):
    page = new_context(locale="en-US").new_page()

    _visit_share_pages(page, product, assert_english)
    _visit_dashboard(page, product, assert_english, buttons=("Sign in", "Allow"))

    assert not console_problems


def test_the_switch_changes_the_language_and_it_is_remembered(new_context, product):
    context = new_context(locale="en-US")
    page = context.new_page()
    page.goto(product.share_url("open"))
    assert page.evaluate("document.documentElement.lang") == "en"

    with page.expect_navigation():
        page.get_by_role("button", name="简体中文").click()

    assert page.url == product.share_url("open")
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    assert page.get_by_role("heading", name="Trip to the coast").is_visible()
    assert "全部下载" in page.inner_text("body")
    cookie = next(c for c in context.cookies() if c["name"] == "web_language")
    assert cookie["value"] == "zh-hans" and cookie["sameSite"] == "Lax" and cookie["httpOnly"]

    page.goto("/")
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.evaluate("document.documentElement.lang") == "en"


def test_chinese_pages_draw_with_a_chinese_font_stack(new_context, product):
    page = new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    page.goto(product.share_url("open"))

    fonts = page.evaluate("getComputedStyle(document.body).fontFamily")

    assert "PingFang SC" in fonts and "Microsoft YaHei" in fonts and "Noto Sans CJK SC" in fonts
    # Nothing wider than a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "share-zh", full_page=True)
