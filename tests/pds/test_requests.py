"""What the client puts on the wire: paths, bodies and credentials.

See docs/pds-api.md#transport, #authentication and #oauth.
"""

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qs

import pytest

from shareportal.pds import errors

from .stubs import AUTH, anonymous_share_json, file_json, sent_json, share_link_json, url


def test_anonymous_calls_send_no_credentials(client, pds):
    pds.post(url("share_link/get_by_anonymous"), json=anonymous_share_json())
    pds.post(url("share_link/get_share_token"), json={"share_token": "tok", "expires_in": 7200})

    client.get_share_link_by_anonymous("7JQX1FswpQ8")
    client.get_share_token("7JQX1FswpQ8", "pw", expire_sec=600)

    for call in pds.calls:
        assert "Authorization" not in call.request.headers
        assert "x-share-token" not in call.request.headers
        assert call.request.method == "POST"
        assert call.request.headers["Content-Type"] == "application/json"
    assert sent_json(pds.calls[0]) == {"share_id": "7JQX1FswpQ8"}
    assert sent_json(pds.calls[1]) == {
        "share_id": "7JQX1FswpQ8",
        "share_pwd": "pw",
        "expire_sec": 600,
    }


def test_get_share_token_forwards_the_visitors_address_as_x_forwarded_for(client, pds):
    for _ in range(3):
        pds.post(url("share_link/get_share_token"), json={"share_token": "t", "expires_in": 60})
    pds.post(url("share_link/get_by_anonymous"), json=anonymous_share_json())

    client.get_share_token("7JQX1FswpQ8", "pw", client_address="198.51.100.7")
    client.get_share_token("7JQX1FswpQ8", "pw", client_address="2001:db8::7")
    client.get_share_token("7JQX1FswpQ8", "pw")
    client.get_share_link_by_anonymous("7JQX1FswpQ8")

    sent = [call.request.headers.get("X-Forwarded-For") for call in pds.calls]
    assert sent == ["198.51.100.7", "2001:db8::7", None, None]


@pytest.mark.parametrize("address", ["not an address", "198.51.100.7\r\nX-Evil: 1", "unix"])
def test_get_share_token_forwards_nothing_that_is_not_an_address(client, pds, address):
    pds.post(url("share_link/get_share_token"), json={"share_token": "t", "expires_in": 60})

    client.get_share_token("7JQX1FswpQ8", "pw", client_address=address)

    headers = pds.calls[0].request.headers
    assert "X-Forwarded-For" not in headers
    assert "X-Evil" not in headers


def test_share_calls_send_the_share_token_and_share_id_but_never_a_drive_id(client, pds):
    pds.post(url("file/list"), json={"items": [], "next_marker": ""})
    pds.post(url("file/get"), json=file_json())
    pds.post(url("file/get_download_url"), json={"url": "https://data.pds.test/x"})

    client.list_files(share_id="7JQX1FswpQ8", share_token="tok-1", parent_file_id="d1")
    client.get_file(file_id="f1", share_id="7JQX1FswpQ8", share_token="tok-1")
    client.get_download_url(file_id="f1", share_id="7JQX1FswpQ8", share_token="tok-1")

    for call in pds.calls:
        assert call.request.headers["x-share-token"] == "tok-1"
        assert "Authorization" not in call.request.headers
        body = sent_json(call)
        assert body["share_id"] == "7JQX1FswpQ8"
        assert "drive_id" not in body


def test_a_share_that_requires_sign_in_gets_both_credentials(client, pds):
    pds.post(url("file/list"), json={"items": []})

    client.list_files(share_id="7JQX1FswpQ8", share_token="tok-1", access_token="at-1")

    headers = pds.calls[0].request.headers
    assert headers["x-share-token"] == "tok-1"
    assert headers["Authorization"] == "Bearer at-1"


def test_list_files_sends_paging_and_order(client, pds):
    pds.post(url("file/list"), json={"items": [], "next_marker": ""})
    pds.post(url("file/list"), json={"items": [], "next_marker": ""})

    client.list_files(share_id="S1234", share_token="t")
    client.list_files(
        share_id="S1234",
        share_token="t",
        parent_file_id="d1",
        marker="m-2",
        limit=20,
        order_by="size",
        order_direction="DESC",
    )

    assert sent_json(pds.calls[0]) == {
        "share_id": "S1234",
        "parent_file_id": "root",
        "limit": 50,
        "order_by": "name",
        "order_direction": "ASC",
    }
    assert sent_json(pds.calls[1]) == {
        "share_id": "S1234",
        "parent_file_id": "d1",
        "limit": 20,
        "marker": "m-2",
        "order_by": "size",
        "order_direction": "DESC",
    }


def test_owner_file_calls_send_the_drive_and_a_bearer_token(client, pds):
    pds.post(url("file/list"), json={"items": []})
    pds.post(url("file/get_download_url"), json={"url": "https://data.pds.test/x"})

    client.list_files(drive_id="1", access_token="at-1")
    client.get_download_url(file_id="f1", drive_id="1", access_token="at-1", file_name="a b.txt")

    for call in pds.calls:
        assert call.request.headers["Authorization"] == "Bearer at-1"
        assert "x-share-token" not in call.request.headers
        assert sent_json(call)["drive_id"] == "1"
        assert "share_id" not in sent_json(call)
    assert sent_json(pds.calls[1])["file_name"] == "a b.txt"


@pytest.mark.parametrize(
    "scope",
    [
        {},
        {"share_id": "S1234"},
        {"drive_id": "1"},
        {"share_id": "S1234", "share_token": "t", "drive_id": "1", "access_token": "at"},
    ],
)
def test_a_file_call_without_a_complete_scope_is_refused_before_sending(client, pds, scope):
    with pytest.raises(ValueError):
        client.list_files(**scope)

    assert len(pds.calls) == 0


