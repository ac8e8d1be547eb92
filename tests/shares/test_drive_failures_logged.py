"""A failure that is the drive's is logged with its request id; a visitor's own is not."""

import logging

import pytest

from .stubs import add_error

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"


def drive_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "shareportal.pds.errors"]


def test_a_drive_failing_is_logged_with_its_code_and_request_id(client, pds, caplog):
    add_error(
        pds,
        "share_link/get_by_anonymous",
        500,
        "InternalError",
        headers={"x-ca-request-id": "req-7f3a"},
    )

    with caplog.at_level(logging.WARNING):
        response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 502
    assert drive_warnings(caplog) == [
        "PDS failed: Unavailable code=InternalError status=500 request id req-7f3a"
    ]


@pytest.mark.parametrize(
    ("status", "code", "answered"),
    [(404, "NotFound.ShareLink", 404), (429, "TooManyRequests", 503)],
)
def test_an_unknown_share_or_a_busy_drive_is_not_logged_as_a_failure(
    client, pds, caplog, status, code, answered
):
    add_error(pds, "share_link/get_by_anonymous", status, code)

    with caplog.at_level(logging.WARNING):
        response = client.get(f"/s/{SHARE}/")

    assert response.status_code == answered
    assert drive_warnings(caplog) == []
