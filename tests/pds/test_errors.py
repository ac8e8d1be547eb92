"""PDS's error answers become typed errors: code first, HTTP status second.

See docs/pds-api.md#error-codes.
"""

import pytest

from shareportal.pds import errors

from .stubs import AUTH, url


def fail(pds, operation, status, code, message="", **kwargs):
    body = {"code": code, "message": message, "requestId": "req-body"}
    pds.post(url(operation), status=status, json=body, **kwargs)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (404, "NotFound.ShareLink", errors.ShareNotFound),
        (400, "ShareLink.Cancelled", errors.ShareCancelled),
        (400, "ShareLink.Expired", errors.ShareExpired),
        (403, "ShareLink.Forbidden", errors.ShareForbidden),
        (401, "AccessTokenInvalid", errors.AccessTokenInvalid),
        (401, "AccessTokenExpired", errors.AccessTokenInvalid),
        (403, "ForbiddenNoPermission", errors.NoPermission),
        (403, "Forbidden", errors.NoPermission),
        (404, "NotFound.File", errors.FileNotFound),
        (404, "NotFound", errors.FileNotFound),
        (400, "InvalidParameterOutOfRange", errors.InvalidParameter),
        (429, "TooManyRequests", errors.RateLimited),
        (503, "Throttling.User", errors.RateLimited),
        (400, "ParamFlowException", errors.RateLimited),
        (500, "InternalError", errors.Unavailable),
    ],
)
def test_each_error_code_becomes_its_typed_error(client, pds, status, code, expected):
    fail(pds, "share_link/get_by_anonymous", status, code, "nope")

    with pytest.raises(expected) as caught:
        client.get_share_link_by_anonymous("7JQX1FswpQ8")

    assert type(caught.value) is expected
    assert caught.value.code == code
    assert caught.value.pds_status == status
    assert caught.value.request_id == "req-body"
    assert caught.value.message == "nope"


def test_the_code_decides_before_the_status(client, pds):
    # A share cancelled answered with a status that alone would mean "no permission".
    fail(pds, "share_link/get_by_anonymous", 403, "ShareLink.Cancelled")

    with pytest.raises(errors.ShareCancelled):
        client.get_share_link_by_anonymous("7JQX1FswpQ8")


def test_share_token_invalid_on_a_listing_asks_for_a_new_token(client, pds):
    fail(pds, "file/list", 401, "ShareLinkTokenInvalid", "ShareLinkToken is invalid. expired")

    with pytest.raises(errors.ShareTokenInvalid):
        client.list_files(share_id="7JQX1FswpQ8", share_token="tok")


def test_a_missing_password_is_told_apart_from_a_wrong_one(client, pds):
    fail(pds, "share_link/get_share_token", 400, "InvalidResource.SharePwd")
    fail(pds, "share_link/get_share_token", 400, "InvalidResource.SharePwd")

    with pytest.raises(errors.SharePasswordRequired):
        client.get_share_token("7JQX1FswpQ8")
    with pytest.raises(errors.SharePasswordWrong):
        client.get_share_token("7JQX1FswpQ8", "guess")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("ShareLink.DownloadLimitExceeded", "download"),
        ("ShareLink.PreviewLimitExceeded", "preview"),
        ("ShareLink.SaveLimitExceeded", "save"),
        ("ShareLink.SaveDownloadLimitExceeded", "save_download"),
    ],
)
def test_a_reached_limit_says_which_one(client, pds, code, kind):
    fail(pds, "file/get_download_url", 403, code)

    with pytest.raises(errors.LimitReached) as caught:
        client.get_download_url(file_id="f1", share_id="7JQX1FswpQ8", share_token="tok")

    assert caught.value.kind == kind


@pytest.mark.parametrize(
    ("code", "kind"),
    [("ShareLink.DownloadDisabled", "download"), ("ShareLink.PreviewDisabled", "preview")],
)
def test_a_disabled_feature_says_which_one_and_is_a_permission_error(client, pds, code, kind):
    fail(pds, "file/get_download_url", 403, code)

    with pytest.raises(errors.FeatureDisabled) as caught:
        client.get_download_url(file_id="f1", share_id="7JQX1FswpQ8", share_token="tok")

    assert caught.value.kind == kind
    assert isinstance(caught.value, errors.NoPermission)


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ("The input parameter share_pwd is not valid.", "share_pwd"),
        ("Invalid parameter: expiration", "expiration"),
        ("The input parameter is not valid.", ""),
        ("", ""),
    ],
)
def test_an_invalid_parameter_names_the_field_when_pds_does(client, pds, message, field):
    fail(pds, "share_link/create", 400, "InvalidParameter", message)

    with pytest.raises(errors.InvalidParameter) as caught:
        client.create_share_link("at", drive_id="1", file_id_list=["f"])

    assert caught.value.field == field


