"""Each call is logged with its operation, status, duration and request id, and no secret."""

import logging

import pytest
import requests

from shareportal.pds import errors

from .stubs import AUTH, file_json, url

SECRETS = [
    "pw-SECRET",
    "st-SECRET",
    "at-SECRET",
    "rt-SECRET",
    "code-SECRET",
    "verifier-SECRET",
    "client-secret-xyz",
    "sig-SECRET",
]


def test_logs_name_each_call_but_never_a_token_password_code_or_signed_url(client, pds, caplog):
    caplog.set_level(logging.DEBUG)
    pds.post(
        url("share_link/get_share_token"),
        status=400,
        json={
            "code": "InvalidResource.SharePwd",
            "message": "The resource share_pwd is not valid.",
        },
        headers={"x-ca-request-id": "req-42"},
    )
    pds.post(url("share_link/get_share_token"), json={"share_token": "st-SECRET"})
    pds.post(url("file/list"), body=requests.ConnectionError("refused"))
    pds.post(url("file/list"), json={"items": [file_json()]})
    pds.post(
        url("file/get_download_url"),
        json={"url": "https://data.pds.test/blob?Signature=sig-SECRET"},
    )
    pds.post(url("share_link/get"), json={"share_id": "S1234", "share_pwd": "pw-SECRET"})
    pds.post(f"{AUTH}/v2/oauth/token", json={"access_token": "at-SECRET"})
    pds.post(
        f"{AUTH}/v2/oauth/token",
        status=400,
        json={"error": "invalid_grant", "error_description": "refresh token revoked"},
    )

    with pytest.raises(errors.SharePasswordWrong):
        client.get_share_token("S1234", "pw-SECRET")
    token = client.get_share_token("S1234", "pw-SECRET")
    client.list_files(share_id="S1234", share_token=token.share_token)
    client.get_download_url(file_id="f", share_id="S1234", share_token="st-SECRET")
    link = client.get_share_link("at-SECRET", "S1234")
    client.oauth_token_by_code(
        code="code-SECRET", redirect_uri="https://p.test/cb", code_verifier="verifier-SECRET"
    )
    with pytest.raises(errors.AccessTokenInvalid):
        client.oauth_refresh(refresh_token="rt-SECRET")
    logging.getLogger("test").info("objects: %r %r", token, link)

    text = caplog.text
    for secret in SECRETS:
        assert secret not in text
    assert "share_link/get_share_token status=400" in text
    assert "request_id=req-42" in text
    assert "file/list failed=ConnectionError" in text
    assert "oauth/token status=200" in text
    assert "duration_ms=" in text
