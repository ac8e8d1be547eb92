"""Searching the demo shares against the real embedded drive, over HTTP."""

import html
import re

import pytest

pytestmark = pytest.mark.django_db

RESULT = re.compile(r'<tr class="file-row search-row">(.*?)</tr>', re.S)
NAME = re.compile(r'<span class="file-name__text"[^>]*>.*?<bdi>(.*?)</bdi>', re.S)
PLACE = re.compile(r'<a href="([^"]+)" class="place">(.*?)</a>', re.S)
NEXT_PAGE = re.compile(r'<a class="button no-js-only" href="([^"]+)">Next page</a>')


def results(page: str) -> list[dict]:
    """Each result's name (highlight marks kept), its place's link and its path of names."""
    found = []
    for row in RESULT.findall(page):
        place = PLACE.search(row)
        found.append(
            {
                "name": html.unescape(NAME.search(row).group(1)),
                "place": place.group(1),
                "path": [html.unescape(n) for n in re.findall(r"<bdi>(.*?)</bdi>", place.group(2))],
            }
        )
    return found


def search_url(live_pds, key: str) -> str:
    return f"/s/{live_pds.demo['shares'][key]['share_id']}/search/"


def test_a_search_finds_files_deep_in_the_share_with_their_folder_paths(
    client, live_pds, portal_settings
):
    response = client.get(search_url(live_pds, "open"), {"q": "JPG"})

    assert response.status_code == 200
    found = {r["name"]: r for r in results(response.content.decode())}
    assert set(found) == {"lighthouse.<mark>jpg</mark>", "sunset.<mark>jpg</mark>"}
    assert found["lighthouse.<mark>jpg</mark>"]["path"] == [
        "Trip to the coast",  # the share
        "Trip to the coast",  # its top folder
        "Photos",
        "Day 2",
    ]
    # The place links to the folder, and that folder lists the file.
    folder = client.get(found["lighthouse.<mark>jpg</mark>"]["place"]).content.decode()
    assert "lighthouse.jpg" in folder
    assert '<span aria-current="page"><bdi>Day 2</bdi></span>' in folder


def test_a_search_never_finds_files_of_other_shares(client, live_pds, portal_settings):
    # guest-list.txt is in the password share, the same drive as the open one.
    page = client.get(search_url(live_pds, "open"), {"q": "guest"}).content.decode()

    assert results(page) == []
    assert "Nothing in this share has a name containing" in page


def test_the_big_share_is_searched_by_the_drive_and_paged_by_marker(
    client, live_pds, portal_settings
):
    first = client.get(search_url(live_pds, "big"), {"q": "file-0"}).content.decode()
    next_page = html.unescape(NEXT_PAGE.search(first).group(1))
    second = client.get(next_page).content.decode()

    names = [r["name"] for r in results(first) + results(second)]
    assert "marker=" in next_page
    assert "looked through one by one" not in first  # the drive searched, no walk
    assert names == [f"<mark>file-0</mark>{n:03d}.txt" for n in range(1, 101)]


def test_hostile_names_come_back_escaped(client, live_pds, portal_settings):
    page = client.get(search_url(live_pds, "hostile"), {"q": "svg"}).content.decode()

    assert "<svg" not in page
    assert "&#34;&gt;&lt;<mark>svg</mark> onload=alert(1)&gt;" in page