def test_rate_limit_carries_retry_after(client, pds):
    fail(pds, "share_link/create", 429, "TooManyRequests", headers={"Retry-After": "30"})

    with pytest.raises(errors.RateLimited) as caught:
        client.create_share_link("at", drive_id="1", file_id_list=["f"])

    assert caught.value.retry_after == 30


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("1000000000000000", 24 * 60 * 60),  # capped at a day
        ("9" * 5000, 24 * 60 * 60),  # longer than int() will read
        ("Fri, 31 Dec 9999 23:59:59 GMT", 24 * 60 * 60),
        ("\xb2", 1),  # a digit to str.isdigit(), not to int(): as if absent
        ("-5", 1),
    ],
)
def test_an_absurd_retry_after_is_capped_or_ignored_never_a_crash(client, pds, header, expected):
    fail(pds, "share_link/create", 429, "TooManyRequests", headers={"Retry-After": header})

    with pytest.raises(errors.RateLimited) as caught:
        client.create_share_link("at", drive_id="1", file_id_list=["f"])

    assert caught.value.retry_after == expected


def test_rate_limit_without_code_or_retry_after_still_is_a_rate_limit(client, pds):
    pds.post(url("share_link/update"), status=429, body="slow down")

    with pytest.raises(errors.RateLimited) as caught:
        client.update_share_link("at", "7JQX1FswpQ8", share_name="x")

    assert caught.value.retry_after == 1


def test_gateway_errors_without_a_body_are_read_from_the_headers(client, pds):
    pds.post(
        url("share_link/create"),
        status=403,
        body="",
        headers={
            "x-ca-error-code": "A403IP",
            "x-ca-error-message": "Invalid IP",
            "x-ca-request-id": "gw-1",
        },
    )

    with pytest.raises(errors.NoPermission) as caught:
        client.create_share_link("at", drive_id="1", file_id_list=["f"])

    assert caught.value.code == "A403IP"
    assert caught.value.message == "Invalid IP"
    assert caught.value.request_id == "gw-1"


def test_a_gateway_timeout_is_a_timeout(client, pds):
    pds.post(url("share_link/cancel"), status=504, headers={"x-ca-error-code": "D504TO"})

    with pytest.raises(errors.Timeout) as caught:
        client.cancel_share_link("at", "7JQX1FswpQ8")

    assert caught.value.code == "D504TO"


def test_an_html_error_page_from_a_proxy_is_unavailable(client, pds):
    pds.post(url("share_link/cancel"), status=502, body="<html>Bad Gateway</html>")

    with pytest.raises(errors.Unavailable) as caught:
        client.cancel_share_link("at", "7JQX1FswpQ8")

    assert type(caught.value) is errors.Unavailable
    assert caught.value.pds_status == 502


@pytest.mark.parametrize(
    ("status", "share_token", "expected"),
    [
        (401, "tok", errors.ShareTokenInvalid),
        (403, "tok", errors.NoPermission),
        (404, "tok", errors.FileNotFound),
    ],
)
def test_an_unknown_code_falls_back_to_the_status(client, pds, status, share_token, expected):
    fail(pds, "file/get", status, "SomethingNew")

    with pytest.raises(expected):
        client.get_file(file_id="f1", share_id="7JQX1FswpQ8", share_token=share_token)


def test_an_unexplained_401_on_an_owner_call_means_the_access_token(client, pds):
    pds.post(url("user/get"), status=401, body="")

    with pytest.raises(errors.AccessTokenInvalid):
        client.get_user("at")


def test_the_request_id_header_wins_over_the_body(client, pds):
    fail(pds, "share_link/get", 404, "NotFound.ShareLink", headers={"x-ca-request-id": "hdr-1"})

    with pytest.raises(errors.ShareNotFound) as caught:
        client.get_share_link("at", "7JQX1FswpQ8")

    assert caught.value.request_id == "hdr-1"


def test_an_invalid_grant_from_oauth_is_an_invalid_access_token(client, pds):
    pds.post(
        f"{AUTH}/v2/oauth/token",
        status=400,
        json={"error": "invalid_grant", "error_description": "code already used"},
    )

    with pytest.raises(errors.AccessTokenInvalid) as caught:
        client.oauth_token_by_code(code="c", redirect_uri="https://p.test/cb", code_verifier="v")

    assert caught.value.code == "invalid_grant"
    assert caught.value.message == "code already used"


def test_other_oauth_errors_are_plain_pds_errors(client, pds):
    pds.post(f"{AUTH}/v2/oauth/token", status=401, json={"error": "invalid_client"})

    with pytest.raises(errors.PdsError) as caught:
        client.oauth_refresh(refresh_token="rt")

    assert type(caught.value) is errors.PdsError
    assert caught.value.code == "invalid_client"


def test_an_absurdly_nested_error_body_still_gives_the_error_by_its_status(client, pds):
    pds.post(url("share_link/get"), status=404, body='{"a":' * 100_000 + "1" + "}" * 100_000)

    with pytest.raises(errors.FileNotFound):
        client.get_share_link("at", "S1234")
