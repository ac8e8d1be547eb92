"""share_link/report_event and the first bytes of a data URL, through the client."""

import json

import pytest
import requests

from shareportal.pds import errors

from .stubs import url

DATA = "https://data.pds.test/data/f1/preview?e=1&s=abc"


def test_report_event_sends_the_event_with_the_share_token_and_takes_an_empty_answer(client, pds):
    pds.post(url("share_link/report_event"), status=200, body="")

    assert (
        client.report_event(share_id="7JQX1FswpQ8", share_token="tok", sub_type="preview") is None
    )

    request = pds.calls[0].request
    assert json.loads(request.body) == {
        "event_type": "share_link",
        "share_link": {"share_id": "7JQX1FswpQ8", "sub_type": "preview"},
    }
    assert request.headers["x-share-token"] == "tok"


def test_report_event_takes_an_empty_object_too(client, pds):
    pds.post(url("share_link/report_event"), json={})

    client.report_event(share_id="7JQX1FswpQ8", share_token="tok", sub_type="download")


@pytest.mark.parametrize(
    ("code", "status", "error", "kind"),
    [
        ("ShareLink.PreviewLimitExceeded", 403, errors.LimitReached, "preview"),
        ("ShareLink.PreviewDisabled", 403, errors.FeatureDisabled, "preview"),
        ("ShareLinkTokenInvalid", 401, errors.ShareTokenInvalid, None),
    ],
)
def test_report_event_refusals_are_typed(client, pds, code, status, error, kind):
    pds.post(
        url("share_link/report_event"),
        status=status,
        json={"code": code, "message": "no", "requestId": "r1"},
    )

    with pytest.raises(error) as raised:
        client.report_event(share_id="7JQX1FswpQ8", share_token="tok", sub_type="preview")

    if kind:
        assert raised.value.kind == kind
    assert raised.value.request_id == "r1"


def test_report_event_is_a_write_and_never_retried(client, pds):
    pds.post(url("share_link/report_event"), status=503, json={"code": "ServiceUnavailable"})

    with pytest.raises(errors.Unavailable):
        client.report_event(share_id="7JQX1FswpQ8", share_token="tok", sub_type="preview")

    assert len(pds.calls) == 1


def test_report_event_refuses_an_unknown_event_before_sending(client):
    with pytest.raises(ValueError):
        client.report_event(share_id="7JQX1FswpQ8", share_token="tok", sub_type="look")


def test_the_head_of_a_file_is_asked_as_a_range(client, pds):
    pds.get(
        DATA,
        status=206,
        body=b"0123456789",
        headers={"Content-Range": "bytes 0-9/10", "Content-Type": "text/plain"},
    )

    head = client.read_data_head(DATA, max_bytes=10)

    assert (head.data, head.truncated) == (b"0123456789", False)
    assert pds.calls[0].request.headers["Range"] == "bytes=0-9"
    assert "x-share-token" not in pds.calls[0].request.headers


def test_a_longer_file_is_said_to_be_cut(client, pds):
    pds.get(DATA, status=206, body=b"0123", headers={"Content-Range": "bytes 0-3/5000"})

    head = client.read_data_head(DATA, max_bytes=4)

    assert (head.data, head.truncated) == (b"0123", True)


def test_a_host_that_ignores_the_range_is_read_no_further_than_the_cap(client, pds):
    pds.get(DATA, status=200, body=b"x" * 100_000)

    head = client.read_data_head(DATA, max_bytes=1000)

    assert head.data == b"x" * 1000
    assert head.truncated


@pytest.mark.parametrize("status", [302, 403, 404, 500])
def test_a_refusal_or_a_redirect_of_the_data_host_is_a_bad_response(client, pds, status):
    pds.get(DATA, status=status, headers={"Location": "http://169.254.169.254/"})

    with pytest.raises(errors.BadResponse):
        client.read_data_head(DATA, max_bytes=10)

    assert len(pds.calls) == 1


def test_a_data_host_that_cannot_be_reached_is_unavailable(client, pds):
    pds.get(DATA, body=requests.ConnectionError("refused"))

    with pytest.raises(errors.Unavailable):
        client.read_data_head(DATA, max_bytes=10)


def test_only_http_urls_are_read(client):
    with pytest.raises(ValueError):
        client.read_data_head("file:///etc/passwd", max_bytes=10)
