"""Downloads: a redirect to the signed URL on a trusted data host, never the bytes."""

import json

import pytest

from .stubs import DATA, add_error, add_list, add_share, add_token, calls_to, url

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"
DOWNLOAD = f"/s/{SHARE}/download/f1/"


def _open(client, pds, **share):
    add_share(pds, SHARE, **share)
    add_token(pds, SHARE)
    add_list(pds, [])
    assert client.get(f"/s/{SHARE}/").status_code == 200
    pds.reset()


def test_a_download_redirects_to_the_signed_url_and_is_never_stored(client, pds):
    _open(client, pds)
    signed = f"{DATA}/data/f1?expires=1&sig=abc"
    pds.post(url("file/get_download_url"), json={"url": signed, "size": 5})

    response = client.get(DOWNLOAD)

    assert response.status_code == 302
    assert response["Location"] == signed
    assert "no-store" in response["Cache-Control"]
    assert response.content == b""
    [call] = pds.calls
    sent = json.loads(call.request.body)
    assert (sent["file_id"], sent["share_id"]) == ("f1", "sAvciMEXKRz")


@pytest.mark.parametrize(
    "signed",
    [
        "https://evil.example/f1",
        "http://data.test.evil.example/f1",
        "http://data.test@evil.example/f1",
        "http://data.test:8080/f1",
        "javascript:alert(1)",
        "/data/f1",
        "//evil.example/f1",
        "http://data.test\\@evil.example/f1",
        "https://data.test/f1",
        "ftp://data.test/f1",
    ],
)
def test_a_download_url_on_an_untrusted_host_is_refused(client, pds, signed):
    _open(client, pds)
    pds.post(url("file/get_download_url"), json={"url": signed})

    response = client.get(DOWNLOAD)

    assert response.status_code == 502
    assert "Location" not in response
    assert "does not trust" in response.content.decode()


def test_a_refused_download_host_is_logged_without_the_userinfo_or_the_signature(
    client, pds, caplog
):
    _open(client, pds)
    pds.post(
        url("file/get_download_url"), json={"url": "https://tok-SECRET@evil.example:444/f1?sig=S1G"}
    )

    client.get(DOWNLOAD)

    [record] = [r for r in caplog.records if r.name == "shareportal.shares.views"]
    assert "evil.example:444" in record.getMessage()
    assert "SECRET" not in record.getMessage()
    assert "S1G" not in record.getMessage()


def test_disabled_downloads_answer_403_without_asking_pds(client, pds):
    _open(client, pds, disable_download=True)

    response = client.get(DOWNLOAD)

    assert response.status_code == 403
    assert "Downloads are disabled" in response.content.decode()
    assert len(pds.calls) == 0


def test_downloads_disabled_since_the_page_was_opened_answer_403(client, pds):
    _open(client, pds)
    add_error(pds, "file/get_download_url", 403, "ShareLink.DownloadDisabled")

    response = client.get(DOWNLOAD)

    assert response.status_code == 403
    assert "Downloads are disabled" in response.content.decode()


def test_a_reached_download_limit_answers_403_and_says_so(client, pds):
    _open(client, pds)
    add_error(pds, "file/get_download_url", 403, "ShareLink.DownloadLimitExceeded")

    response = client.get(DOWNLOAD)

    assert response.status_code == 403
    assert "download limit of this share is reached" in response.content.decode()


def test_a_download_of_a_file_outside_the_share_is_a_404(client, pds):
    _open(client, pds)
    add_error(pds, "file/get_download_url", 404, "NotFound.File")

    assert client.get(DOWNLOAD).status_code == 404


def test_a_download_straight_from_a_link_gets_the_share_and_a_token_first(client, pds):
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    pds.post(url("file/get_download_url"), json={"url": f"{DATA}/f1"})

    response = client.get(DOWNLOAD)

    assert response.status_code == 302
    assert len(calls_to(pds, "share_link/get_share_token")) == 1


def test_a_download_from_a_locked_share_asks_for_the_password_first(client, pds):
    add_share(pds, SHARE, has_pwd=True)

    response = client.get(DOWNLOAD)

    assert response.status_code == 302
    assert response["Location"].startswith(f"/s/{SHARE}/?next=")
    assert calls_to(pds, "file/get_download_url") == []


@pytest.mark.parametrize("method", ["post", "head", "delete"])
def test_other_methods_on_a_download_are_refused_without_counting_one(client, pds, method):
    assert getattr(client, method)(DOWNLOAD).status_code == 405
    assert len(pds.calls) == 0