def test_owner_calls_send_a_bearer_token_and_their_bodies(client, pds):
    pds.post(url("user/get"), json={"user_id": "u1", "role": "admin"})
    pds.post(url("drive/list_my_drives"), json={"items": [{"drive_id": "7"}]})
    pds.post(url("share_link/list"), json={"items": [share_link_json()], "next_marker": "n"})
    pds.post(url("share_link/search"), json={"items": []})
    pds.post(url("share_link/get"), json=share_link_json())

    client.get_user("at-1")
    client.get_default_drive_id("at-1")
    client.list_share_links("at-1", creator="u2", marker="m", limit=10)
    client.search_share_links(
        "at-1", creators=["u2"], query="status='enabled'", order_by="updated_at"
    )
    client.get_share_link("at-1", "7JQX1FswpQ8")

    for call in pds.calls:
        assert call.request.headers["Authorization"] == "Bearer at-1"
        assert "x-share-token" not in call.request.headers
    bodies = [sent_json(call) for call in pds.calls]
    assert bodies[0] == {}
    assert bodies[1] == {"limit": 100}
    assert bodies[2] == {"creator": "u2", "marker": "m", "limit": 10, "include_cancelled": False}
    assert bodies[3] == {
        "creators": ["u2"],
        "query": "status='enabled'",
        "limit": 50,
        "order_by": "updated_at",
        "order_direction": "DESC",
    }
    assert bodies[4] == {"share_id": "7JQX1FswpQ8"}


def test_create_sends_expiration_as_rfc3339_and_no_expiration_as_empty(client, pds):
    pds.post(url("share_link/create"), status=201, json=share_link_json())
    pds.post(url("share_link/create"), status=201, json=share_link_json())
    in_shanghai = datetime(2030, 6, 28, 11, 33, tzinfo=timezone(timedelta(hours=8)))

    client.create_share_link(
        "at",
        drive_id="1",
        file_id_list=["f1", "f2"],
        share_pwd="pw",
        expiration=in_shanghai,
        disable_download=True,
        download_limit=3,
        enable_upload=True,
        share_policy="msg",
    )
    client.create_share_link("at", drive_id="1", file_id_list=["f1"], expiration=None)

    assert sent_json(pds.calls[0]) == {
        "drive_id": "1",
        "file_id_list": ["f1", "f2"],
        "share_pwd": "pw",
        "expiration": "2030-06-28T03:33:00.000Z",
        "disable_download": True,
        "download_limit": 3,
        "creatable": True,
        "share_policy": "msg",
    }
    assert sent_json(pds.calls[1])["expiration"] == ""


def test_create_refuses_a_naive_expiration(client, pds):
    with pytest.raises(ValueError):
        client.create_share_link("at", drive_id="1", file_id_list=["f"], expiration=datetime.now())

    assert len(pds.calls) == 0


def test_update_sends_the_share_id_and_only_the_fields_given(client, pds):
    pds.post(url("share_link/update"), json=share_link_json(status="disabled"))

    link = client.update_share_link(
        "at", "7JQX1FswpQ8", status="disabled", expiration=datetime(2031, 1, 1, tzinfo=UTC)
    )

    assert link.status == "disabled"
    assert sent_json(pds.calls[0]) == {
        "share_id": "7JQX1FswpQ8",
        "status": "disabled",
        "expiration": "2031-01-01T00:00:00.000Z",
    }
    assert pds.calls[0].request.headers["Authorization"] == "Bearer at"


@pytest.mark.parametrize(
    "answer", [{"status": 204, "body": ""}, {"status": 200, "json": {}}], ids=["204", "{}"]
)
def test_cancel_accepts_both_documented_answers(client, pds, answer):
    pds.post(url("share_link/cancel"), **answer)

    assert client.cancel_share_link("at", "7JQX1FswpQ8") is None
    assert sent_json(pds.calls[0]) == {"share_id": "7JQX1FswpQ8"}


def test_the_code_exchange_is_form_encoded_to_the_auth_endpoint(client, pds):
    pds.post(
        f"{AUTH}/v2/oauth/token",
        json={"access_token": "at-9", "refresh_token": "rt-9", "expires_in": 7200},
    )

    tokens = client.oauth_token_by_code(
        code="code-1", redirect_uri="https://portal.test/dashboard/callback/", code_verifier="v1"
    )

    request = pds.calls[0].request
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in request.headers
    assert parse_qs(request.body) == {
        "grant_type": ["authorization_code"],
        "code": ["code-1"],
        "redirect_uri": ["https://portal.test/dashboard/callback/"],
        "code_verifier": ["v1"],
        "client_id": ["portal"],
        "client_secret": ["client-secret-xyz"],
    }
    assert (tokens.access_token, tokens.refresh_token) == ("at-9", "rt-9")


def test_the_refresh_is_form_encoded_to_the_auth_endpoint(client, pds):
    pds.post(f"{AUTH}/v2/oauth/token", json={"access_token": "at-2", "refresh_token": "rt-2"})

    client.oauth_refresh(refresh_token="rt-1")

    assert parse_qs(pds.calls[0].request.body) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["rt-1"],
        "client_id": ["portal"],
        "client_secret": ["client-secret-xyz"],
    }


def test_redirects_are_not_followed_and_count_as_a_bad_response(client, pds):
    pds.post(
        url("share_link/get_by_anonymous"),
        status=302,
        headers={"Location": "https://elsewhere.test/"},
    )

    with pytest.raises(errors.BadResponse):
        client.get_share_link_by_anonymous("7JQX1FswpQ8")

    assert len(pds.calls) == 1
