"""The share pages against the real embedded PDS over HTTP, with the demo shares."""

import hashlib
import html
import re

import pytest
import requests

pytestmark = pytest.mark.django_db


ROW = re.compile(r'<tr class="file-row">(.*?)</tr>', re.S)
NAME = re.compile(r"<bdi>(.*?)</bdi>", re.S)
FOLDER_LINK = re.compile(r'href="(/s/[^"]+/folder/[^"]+/)"')
DOWNLOAD_LINK = re.compile(r'href="(/s/[^"]+/download/[^"]+/)"')
NEXT_PAGE = re.compile(r'<a class="button no-js-only" href="([^"]+)">')


def rows(page: str) -> list[dict]:
    """The listing rows of a page: each one's name and its folder or download link."""
    found = []
    for row in ROW.findall(page):
        folder = FOLDER_LINK.search(row)
        download = DOWNLOAD_LINK.search(row)
        found.append(
            {
                # The name as read: without the places it may wrap at.
                "name": html.unescape(NAME.search(row).group(1).replace("<wbr>", "")),
                "folder": folder and folder.group(1),
                "download": download and download.group(1),
            }
        )
    return found


def row(page: str, name: str) -> dict:
    return next(r for r in rows(page) if r["name"] == name)


def share_url(live_pds, key: str) -> str:
    return f"/s/{live_pds.demo['shares'][key]['share_id']}/"


