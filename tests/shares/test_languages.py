"""The language of the share pages: Accept-Language, the switch and its cookie, `?lang=`."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings

from shareportal.shares.embedding import embed_sites_set

from .stubs import add_list, add_share, add_token, add_wrong_password, file_json

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"
HOST = "https://host.example"
COOKIE = django_settings.LANGUAGE_COOKIE_NAME


def _open_share(pds, **fields) -> None:
    add_share(pds, SHARE, **fields)
    add_token(pds, SHARE)
    add_list(pds, [file_json("d1", "Photos", folder=True), file_json("f1", "a.txt")])


def _html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


@pytest.mark.parametrize(
    "accept",
    ["zh-Hans", "zh-CN", "zh", "zh-SG", "zh-cn,zh;q=0.9,en;q=0.8", "fr-FR, zh-CN;q=0.5"],
)
def test_a_simplified_chinese_browser_gets_the_pages_in_chinese(client, pds, accept):
    _open_share(pds)

    page = client.get(f"/s/{SHARE}/", headers={"accept-language": accept}).content.decode()

    assert _html_lang(page) == "zh-Hans"
    assert "有效期至" in page and "Available until" not in page
    assert "全部下载" in page


@pytest.mark.parametrize("accept", ["", "en-US", "fr-FR,de;q=0.8", "ja", "*"])
def test_any_other_browser_gets_english(client, pds, accept):
    _open_share(pds)

    page = client.get(f"/s/{SHARE}/", headers={"accept-language": accept}).content.decode()

    assert _html_lang(page) == "en"
    assert "Available until" in page


def test_every_page_says_its_language_and_offers_the_switch(client, pds):
    _open_share(pds)

    for path in ("/", f"/s/{SHARE}/", "/no/such/page/"):
        page = client.get(path, headers={"accept-language": "zh-CN"}).content.decode()

        assert _html_lang(page) == "zh-Hans", path
        assert 'action="/language/"' in page, path
        assert '<button type="submit" name="language" value="en" lang="en"' in page, path
        assert '<span lang="zh-Hans" aria-current="true">简体中文</span>' in page, path


def test_the_switch_remembers_the_language_in_a_deliberate_cookie(client):
    response = client.post("/language/", {"language": "zh-hans", "next": f"/s/{SHARE}/?sort=size"})

    assert response.status_code == 303
    assert response["Location"] == f"/s/{SHARE}/?sort=size"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "zh-hans"
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
    assert cookie["path"] == "/"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert not cookie["domain"]


def test_the_chosen_language_wins_over_the_browsers(client, pds):
    _open_share(pds)
    client.post("/language/", {"language": "zh-hans", "next": "/"})

    page = client.get(f"/s/{SHARE}/", headers={"accept-language": "en-US"}).content.decode()
    assert _html_lang(page) == "zh-Hans"

    client.post("/language/", {"language": "en", "next": "/"})
    page = client.get("/", headers={"accept-language": "zh-CN"}).content.decode()
    assert _html_lang(page) == "en"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_the_switch_goes_back_only_to_a_page_of_this_site(client, next_url):
    response = client.post("/language/", {"language": "en", "next": next_url})

    assert response.status_code == 303
    assert response["Location"] == "/"


def test_the_switch_refuses_a_language_we_do_not_have_and_sets_nothing(client):
    response = client.post("/language/", {"language": "fr", "next": "/"})

    assert response.status_code == 400
    assert COOKIE not in response.cookies


def test_the_switch_refuses_another_sites_form(client):
    response = client.post(
        "/language/",
        {"language": "zh-hans", "next": "/"},
        headers={"origin": "https://evil.example"},
    )

    assert response.status_code == 403
    assert COOKIE not in response.cookies


def test_the_switch_takes_a_form_from_this_site(client):
    response = client.post(
        "/language/", {"language": "zh-hans", "next": "/"}, headers={"origin": "http://testserver"}
    )

    assert response.status_code == 303
    assert response.cookies[COOKIE].value == "zh-hans"


def test_the_switch_is_a_post(client):
    assert client.get("/language/?language=zh-hans&next=/").status_code == 405


def test_an_open_share_still_sets_no_cookie_with_the_switch_on_it(client, pds):
    _open_share(pds)

    response = client.get(f"/s/{SHARE}/", headers={"accept-language": "zh-CN"})

    assert response.cookies == {} or not any(m.value for m in response.cookies.values())


def test_the_switch_comes_back_to_the_page_without_an_oauth_code(client):
    page = client.get("/dashboard/oauth/callback/?code=c0de-once&state=st4te").content.decode()

    assert "c0de-once" not in page and "st4te" not in page


def test_the_password_form_and_its_error_are_in_chinese(client, pds):
    add_share(pds, SHARE, has_pwd=True)
    add_wrong_password(pds)
    zh = {"accept-language": "zh-CN"}

    page = client.get(f"/s/{SHARE}/", headers=zh).content.decode()
    assert "此分享需要提取码" in page
    assert "请输入随链接一起收到的提取码。" in page

    response = client.post(f"/s/{SHARE}/", {"password": "nope", "next": ""}, headers=zh)
    page = response.content.decode()
    assert "提取码不正确，请检查后重试。" in page


def test_dates_sizes_relative_times_and_plurals_are_chinese(client, pds, time_machine):
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    time_machine.move_to(now, tick=False)
    expiry = now + timedelta(days=7)
    _open_share(pds, expiration=expiry.isoformat().replace("+00:00", ".000Z"), file_count=2)

    page = client.get(f"/s/{SHARE}/", headers={"accept-language": "zh-CN"}).content.decode()

    assert "2026年6月8日 12:00" in page
    assert "（7 天后过期）" in page
    assert "2 项" in page
    assert "2.0\xa0KB" in page
    assert "2026年1月2日" in page  # the listing's modified date


def test_the_same_share_in_english_reads_in_7_days(client, pds, time_machine):
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    time_machine.move_to(now, tick=False)
    expiry = now + timedelta(days=7)
    _open_share(pds, expiration=expiry.isoformat().replace("+00:00", ".000Z"), file_count=1)
    # A few seconds after the share was made, as a visitor opens it.
    time_machine.move_to(now + timedelta(seconds=5), tick=False)

    page = client.get(f"/s/{SHARE}/").content.decode()

    assert "June 8, 2026" in page
    assert "(expires in 7 days)" in page
    assert "1 item" in page and "1 items" not in page


@pytest.fixture
def embedding(settings):
    settings.EMBED_ALLOWED_ORIGINS = [HOST]
    embed_sites_set(share_id=SHARE, origins=[HOST], by="u1")


def test_the_embed_view_takes_lang_and_remembers_it_in_its_partitioned_cookie(
    client, pds, embedding
):
    _open_share(pds)

    response = client.get(
        f"/e/{SHARE}/?lang=zh-hans", secure=True, headers={"accept-language": "en"}
    )

    page = response.content.decode()
    assert _html_lang(page) == "zh-Hans"
    assert COOKIE not in response.cookies
    cookie = response.cookies[django_settings.EMBED_LANGUAGE_COOKIE_NAME]
    assert cookie.value == "zh-hans"
    assert cookie["samesite"] == "None" and cookie["secure"] is True
    assert "Partitioned" in cookie.OutputString()

    # The frame's next page, without `?lang=`, keeps it.
    _open_share(pds)
    page = client.get(f"/e/{SHARE}/", secure=True, headers={"accept-language": "en"})
    assert _html_lang(page.content.decode()) == "zh-Hans"


def test_the_embed_view_takes_zh_cn_and_ignores_a_language_we_do_not_have(client, pds, embedding):
    _open_share(pds)

    page = client.get(f"/e/{SHARE}/?lang=zh-CN", secure=True).content.decode()
    assert _html_lang(page) == "zh-Hans"

    client.cookies.clear()
    _open_share(pds)
    response = client.get(
        f"/e/{SHARE}/?lang=xx-nope", secure=True, headers={"accept-language": "en"}
    )
    assert _html_lang(response.content.decode()) == "en"
    assert django_settings.EMBED_LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_embed_views_switch_is_links_that_keep_the_page(client, pds, embedding):
    _open_share(pds)

    page = client.get(f"/e/{SHARE}/?sort=size", secure=True).content.decode()

    assert f'href="/e/{SHARE}/?sort=size&amp;lang=zh-hans"' in page
    assert 'action="/language/"' not in page


def test_lang_outside_the_embed_view_changes_nothing(client, pds):
    _open_share(pds)

    response = client.get(f"/s/{SHARE}/?lang=zh-hans", headers={"accept-language": "en"})

    assert _html_lang(response.content.decode()) == "en"
    assert not response.cookies
