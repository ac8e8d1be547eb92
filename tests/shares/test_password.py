"""The password form of a share: PRG on the right password, the form again on a wrong one."""

import pytest
from django.test import Client

from .stubs import (
    TOKEN,
    add_list,
    add_share,
    add_token,
    add_wrong_password,
    calls_to,
    error_json,
    file_json,
    url,
)

pytestmark = pytest.mark.django_db

SHARE = "YWkUdz2SJir"


def test_the_right_password_redirects_into_the_share(client, pds):
    add_token(pds, SHARE, "open sesame")

    response = client.post(f"/s/{SHARE}/", {"password": "open sesame"})

    assert response.status_code == 303
    assert response["Location"] == f"/s/{SHARE}/"
    assert len(pds.calls) == 1


def test_the_password_goes_to_the_drive_with_the_visitors_address(pds, settings):
    # The drive counts guesses per visitor only if the portal says who the visitor is.
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    add_token(pds, SHARE, "open sesame")
    visitor = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50")

    response = visitor.post(f"/s/{SHARE}/", {"password": "open sesame"})

    assert response.status_code == 303
    [token_call] = calls_to(pds, "share_link/get_share_token")
    assert token_call.request.headers["X-Forwarded-For"] == "203.0.113.50"


def test_after_unlocking_the_share_lists_with_the_token_kept_in_the_session(client, pds):
    add_token(pds, SHARE, "open sesame")
    add_share(pds, SHARE, has_pwd=True)
    add_list(pds, [file_json("f1", "report.pdf")])

    client.post(f"/s/{SHARE}/", {"password": "open sesame"})
    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 200
    assert "report.pdf" in response.content.decode()
    assert client.session["share_tokens"][SHARE]["token"] == TOKEN


def test_the_share_token_never_reaches_the_browser(client, pds):
    add_token(pds, SHARE, "open sesame")
    add_share(pds, SHARE, has_pwd=True)
    add_list(pds, [file_json("f1", "report.pdf")], next_marker="m2")

    unlocked = client.post(f"/s/{SHARE}/", {"password": "open sesame"})
    page = client.get(f"/s/{SHARE}/")

    for response in (unlocked, page):
        assert TOKEN not in response.content.decode()
        assert TOKEN not in response.get("Location", "")
        assert all(TOKEN not in value for value in response.headers.values())
        assert all(TOKEN not in morsel.value for morsel in response.cookies.values())
    assert all(TOKEN not in morsel.value for morsel in client.cookies.values())


def test_a_wrong_password_keeps_the_form_and_says_why(client, pds):
    add_wrong_password(pds)
    add_share(pds, SHARE, has_pwd=True)

    response = client.post(f"/s/{SHARE}/", {"password": "guess"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "That password is not right" in page
    assert 'name="password"' in page
    assert 'aria-invalid="true"' in page
    assert "guess" not in page  # the typed password is not echoed back
    assert "share_tokens" not in client.session


def test_a_pause_from_the_drives_own_guard_is_shown_as_too_many_attempts(client, pds):
    pds.post(
        url("share_link/get_share_token"),
        status=429,
        headers={"Retry-After": "120"},
        json=error_json("TooManyRequests", "Too many wrong passwords; try again later."),
    )

    response = client.post(f"/s/{SHARE}/", {"password": "a guess"})

    assert response.status_code == 429
    assert response["Retry-After"] == "120"
    assert "Too many wrong passwords" in response.content.decode()
    assert len(calls_to(pds, "share_link/get_share_token")) == 1


def test_an_empty_password_is_refused_without_asking_pds_to_check_it(client, pds):
    add_share(pds, SHARE, has_pwd=True)

    response = client.post(f"/s/{SHARE}/", {"password": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert calls_to(pds, "share_link/get_share_token") == []


def test_a_password_longer_than_pds_allows_is_refused(client, pds):
    add_share(pds, SHARE, has_pwd=True)

    response = client.post(f"/s/{SHARE}/", {"password": "x" * 65})

    assert response.status_code == 400
    assert calls_to(pds, "share_link/get_share_token") == []


def test_the_form_is_csrf_protected(pds):
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"/s/{SHARE}/", {"password": "open sesame"})

    assert response.status_code == 403
    assert len(pds.calls) == 0


def test_unlocking_returns_to_the_page_that_asked_for_the_password(client, pds):
    add_token(pds, SHARE, "open sesame")
    folder = f"/s/{SHARE}/folder/f1/?sort=size&dir=desc"

    response = client.post(f"/s/{SHARE}/", {"password": "open sesame", "next": folder})

    assert response.status_code == 303
    assert response["Location"] == folder


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/s/YWkUdz2SJir/",
        "/s/other12345/",
        "/dashboard/",
        "/s/YWkUdz2SJir/../../dashboard/",
        "/s/YWkUdz2SJir/%2e%2e/%2E%2e/dashboard/",
        "/s/YWkUdz2SJir/.%2e/.%2e/dashboard/",
    ],
)
def test_unlocking_never_redirects_outside_the_share(client, pds, next_url):
    add_token(pds, SHARE, "open sesame")

    response = client.post(f"/s/{SHARE}/", {"password": "open sesame", "next": next_url})

    assert response["Location"] == f"/s/{SHARE}/"


def test_unlocking_gives_the_visitor_a_new_session_key(client, pds):
    add_share(pds, SHARE, has_pwd=True)
    client.get(f"/s/{SHARE}/")
    client.session.save()
    before = client.session.session_key
    add_token(pds, SHARE, "open sesame")

    client.post(f"/s/{SHARE}/", {"password": "open sesame"})

    assert client.session.session_key != before
    assert client.session["share_tokens"][SHARE]["token"] == TOKEN
