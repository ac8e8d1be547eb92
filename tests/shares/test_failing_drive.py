"""The share pages while the drive fails: what each failure says, its status, and a way on."""

import pytest
import requests

from .stubs import add_error, calls_to, url

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"


def test_a_drive_503_reaches_the_visitor_as_503_with_its_retry_after(client, pds):
    add_error(
        pds, "share_link/get_by_anonymous", 503, "ServiceUnavailable", headers={"Retry-After": "7"}
    )

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 503
    assert response["Retry-After"] == "7"
    assert "The drive is unavailable for a moment" in response.content.decode()
    assert len(calls_to(pds, "share_link/get_by_anonymous")) == 1  # not slept out and retried


@pytest.mark.parametrize(
    ("failure", "status", "words"),
    [
        ({"body": requests.ConnectionError("refused")}, 502, "The drive cannot be reached"),
        ({"body": requests.ReadTimeout("slow")}, 504, "took too long"),
        ({"status": 503, "json": {}}, 503, "unavailable for a moment"),
        ({"status": 429, "json": {"code": "TooManyRequests"}}, 503, "The drive is busy"),
    ],
)
def test_a_failing_drive_offers_try_again_on_the_same_address(client, pds, failure, status, words):
    pds.post(url("share_link/get_by_anonymous"), **failure)

    response = client.get(f"/s/{SHARE}/?sort=size&dir=desc")

    assert response.status_code == status
    page = response.content.decode()
    assert words in page
    assert f'href="/s/{SHARE}/?sort=size&amp;dir=desc">Try again</a>' in page


def test_a_failing_drive_during_the_password_post_offers_its_form_again(client, pds):
    add_error(pds, "share_link/get_share_token", 500, "InternalError")

    response = client.post(f"/s/{SHARE}/", {"password": "whatever"})

    assert response.status_code == 502
    assert f'href="/s/{SHARE}/">Try again</a>' in response.content.decode()


def test_a_cancelled_share_offers_no_try_again(client, pds):
    add_error(pds, "share_link/get_by_anonymous", 400, "ShareLink.Cancelled")

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 410
    assert "Try again" not in response.content.decode()


def test_a_drive_failing_again_and_again_is_not_asked_until_its_breaker_cools_down(
    client, pds, settings
):
    settings.PDS_BREAKER_FAILURES = 2
    pds.post(url("share_link/get_by_anonymous"), status=500, json={"code": "InternalError"})

    answers = [client.get(f"/s/{SHARE}/") for _ in range(5)]

    assert [a.status_code for a in answers] == [502, 502, 503, 503, 503]
    assert len(calls_to(pds, "share_link/get_by_anonymous")) == 2
    page = answers[-1].content.decode()
    assert "The drive is not answering" in page
    assert int(answers[-1]["Retry-After"]) >= 1
    assert "Try again" in page
