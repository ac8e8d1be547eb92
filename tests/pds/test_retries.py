"""Retries by operation (docs/pds-api.md#retries), timeouts and unreachable PDS.

The retry budget, the circuit breaker and the bulkhead have their own file,
`test_failing_drive.py`.
"""

import pytest
import requests

from shareportal.pds import errors
from shareportal.pds.client import PdsClient

from .stubs import API, AUTH, anonymous_share_json, file_json, url

READS = [
    ("share_link/get_by_anonymous", lambda c: c.get_share_link_by_anonymous("7JQX1FswpQ8")),
    ("share_link/get_share_token", lambda c: c.get_share_token("7JQX1FswpQ8")),
    ("file/list", lambda c: c.list_files(share_id="7JQX1FswpQ8", share_token="t")),
    ("file/get", lambda c: c.get_file(file_id="f", share_id="7JQX1FswpQ8", share_token="t")),
    (
        "file/get_download_url",
        lambda c: c.get_download_url(file_id="f", share_id="7JQX1FswpQ8", share_token="t"),
    ),
    ("share_link/list", lambda c: c.list_share_links("at")),
    ("share_link/search", lambda c: c.search_share_links("at")),
    ("share_link/get", lambda c: c.get_share_link("at", "7JQX1FswpQ8")),
    ("user/get", lambda c: c.get_user("at")),
    ("drive/list_my_drives", lambda c: c.get_default_drive_id("at")),
]
WRITES = [
    ("share_link/create", lambda c: c.create_share_link("at", drive_id="1", file_id_list=["f"])),
    ("share_link/update", lambda c: c.update_share_link("at", "7JQX1FswpQ8", share_name="x")),
    ("share_link/cancel", lambda c: c.cancel_share_link("at", "7JQX1FswpQ8")),
]


@pytest.mark.parametrize(("operation", "call"), READS, ids=[op for op, _ in READS])
def test_a_read_is_tried_twice_then_unavailable(client, pds, sleeps, operation, call):
    pds.post(url(operation), status=502, json={"code": "InternalError"})

    with pytest.raises(errors.Unavailable):
        call(client)

    assert len(pds.calls) == 2
    # Backoff with jitter: a random wait between half of and the whole of 0.25 s.
    assert len(sleeps) == 1
    assert 0.125 <= sleeps[0] <= 0.25


