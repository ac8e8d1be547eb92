"""The drive's own pages (sign-in, consent, sign-out) in English or Simplified Chinese."""

import re

import pytest
from django.conf import settings
from django.test import Client

from tests.localpds.oauth_helpers import (
    authorize_url,
    make_client,
    make_user,
    pkce_pair,
    sign_in,
    use_test_settings,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("localpds.urls")]

ZH = {"accept-language": "zh-CN,zh;q=0.9"}


@pytest.fixture(autouse=True)
def _settings(settings):
    use_test_settings(settings)


@pytest.fixture
def url() -> str:
    make_client()
    make_user()
    return authorize_url(pkce_pair()[1])


def _html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def test_the_sign_in_page_follows_a_chinese_browser(client, url):
    page = client.get(url, headers=ZH).content.decode()

    assert _html_lang(page) == "zh-Hans"
    assert "<h1>登录</h1>" in page
    assert "用户名" in page and "密码" in page
    assert "请你用云盘账号登录" in page
    assert "Sign in" not in page and "User name" not in page


def test_the_sign_in_page_is_english_for_anyone_else(client, url):
    page = client.get(url, headers={"accept-language": "de-DE"}).content.decode()

    assert _html_lang(page) == "en"
    assert "<h1>Sign in</h1>" in page


def test_a_wrong_password_is_said_in_chinese(client, url):
    response = client.post(url, {"user_name": "alice", "password": "wrong"}, headers=ZH)

    assert response.status_code == 400
    assert "用户名或密码不正确。" in response.content.decode()


def test_the_consent_page_is_in_chinese(client, url):
    assert sign_in(client, url).status_code == 303

    page = client.get(url, headers=ZH).content.decode()

    assert "允许访问？" in page
    assert 'value="allow" class="primary">允许</button>' in page
    assert "不是你？退出登录" in page


def test_every_page_has_a_switch_to_djangos_set_language_with_its_csrf_token(client, url):
    page = client.get(url).content.decode()

    form = re.search(r'<form method="post" action="/v2/oauth/language".*?</form>', page, re.S)
    assert form, "no language switch"
    assert 'name="csrfmiddlewaretoken"' in form.group(0)
    assert 'name="language" value="zh-hans"' in form.group(0)


def test_the_switch_sets_a_lax_cookie_and_comes_back_to_the_page(url):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = browser.post(
        "/v2/oauth/language", {"language": "zh-hans", "next": url, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert response["Location"] == url
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "zh-hans"
    assert cookie["samesite"] == "Lax" and cookie["httponly"] is True
    page = browser.get(url, headers={"accept-language": "en"}).content.decode()
    assert _html_lang(page) == "zh-Hans"


def test_the_switch_refuses_a_form_without_its_csrf_token(url):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/v2/oauth/language", {"language": "zh-hans", "next": url})

    assert response.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switch_goes_back_only_to_the_drive_itself(client):
    response = client.post(
        "/v2/oauth/language", {"language": "en", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_the_api_answers_as_before_whatever_the_browser_speaks(client):
    response = client.post("/v2/file/list", data="{}", content_type="application/json", headers=ZH)

    assert "Accept-Language" not in response.get("Vary", "")
    assert response.json()["message"].isascii()
