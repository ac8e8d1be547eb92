"""The preview page against a stubbed drive: the embed view, a failing data host, bad input."""

import html
import re

import pytest
import requests
from responses import matchers

from shareportal.shares.embedding import embed_sites_set

from .stubs import DATA, TOKEN, add_error, add_list, add_share, add_token, calls_to, file_json, url

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"
HOST = "https://host.example"
FILE = "f" * 40
PREVIEW_URL = f"{DATA}/data/{FILE}/preview?e=1&s=x"


def add_file(pds, **fields) -> None:
    item = file_json(FILE, "notes.txt", parent="root", url=PREVIEW_URL) | fields
    pds.post(
        url("file/get"),
        json=item,
        match=[matchers.header_matcher({"x-share-token": TOKEN})],
    )


def add_report(pds, status: int = 200, **body) -> None:
    pds.post(url("share_link/report_event"), status=status, json=body)


def open_share(pds, **fields) -> None:
    add_share(pds, SHARE, share_name="Trip", **fields)
    add_token(pds, SHARE)


def directive(response, name: str) -> str:
    found = re.search(rf"{name} ([^;]*)", response["Content-Security-Policy"])
    return found.group(1) if found else ""


def test_a_pdf_in_the_embed_view_is_framed_by_the_shares_site_and_frames_the_data_host(
    client, pds, settings
):
    settings.EMBED_ALLOWED_ORIGINS = [HOST]
    embed_sites_set(share_id=SHARE, origins=[HOST], by="u1")
    open_share(pds)
    add_file(pds, name="doc.pdf", content_type="application/pdf", file_extension="pdf")
    add_report(pds)
    add_list(pds, [file_json(FILE, "doc.pdf", parent="root")])

    response = client.get(f"/e/{SHARE}/file/{FILE}/", secure=True)

    assert response.status_code == 200
    assert directive(response, "frame-ancestors") == f"'self' {HOST}"
    assert directive(response, "frame-src") == DATA
    page = response.content.decode()
    assert f'<iframe class="preview__pdf" src="{html.escape(PREVIEW_URL)}"' in page
    assert f'href="/e/{SHARE}/download/{FILE}/"' in page  # links stay in the embed view
    assert f'href="/e/{SHARE}/"' in page


def test_a_data_host_that_fails_leaves_the_page_with_its_facts_and_a_retry(client, pds):
    open_share(pds)
    add_file(pds)
    add_report(pds)
    add_list(pds, [file_json(FILE, "notes.txt", parent="root")])
    pds.get(PREVIEW_URL, body=requests.ConnectionError("down"))

    response = client.get(f"/s/{SHARE}/file/{FILE}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "The drive did not send this file's contents just now." in page
    assert f"/s/{SHARE}/download/{FILE}/" in page


def test_a_preview_url_on_an_untrusted_host_is_neither_fetched_nor_shown(client, pds):
    open_share(pds)
    add_file(pds, url="https://evil.example/data/x")
    add_list(pds, [file_json(FILE, "notes.txt", parent="root")])

    response = client.get(f"/s/{SHARE}/file/{FILE}/")

    assert response.status_code == 200
    assert "evil.example" not in response.content.decode()
    assert "There is no preview of this kind of file." in response.content.decode()
    assert calls_to(pds, "share_link/report_event") == []


def test_an_unknown_file_is_404(client, pds):
    open_share(pds)
    add_error(pds, "file/get", 404, "NotFound.File")

    response = client.get(f"/s/{SHARE}/file/{FILE}/")

    assert response.status_code == 404


def test_a_file_id_of_the_wrong_shape_is_our_404_without_asking_the_drive(client, pds):
    response = client.get(f"/s/{SHARE}/file/not%20an%20id/")

    assert response.status_code == 404
    assert len(pds.calls) == 0


def test_post_is_405(client, pds):
    assert client.post(f"/s/{SHARE}/file/{FILE}/").status_code == 405
