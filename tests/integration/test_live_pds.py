"""Smoke tests of the real embedded PDS over real HTTP (see the `live_pds` fixture)."""

import hashlib
import io
import re

import requests
from PIL import Image

from shareportal.pds.client import get_client


def open_share_file(live_pds, name: str) -> dict:
    """The owner's view (file/get wire format) of `name` inside the open share's folder."""
    share = live_pds.post(
        "share_link/get", {"share_id": live_pds.demo["shares"]["open"]["share_id"]}, user="alice"
    ).json()
    top = share["file_id_list"][0]
    page = live_pds.post(
        "file/list",
        {"drive_id": share["drive_id"], "parent_file_id": top, "limit": 100},
        user="alice",
    ).json()
    return next(item for item in page["items"] if item["name"] == name)


def test_the_seed_json_describes_users_and_every_share(live_pds):
    demo = live_pds.demo
    assert demo["web"] == "http://testserver"
    assert demo["pds"] == live_pds.url
    assert {"admin", "alice", "bob"} <= set(demo["users"])
    keys = {"open", "password", "expired", "cancelled", "no_download", "big", "hostile", "msg"}
    assert keys <= set(demo["shares"])
    for share in demo["shares"].values():
        assert re.fullmatch(r"[A-Za-z0-9]{11}", share["share_id"])


def test_every_response_carries_a_request_id(live_pds):
    response = live_pds.post("share_link/get_by_anonymous", {"share_id": "NoSuchShare"})
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound.ShareLink"
    assert response.headers["x-ca-request-id"]


def test_a_signed_download_url_returns_the_exact_stored_bytes(live_pds):
    item = open_share_file(live_pds, "itinerary.pdf")
    answer = live_pds.post(
        "file/get_download_url",
        {"drive_id": item["drive_id"], "file_id": item["file_id"]},
        user="alice",
    ).json()
    assert answer["url"].startswith(live_pds.url + "/data/")
    response = requests.get(answer["url"], timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="itinerary.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) == answer["size"] == int(response.headers["Content-Length"])
    assert hashlib.sha1(response.content).hexdigest().upper() == answer["content_hash"]


def test_range_requests_and_head_work_over_http(live_pds):
    item = open_share_file(live_pds, "notes.txt")
    url = item["download_url"]
    whole = requests.get(url, timeout=10).content
    part = requests.get(url, headers={"Range": "bytes=5-9"}, timeout=10)
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 5-9/{len(whole)}"
    assert part.content == whole[5:10]
    beyond = requests.get(url, headers={"Range": f"bytes={len(whole)}-"}, timeout=10)
    assert beyond.status_code == 416
    head = requests.head(url, timeout=10)
    assert head.status_code == 200
    assert head.headers["Content-Length"] == str(len(whole))
    assert head.content == b""
    assert requests.get(url, headers={"If-None-Match": head.headers["ETag"]}).status_code == 304


def test_a_tampered_data_url_is_forbidden_over_http(live_pds):
    url = open_share_file(live_pds, "notes.txt")["download_url"]
    tampered = url[:-1] + ("0" if url[-1] != "0" else "1")
    response = requests.get(tampered, timeout=10)
    assert response.status_code == 403
    assert response.headers["Content-Type"].startswith("text/plain")


def test_images_get_real_jpeg_thumbnails_over_http(live_pds):
    share = live_pds.post(
        "share_link/get", {"share_id": live_pds.demo["shares"]["open"]["share_id"]}, user="alice"
    ).json()
    photos = open_share_file(live_pds, "Photos")
    page = live_pds.post(
        "file/list",
        {"drive_id": share["drive_id"], "parent_file_id": photos["file_id"]},
        user="alice",
    ).json()
    beach = next(item for item in page["items"] if item["name"] == "beach.png")
    response = requests.get(beach["thumbnail"], timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "JPEG"
    assert max(image.size) <= 256


def test_the_portal_client_walks_the_big_share_through_the_live_pds(portal_settings, live_pds):
    client = get_client()
    share_id = live_pds.demo["shares"]["big"]["share_id"]
    assert client.get_share_link_by_anonymous(share_id).share_name == "1,200 files"
    token = client.get_share_token(share_id).share_token
    (folder,) = client.list_files(share_id=share_id, share_token=token).items
    names, marker = [], ""
    while True:
        page = client.list_files(
            share_id=share_id,
            share_token=token,
            parent_file_id=folder.file_id,
            marker=marker,
            limit=100,
        )
        names += [item.name for item in page.items]
        marker = page.next_marker
        if not marker:
            break
    assert len(names) == len(set(names)) == 1200
    assert names == sorted(names)


def test_a_visitor_download_through_the_portal_client_gets_the_bytes(portal_settings, live_pds):
    client = get_client()
    share_id = live_pds.demo["shares"]["open"]["share_id"]
    token = client.get_share_token(share_id).share_token
    items = client.list_files(share_id=share_id, share_token=token).items
    welcome = next(item for item in items if item.name == "welcome.txt")
    link = client.get_download_url(file_id=welcome.file_id, share_id=share_id, share_token=token)
    response = requests.get(link.url, timeout=10)
    assert response.status_code == 200
    assert response.content == b"Welcome! This share has a folder and this loose file.\n"
