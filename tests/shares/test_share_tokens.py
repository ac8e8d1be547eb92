"""The share token: fetched once, reused (from the session, or shared by every visitor of a
share without a password: see test_visitor_state.py), renewed when PDS ends it."""

import json

import pytest
from responses import matchers

from .stubs import (
    TOKEN,
    add_error,
    add_list,
    add_share,
    add_token,
    calls_to,
    file_json,
    url,
)

pytestmark = pytest.mark.django_db

SHARE = "7JQX1FswpQ8"


def _unlock(client, pds):
    add_token(pds, SHARE, "pw")
    assert client.post(f"/s/{SHARE}/", {"password": "pw"}).status_code == 303


def test_a_share_without_password_is_opened_with_a_token_got_server_side(client, pds):
    add_share(pds, SHARE)
    add_token(pds, SHARE, "")
    add_list(pds, [])

    client.get(f"/s/{SHARE}/")

    [token_call] = calls_to(pds, "share_link/get_share_token")
    assert json.loads(token_call.request.body)["share_pwd"] == ""
    [list_call] = calls_to(pds, "file/list")
    assert list_call.request.headers["x-share-token"] == TOKEN


def test_a_held_token_is_reused_without_asking_pds_again(client, pds):
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    add_list(pds, [file_json("d1", "Docs", folder=True)], parent_file_id="root")
    add_list(pds, [file_json("f1", "a.txt", parent="d1")], parent_file_id="d1")

    client.get(f"/s/{SHARE}/")
    client.get(f"/s/{SHARE}/")
    client.get(f"/s/{SHARE}/folder/d1/")

    assert len(calls_to(pds, "share_link/get_share_token")) == 1
    # With the token held, the second landing reads the share's facts from the shared cache,
    # and it and the folder page cost exactly one call each: their listing.
    assert len(calls_to(pds, "share_link/get_by_anonymous")) == 1
    assert len(pds.calls) == 1 + 1 + 2 + 1


def test_a_token_about_to_expire_is_replaced(client, pds):
    add_share(pds, SHARE)
    add_token(pds, SHARE, expires_in=30)
    add_list(pds, [])

    client.get(f"/s/{SHARE}/")
    client.get(f"/s/{SHARE}/")

    assert len(calls_to(pds, "share_link/get_share_token")) == 2


def test_an_ended_token_of_a_password_share_sends_the_visitor_back_to_the_form(client, pds):
    _unlock(client, pds)
    add_share(pds, SHARE, has_pwd=True)
    add_error(pds, "file/list", 401, "ShareLinkTokenInvalid")

    response = client.get(f"/s/{SHARE}/folder/d1/", follow=True)

    assert response.redirect_chain[0] == (f"/s/{SHARE}/?next=%2Fs%2F{SHARE}%2Ffolder%2Fd1%2F", 302)
    page = response.content.decode()
    assert "Your access expired, enter the password again." in page
    assert 'name="password"' in page
    assert SHARE not in client.session.get("share_tokens", {})


def test_an_ended_token_in_an_htmx_request_redirects_the_whole_page(client, pds):
    _unlock(client, pds)
    add_share(pds, SHARE, has_pwd=True)
    add_error(pds, "file/list", 401, "ShareLinkTokenInvalid")

    response = client.get(f"/s/{SHARE}/folder/d1/?marker=m2", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/s/{SHARE}/?next=%2Fs%2F{SHARE}%2Ffolder%2Fd1%2F"
    assert SHARE not in client.session.get("share_tokens", {})


def test_an_ended_token_of_an_open_share_is_silently_renewed_once(client, pds):
    add_share(pds, SHARE)
    add_token(pds, SHARE, token="first-token")
    add_list(pds, [], token="first-token")
    assert client.get(f"/s/{SHARE}/").status_code == 200
    pds.reset()
    add_token(pds, SHARE, token="second-token")
    add_error(
        pds,
        "file/get_download_url",
        401,
        "ShareLinkTokenInvalid",
        match=[matchers.header_matcher({"x-share-token": "first-token"})],
    )
    pds.post(
        url("file/get_download_url"),
        json={"url": "http://data.test/f1?sig=1"},
        match=[matchers.header_matcher({"x-share-token": "second-token"})],
    )

    response = client.get(f"/s/{SHARE}/download/f1/")

    assert response.status_code == 302
    assert response["Location"] == "http://data.test/f1?sig=1"
    assert [c.request.url.rsplit("/v2/", 1)[1] for c in pds.calls] == [
        "file/get_download_url",
        "share_link/get_share_token",
        "file/get_download_url",
    ]


def test_an_open_share_whose_new_token_also_fails_is_not_retried_forever(client, pds):
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    add_error(pds, "file/list", 401, "ShareLinkTokenInvalid")

    response = client.get(f"/s/{SHARE}/")

    assert len(calls_to(pds, "file/list")) == 2
    assert len(calls_to(pds, "share_link/get_share_token")) == 2
    assert response.status_code == 502
    assert SHARE not in client.session.get("share_tokens", {})
