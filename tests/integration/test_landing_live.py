"""The landing page against the real embedded drive: the description, counts, what a limited
share has left, one-folder shares, unfurl tags and the og-image redirect."""

import html
import re

import pytest
import requests

from .test_share_pages import row, rows, share_url

pytestmark = pytest.mark.django_db

META = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')


def meta(page: str) -> dict[str, str]:
    return {name: html.unescape(content) for name, content in META.findall(page)}


def words(page: str) -> str:
    return " ".join(page.split())


@pytest.fixture
def fresh_facts(portal_settings):
    """Every page reads the share's facts from the drive, so a counter shows at once."""
    portal_settings.SHARE_PUBLIC_CACHE_SECONDS = 0
    return portal_settings


def new_share(live_pds, *, files: slice = slice(None), **fields) -> str:
    """A new share of alice's over the open share's files (the folder, then welcome.txt), or
    some of them, with these settings: its id."""
    open_share = live_pds.post(
        "share_link/get", {"share_id": live_pds.demo["shares"]["open"]["share_id"]}, user="alice"
    ).json()
    file_id_list = open_share["file_id_list"][files]
    created = live_pds.post(
        "share_link/create",
        {"drive_id": open_share["drive_id"], "file_id_list": file_id_list} | fields,
        user="alice",
    )
    assert created.status_code == 201, created.text
    return created.json()["share_id"]


def test_the_open_share_tells_its_description_and_how_many_items(client, live_pds, portal_settings):
    page = client.get(share_url(live_pds, "open")).content.decode()

    assert "Photos, notes and sounds." in page
    assert re.search(r"<dt>Contents</dt>\s*<dd>\s*2 items\s*</dd>", page)
    assert "left" not in words(page).replace("data-copied", "")


def test_the_hostile_description_is_shown_as_text(client, live_pds, portal_settings):
    page = client.get(share_url(live_pds, "hostile")).content.decode()

    shown = re.search(
        r'<p class="share-story__description"[^>]*><bdi>(.*?)</bdi></p>', page, re.S
    ).group(1)
    assert shown == (
        "&#34;&gt;&lt;img src=x onerror=alert(document.domain)&gt; &lt;/textarea&gt;&lt;b&gt;bold"
    )
    assert "<b>bold" not in page
    assert "</textarea>" not in page


def test_a_description_keeps_its_lines_and_links_its_addresses(client, live_pds, portal_settings):
    share_id = new_share(
        live_pds, description="Line one\nMap: https://maps.example/coast\njavascript:alert(1)"
    )

    page = client.get(f"/s/{share_id}/").content.decode()

    shown = re.search(
        r'<p class="share-story__description"[^>]*><bdi>(.*?)</bdi></p>', page, re.S
    ).group(1)
    assert shown == (
        "Line one\nMap: "
        '<a href="https://maps.example/coast" rel="nofollow noopener ugc">'
        "https://maps.example/coast</a>\njavascript:alert(1)"
    )


def test_a_limited_share_says_what_it_has_left_as_visitors_use_it(client, live_pds, fresh_facts):
    share_id = new_share(live_pds, download_limit=3, preview_limit=10)
    first = client.get(f"/s/{share_id}/").content.decode()

    client.get(row(first, "welcome.txt")["download"])
    after_one = client.get(f"/s/{share_id}/").content.decode()
    live_pds.post(
        "share_link/update",
        {"share_id": share_id, "download_count": 3, "preview_count": 9},
        user="alice",
    )
    used_up = client.get(f"/s/{share_id}/").content.decode()

    assert "3 of 3 downloads left" in words(first)
    assert "10 of 10 previews left" in words(first)
    assert "2 of 3 downloads left" in words(after_one)
    assert "No downloads left" in words(used_up)
    assert "1 of 10 preview left" in words(used_up)
    assert "reached its download limit" in words(used_up)


def test_a_share_of_one_folder_opens_into_it_with_one_breadcrumb(client, live_pds, portal_settings):
    # Bob's share is one folder, "Bob's recipes", named like the share: its name comes once.
    landing = client.get(share_url(live_pds, "bob")).content.decode()
    inner = row(landing, "Desserts")["folder"]

    page = client.get(inner).content.decode()

    names = {r["name"] for r in rows(landing)}
    assert names == {"pancakes.md", "Desserts"}
    assert re.search(r"<dt>Contents</dt>\s*<dd>\s*2 items\s*</dd>", landing)
    crumbs = re.search(r'<nav class="crumbs".*?</nav>', page, re.S).group(0)
    assert [html.unescape(n) for n in re.findall(r"<bdi>([^<]*)</bdi>", crumbs)] == [
        "Bob's recipes",
        "Desserts",
    ]
    assert [r["name"] for r in rows(page)] == ["crepes.md"]


def test_the_open_share_unfurls_with_its_first_image(client, live_pds, portal_settings):
    share_id = live_pds.demo["shares"]["open"]["share_id"]
    tags = meta(client.get(f"/s/{share_id}/").content.decode())

    image = client.get(f"/s/{share_id}/og-image")
    thumbnail = requests.get(image["Location"], timeout=10)

    assert tags["og:title"] == "Trip to the coast"
    assert tags["og:description"] == "Photos, notes and sounds."
    assert tags["og:url"] == f"http://testserver/s/{share_id}/"
    assert tags["og:image"] == f"http://testserver/s/{share_id}/og-image"
    assert image.status_code == 302
    assert image["Location"].startswith(f"{live_pds.url}/data/")
    assert thumbnail.status_code == 200
    assert thumbnail.headers["Content-Type"].startswith("image/")


def test_the_password_share_unfurls_with_nothing_of_its_own(client, live_pds, portal_settings):
    share_id = live_pds.demo["shares"]["password"]["share_id"]

    page = client.get(f"/s/{share_id}/").content.decode()

    head = page[: page.index("</head>")]
    assert meta(page)["og:title"] == "A shared file on shareportal"
    assert "Private plans" not in head
    assert "og:image" not in head
    assert client.get(f"/s/{share_id}/og-image").status_code == 404


def test_og_image_of_a_share_without_images_is_a_404(client, live_pds, portal_settings):
    only_text = new_share(live_pds, files=slice(1, 2))

    assert client.get(f"/s/{only_text}/og-image").status_code == 404
    assert client.get("/s/NoSuchShare/og-image").status_code == 404