def test_the_open_share_shows_its_sharer_and_top_items(client, live_pds, portal_settings):
    response = client.get(share_url(live_pds, "open"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Trip to the coast" in page
    assert "Never expires" in page
    assert [r["name"] for r in rows(page)] == ["Trip to the coast", "welcome.txt"]


def test_folders_open_with_breadcrumbs_down_to_the_third_level(client, live_pds, portal_settings):
    top = client.get(share_url(live_pds, "open")).content.decode()
    trip = client.get(row(top, "Trip to the coast")["folder"]).content.decode()
    photos = client.get(row(trip, "Photos")["folder"]).content.decode()
    day2 = client.get(row(photos, "Day 2")["folder"])

    assert day2.status_code == 200
    page = day2.content.decode()
    crumbs = page.split('aria-label="Breadcrumb">')[1].split("</nav>")[0]
    assert [html.unescape(n) for n in NAME.findall(crumbs)] == [
        "Trip to the coast",  # the share
        "Trip to the coast",  # its top folder
        "Photos",
        "Day 2",
    ]
    assert {r["name"] for r in rows(page)} == {"lighthouse.jpg", "Tiny details"}


def test_breadcrumbs_of_a_deep_link_are_found_by_walking_up(client, live_pds, portal_settings):
    top = client.get(share_url(live_pds, "open")).content.decode()
    trip = client.get(row(top, "Trip to the coast")["folder"]).content.decode()
    photos_url = row(trip, "Photos")["folder"]
    client.cookies.clear()  # a new visitor, following a link straight to the folder

    response = client.get(photos_url)

    assert response.status_code == 200
    crumbs = response.content.decode().split('aria-label="Breadcrumb">')[1].split("</nav>")[0]
    assert [html.unescape(n) for n in NAME.findall(crumbs)] == [
        "Trip to the coast",
        "Trip to the coast",
        "Photos",
    ]


def test_a_download_redirects_to_the_exact_stored_bytes(client, live_pds, portal_settings):
    top = client.get(share_url(live_pds, "open")).content.decode()

    response = client.get(row(top, "welcome.txt")["download"])

    assert response.status_code == 302
    assert response["Location"].startswith(live_pds.url + "/")
    assert "no-store" in response["Cache-Control"]
    data = requests.get(response["Location"], timeout=10)
    assert data.status_code == 200
    assert data.content == b"Welcome! This share has a folder and this loose file.\n"


def test_a_downloaded_image_equals_the_file_the_owner_stored(client, live_pds, portal_settings):
    top = client.get(share_url(live_pds, "open")).content.decode()
    trip = client.get(row(top, "Trip to the coast")["folder"]).content.decode()
    photos = client.get(row(trip, "Photos")["folder"]).content.decode()

    response = client.get(row(photos, "sunset.jpg")["download"])
    data = requests.get(response["Location"], timeout=10)

    share = live_pds.post(
        "share_link/get", {"share_id": live_pds.demo["shares"]["open"]["share_id"]}, user="alice"
    ).json()
    file_id = row(photos, "sunset.jpg")["download"].rstrip("/").rsplit("/", 1)[1]
    stored = live_pds.post(
        "file/get", {"drive_id": share["drive_id"], "file_id": file_id}, user="alice"
    ).json()
    assert hashlib.sha1(data.content).hexdigest().upper() == stored["content_hash"]
    assert len(data.content) == stored["size"]


def test_the_password_share_opens_with_the_right_password_only(client, live_pds, portal_settings):
    url = share_url(live_pds, "password")
    password = live_pds.demo["shares"]["password"]["password"]

    locked = client.get(url)
    wrong = client.post(url, {"password": "not-it"})
    right = client.post(url, {"password": password})
    opened = client.get(url)

    assert locked.status_code == 200
    assert 'name="password"' in locked.content.decode()
    assert rows(locked.content.decode()) == []
    assert wrong.status_code == 400
    assert "That password is not right" in wrong.content.decode()
    assert right.status_code == 303
    assert right["Location"] == url
    # A share of one folder opens into it.
    assert {r["name"] for r in rows(opened.content.decode())} == {
        "guest-list.txt",
        "surprise-party.md",
    }


@pytest.mark.parametrize(
    ("key", "status", "says"),
    [
        ("expired", 410, "This share has expired"),
        ("cancelled", 410, "This share was cancelled"),
    ],
)
def test_ended_shares_say_why(client, live_pds, portal_settings, key, status, says):
    response = client.get(share_url(live_pds, key))

    assert response.status_code == status
    assert says in response.content.decode()


def test_an_unknown_share_is_a_404(client, live_pds, portal_settings):
    assert client.get("/s/NoSuchShare/").status_code == 404


def test_the_no_download_share_has_no_download_buttons_and_refuses(
    client, live_pds, portal_settings
):
    # A share of one folder: its landing page lists the folder's files.
    top = view_only = client.get(share_url(live_pds, "no_download")).content.decode()
    file_id = "x" * 8
    share_id = live_pds.demo["shares"]["no_download"]["share_id"]

    assert "not downloading them" in top
    assert {r["name"] for r in rows(view_only)} == {"poster.jpg", "flyer.pdf"}
    assert all(r["download"] is None for r in rows(view_only))
    assert client.get(f"/s/{share_id}/download/{file_id}/").status_code == 403


def test_the_big_folder_is_walked_page_by_page_without_gaps_or_duplicates(
    client, live_pds, portal_settings
):
    names: list[str] = []
    url = share_url(live_pds, "big") + "?sort=name&dir=desc"
    pages = 0
    while url:
        page = client.get(html.unescape(url)).content.decode()
        page_rows = rows(page)
        assert len(page_rows) <= 50
        names += [r["name"] for r in page_rows]
        found = NEXT_PAGE.search(page)
        url = found and found.group(1)
        pages += 1

    # The folder holds file-0001.txt .. file-NNNN.txt, at least a thousand of them.
    expected = [f"file-{i:04d}.txt" for i in range(len(names), 0, -1)]
    assert len(names) >= 1000
    assert names == expected
    assert pages == -(-len(names) // 50)


def test_load_more_returns_only_the_next_rows(client, live_pds, portal_settings):
    first = client.get(share_url(live_pds, "big")).content.decode()
    more = NEXT_PAGE.search(first).group(1)

    response = client.get(html.unescape(more), headers={"HX-Request": "true"})

    page = response.content.decode()
    assert "<html" not in page
    assert [r["name"] for r in rows(page)][:2] == ["file-0051.txt", "file-0052.txt"]


def test_hostile_names_are_rendered_as_text(client, live_pds, portal_settings):
    # The share's top holds two folders (hostile names, hostile contents): into the names.
    top = client.get(share_url(live_pds, "hostile")).content.decode()
    inside = client.get(row(top, "Hostile names")["folder"]).content.decode()
    deeper = client.get(row(inside, '"><svg onload=alert(1)>')["folder"]).content.decode()

    for page in (top, inside, deeper):
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "<svg onload" not in page
        assert "<b>bits" not in page
    assert "&lt;script&gt;alert(&#34;share&#34;)&lt;/script&gt;" in top
    names = {r["name"] for r in rows(inside)}
    assert 'Tom & Jerry\'s "best" <b>bits.txt' in names
    assert '"><svg onload=alert(1)>' in names
    # The right-to-left override that would show it as "invoiceexe.pdf" is not rendered.
    assert "invoicefdp.exe" in names
    assert "\u202e" not in top
    assert "\u202e" not in inside