@pytest.mark.parametrize(("operation", "call"), WRITES, ids=[op for op, _ in WRITES])
@pytest.mark.parametrize("status", [502, 503, 504, 429])
def test_a_write_is_never_retried(client, pds, sleeps, operation, call, status):
    pds.post(url(operation), status=status, body="")

    with pytest.raises(errors.PdsError):
        call(client)

    assert len(pds.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize(("operation", "call"), WRITES, ids=[op for op, _ in WRITES])
def test_a_write_is_not_retried_after_a_connection_error(client, pds, sleeps, operation, call):
    pds.post(url(operation), body=requests.ConnectionError("reset"))

    with pytest.raises(errors.Unavailable):
        call(client)

    assert len(pds.calls) == 1


def test_oauth_token_is_never_retried(client, pds, sleeps):
    pds.post(f"{AUTH}/v2/oauth/token", status=503, body="")

    with pytest.raises(errors.Unavailable):
        client.oauth_refresh(refresh_token="rt")

    assert len(pds.calls) == 1
    assert sleeps == []


def test_a_read_recovers_when_pds_comes_back(client, pds, sleeps):
    pds.post(url("share_link/get_by_anonymous"), body=requests.ConnectionError("refused"))
    pds.post(url("share_link/get_by_anonymous"), json=anonymous_share_json())

    share = client.get_share_link_by_anonymous("7JQX1FswpQ8")

    assert share.share_name == "Holiday photos"
    assert len(pds.calls) == 2
    assert len(sleeps) == 1


def test_a_503_asking_for_a_second_is_retried_after_that_second(client, pds, sleeps):
    pds.post(url("file/list"), status=503, headers={"Retry-After": "1"}, json={})
    pds.post(url("file/list"), json={"items": [file_json()], "next_marker": ""})

    page = client.list_files(share_id="7JQX1FswpQ8", share_token="t")

    assert [f.name for f in page.items] == ["beach.jpg"]
    assert sleeps == [1.0]


@pytest.mark.parametrize("retry_after", ["2", "60"])
def test_a_503_asking_for_longer_is_passed_on_with_its_retry_after(
    client, pds, sleeps, retry_after
):
    pds.post(url("file/list"), status=503, headers={"Retry-After": retry_after}, json={})

    with pytest.raises(errors.Busy) as caught:
        client.list_files(share_id="7JQX1FswpQ8", share_token="t")

    assert caught.value.status == 503
    assert caught.value.retry_after == int(retry_after)
    assert len(pds.calls) == 1
    assert sleeps == []


def test_a_503_without_retry_after_is_a_busy_drive_after_one_retry(client, pds, sleeps):
    pds.post(url("file/get"), status=503, json={"code": "ServiceUnavailable"})

    with pytest.raises(errors.Busy) as caught:
        client.get_file(file_id="f", share_id="7JQX1FswpQ8", share_token="t")

    assert caught.value.status == 503
    assert caught.value.retry_after >= 1
    assert len(pds.calls) == 2


def test_a_rate_limit_is_passed_on_at_once_even_for_a_read(client, pds, sleeps):
    # Reads are retried on connection errors and 502/503/504 only (docs/pds-api.md#retries): asking
    # again at once is the opposite of what a rate limit asks for.
    pds.post(
        url("file/list"),
        status=429,
        headers={"Retry-After": "1"},
        json={"code": "TooManyRequests"},
    )

    with pytest.raises(errors.RateLimited) as caught:
        client.list_files(share_id="7JQX1FswpQ8", share_token="t")

    assert caught.value.retry_after == 1
    assert len(pds.calls) == 1
    assert sleeps == []


def test_a_500_is_not_retried_even_for_a_read(client, pds):
    pds.post(url("file/get"), status=500, json={"code": "InternalError"})

    with pytest.raises(errors.Unavailable):
        client.get_file(file_id="f", share_id="7JQX1FswpQ8", share_token="t")

    assert len(pds.calls) == 1


def test_a_client_error_is_not_retried(client, pds):
    pds.post(url("share_link/get_share_token"), status=404, json={"code": "NotFound.ShareLink"})

    with pytest.raises(errors.ShareNotFound):
        client.get_share_token("7JQX1FswpQ8")

    assert len(pds.calls) == 1


def test_a_read_timeout_is_a_timeout_and_is_not_waited_out_again(client, pds, sleeps):
    pds.post(url("file/list"), body=requests.ReadTimeout("slow"))

    with pytest.raises(errors.Timeout):
        client.list_files(share_id="7JQX1FswpQ8", share_token="t")

    assert len(pds.calls) == 1


def test_a_connect_timeout_on_a_read_is_retried_then_a_timeout(client, pds, sleeps):
    pds.post(url("share_link/get_by_anonymous"), body=requests.ConnectTimeout("no route"))

    with pytest.raises(errors.Timeout) as caught:
        client.get_share_link_by_anonymous("7JQX1FswpQ8")

    assert isinstance(caught.value, errors.Unavailable)
    assert len(pds.calls) == 2


@pytest.mark.parametrize("timeout", [requests.ConnectTimeout, requests.ReadTimeout])
def test_a_write_timeout_is_a_timeout_and_is_not_retried(client, pds, timeout):
    pds.post(url("share_link/create"), body=timeout("slow"))

    with pytest.raises(errors.Timeout):
        client.create_share_link("at", drive_id="1", file_id_list=["f"])

    assert len(pds.calls) == 1


def test_a_connection_error_is_unavailable_not_a_timeout(client, pds):
    pds.post(url("share_link/get_by_anonymous"), body=requests.ConnectionError("refused"))

    with pytest.raises(errors.Unavailable) as caught:
        client.get_share_link_by_anonymous("7JQX1FswpQ8")

    assert type(caught.value) is errors.Unavailable


def test_max_retries_is_configurable(pds, sleeps):
    client = PdsClient(API, connect_timeout=1, read_timeout=1, max_retries=0, sleep=sleeps.append)
    pds.post(url("user/get"), status=503, body="")

    with pytest.raises(errors.Unavailable):
        client.get_user("at")

    assert len(pds.calls) == 1
