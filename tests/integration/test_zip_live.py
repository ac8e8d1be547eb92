"""ZIP downloads against the real embedded drive: the portal's pages, the drive's stream."""

import hashlib
import html
import io
import re
import zipfile

import pytest
import requests

pytestmark = pytest.mark.django_db


def _expected(live_pds, share_id: str) -> dict[str, str]:
    """Every file of the share as its owner's API sees it: its path in a ZIP and its SHA-1."""
    share = live_pds.post("share_link/get", {"share_id": share_id}, user="alice").json()
    drive_id = share["drive_id"]
    found: dict[str, str] = {}

    def walk(file_id: str, path: str) -> None:
        item = live_pds.post(
            "file/get", {"drive_id": drive_id, "file_id": file_id}, user="alice"
        ).json()
        here = f"{path}{item['name']}"
        if item["type"] == "file":
            found[here] = item["content_hash"].upper()
            return
        marker = ""
        while True:
            body = {"drive_id": drive_id, "parent_file_id": file_id, "limit": 100}
            page = live_pds.post("file/list", body | {"marker": marker}, user="alice").json()
            for child in page["items"]:
                walk(child["file_id"], f"{here}/")
            marker = page["next_marker"]
            if not marker:
                return

    for top in share["file_id_list"]:
        walk(top, "")
    return found


def test_download_all_gives_a_zip_of_every_file_of_the_share(client, live_pds, portal_settings):
    share_id = live_pds.demo["shares"]["open"]["share_id"]
    assert client.get(f"/s/{share_id}/").status_code == 200
    started = client.post(f"/s/{share_id}/zip/", {"all": "1"})
    assert started.status_code == 303, started.content
    progress = client.get(started["Location"])
    assert progress.status_code == 200
    page = progress.content.decode()
    total = len(_expected(live_pds, share_id))
    assert f"{total} of {total} files" in page
    # The ready ZIP's page sends the browser on to the file (at once: a delay of 0).
    file_url = html.unescape(
        re.search(r'<meta http-equiv="refresh" content="\d+;url=([^"]+)">', page).group(1)
    )
    redirect = client.get(file_url)
    assert redirect.status_code == 302
    assert redirect["Location"].startswith(live_pds.url + "/data/archives/")

    data = requests.get(redirect["Location"], timeout=30)
    assert data.status_code == 200
    assert data.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(data.content))
    assert archive.testzip() is None
    got = {
        info.filename: hashlib.sha1(archive.read(info)).hexdigest().upper()
        for info in archive.infolist()
        if not info.is_dir()
    }
    assert got == _expected(live_pds, share_id)


def test_the_no_download_share_refuses_a_zip(client, live_pds, portal_settings):
    share_id = live_pds.demo["shares"]["no_download"]["share_id"]
    assert client.get(f"/s/{share_id}/").status_code == 200
    assert client.post(f"/s/{share_id}/zip/", {"all": "1"}).status_code == 403
