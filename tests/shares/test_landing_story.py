"""The landing page's story: the description, counts, limits left, the link to pass on and
its QR code, the unfurl tags, and the og-image address."""

import html
import json
import re

import pytest
from responses import matchers

from .stubs import DATA, TOKEN, add_list, add_share, add_token, calls_to, file_json, url

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"
META = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')


def landing(client, pds, **share) -> str:
    """The landing page of a share without a password, with two top items."""
    add_share(pds, SHARE, **share)
    add_token(pds, SHARE)
    add_list(pds, [file_json("f1", "Beach", folder=True), file_json("f2", "notes.txt")])
    response = client.get(f"/s/{SHARE}/")
    assert response.status_code == 200
    return response.content.decode()


def description_html(page: str) -> str:
    return re.search(
        r'<p class="share-story__description"[^>]*><bdi>(.*?)</bdi></p>', page, re.S
    ).group(1)


def meta(page: str) -> dict[str, str]:
    return {name: html.unescape(content) for name, content in META.findall(page)}


def test_the_description_keeps_its_line_breaks_and_makes_web_addresses_links(client, pds):
    page = landing(
        client, pds, description="Day one.\nSee https://example.com/map?a=1&b=2, then rest."
    )

    assert description_html(page) == (
        "Day one.\nSee "
        '<a href="https://example.com/map?a=1&amp;b=2" rel="nofollow noopener ugc">'
        "https://example.com/map?a=1&amp;b=2</a>, then rest."
    )


def test_a_hostile_description_is_text_and_other_schemes_are_never_links(client, pds):
    page = landing(
        client,
        pds,
        description='"><img src=x onerror=alert(1)> javascript:alert(1) '
        'data:text/html,<b>x</b> http://ok.example/"onmouseover="alert(1)',
    )

    shown = description_html(page)
    assert "<img" not in shown
    assert "<b>" not in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert re.findall(r'href="([^"]*)"', shown) == ["http://ok.example/"]
    assert 'onmouseover="' not in shown


def test_a_share_without_description_shows_none(client, pds):
    page = landing(client, pds, description="")

    assert "share-story__description" not in page


@pytest.mark.parametrize(("count", "says"), [(1, "1 item"), (2, "2 items"), (0, "0 items")])
def test_the_number_of_items_is_said_with_the_right_plural(client, pds, count, says):
    page = landing(client, pds, file_count=count)

    assert re.search(rf"<dt>Contents</dt>\s*<dd>\s*{says}\s*</dd>", page)


@pytest.mark.parametrize(
    ("share", "says"),
    [
        ({"download_limit": 10, "download_count": 7}, "3 of 10 downloads left"),
        ({"download_limit": 10, "download_count": 9}, "1 of 10 download left"),
        ({"download_limit": 10, "download_count": 12}, "No downloads left"),
        # The tighter cap wins: the combined one counts saves too.
        (
            {"download_limit": 10, "save_download_limit": 5, "save_count": 2, "download_count": 1},
            "2 of 5 downloads left",
        ),
        ({"preview_limit": 4, "preview_count": 1}, "3 of 4 previews left"),
        ({"preview_limit": 4, "preview_count": 4}, "No previews left"),
    ],
)
def test_limits_say_what_is_left(client, pds, share, says):
    page = landing(client, pds, **share)

    assert says in " ".join(page.split())


def test_unlimited_shares_say_nothing_of_limits(client, pds):
    page = landing(client, pds)

    assert "left" not in page.replace("data-copied", "")
    assert "Downloads</dt>" not in page


def test_the_link_to_copy_is_the_canonical_address_with_a_copy_button_and_a_qr_code(
    client, pds, settings
):
    settings.PUBLIC_BASE_URL = "https://share.example"

    page = landing(client, pds)

    field = re.search(r'<input type="url" id="share-link-url"[^>]*>', page, re.S).group(0)
    assert f'value="https://share.example/s/{SHARE}/"' in field
    assert "readonly" in field
    assert re.search(r'<button type="button" class="button" data-copy="share-link-url"', page)
    assert re.search(r"<details class=\"share-qr\">\s*<summary>Show QR code</summary>", page)
    assert re.search(r'<div class="share-qr__code" role="img"[^>]*><svg', page)
    assert TOKEN not in page


def test_the_qr_code_is_an_svg_of_the_canonical_address(client, pds, settings):
    settings.PUBLIC_BASE_URL = "https://share.example"
    add_share(pds, SHARE)

    response = client.get(f"/s/{SHARE}/qr.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<svg")
    assert "<title>QR code of the link to this share</title>" in svg
    assert "<script" not in svg


def test_the_qr_code_of_an_unknown_share_is_a_404(client, pds):
    pds.post(
        url("share_link/get_by_anonymous"),
        status=404,
        json={"code": "NotFound.ShareLink", "message": "no", "requestId": "r"},
    )

    assert client.get(f"/s/{SHARE}/qr.svg").status_code == 404


def test_an_open_share_unfurls_with_its_name_description_and_image(client, pds, settings):
    settings.PUBLIC_BASE_URL = "https://share.example"

    tags = meta(landing(client, pds, description="Photos\nof the <coast>"))

    assert tags["og:title"] == "Holiday photos"
    assert tags["og:description"] == "Photos of the <coast>"
    assert tags["og:url"] == f"https://share.example/s/{SHARE}/"
    assert tags["og:type"] == "website"
    assert tags["og:image"] == f"https://share.example/s/{SHARE}/og-image"
    assert tags["twitter:card"] == "summary_large_image"


def test_a_password_share_unfurls_with_a_generic_title_only(client, pds):
    add_share(
        pds, SHARE, has_pwd=True, share_name="Secret plans", description="The vault code is 42"
    )

    page = client.get(f"/s/{SHARE}/").content.decode()

    tags = meta(page)
    assert tags["og:title"] == "A shared file on shareportal"
    assert "og:image" not in tags
    assert tags["twitter:card"] == "summary"
    head = page[: page.index("</head>")]
    assert "<title>A shared file on shareportal</title>" in head
    assert "Secret plans" not in head
    assert "vault" not in head
    # Nor does the locked page itself tell the description.
    assert "vault" not in page


def test_a_share_opened_by_its_code_unfurls_with_a_generic_title_only(client, pds):
    add_share(pds, SHARE, share_policy="msg", share_name="Code only", description="Hush")

    page = client.get(f"/s/{SHARE}/").content.decode()

    head = page[: page.index("</head>")]
    assert meta(page)["og:title"] == "A shared file on shareportal"
    assert "Code only" not in head
    assert "Hush" not in page


def test_a_share_needing_a_sign_in_unfurls_with_a_generic_title_only(client, pds):
    add_share(pds, SHARE, require_login=True, description="Team only")
    add_token(pds, SHARE)
    add_list(pds, [])

    page = client.get(f"/s/{SHARE}/").content.decode()

    # The page itself is for a visitor the drive let in; its tags are for anyone.
    tags = " ".join(meta(page).values())
    assert meta(page)["og:title"] == "A shared file on shareportal"
    assert "Holiday photos" not in tags
    assert "Team only" not in tags
    assert "og:image" not in meta(page)


def test_og_image_redirects_to_a_fresh_thumbnail_of_the_first_image(client, pds):
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    thumbnail = f"{DATA}/data/i1/thumbnail?sig=abc"
    pds.post(
        url("file/search"),
        json={
            "items": [
                file_json("i1", "beach.png", category="image", thumbnail=thumbnail)
                | {"parent_path": []}
            ],
            "next_marker": "",
        },
        match=[
            matchers.header_matcher({"x-share-token": TOKEN}),
            matchers.json_params_matcher(
                {"query": "category = 'image'", "limit": 1}, strict_match=False
            ),
        ],
    )

    response = client.get(f"/s/{SHARE}/og-image")

    assert response.status_code == 302
    assert response["Location"] == thumbnail


def test_og_image_is_a_404_without_an_image(client, pds):
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    pds.post(url("file/search"), json={"items": [], "next_marker": ""})

    assert client.get(f"/s/{SHARE}/og-image").status_code == 404


def test_og_image_is_a_404_for_a_thumbnail_on_an_untrusted_host(client, pds):
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    item = file_json("i1", "a.png", category="image", thumbnail="https://evil.example/t.png")
    pds.post(url("file/search"), json={"items": [item | {"parent_path": []}]})

    assert client.get(f"/s/{SHARE}/og-image").status_code == 404


@pytest.mark.parametrize(
    "share",
    [
        {"has_pwd": True},
        {"share_policy": "msg"},
        {"require_login": True},
        {"disable_preview": True},
    ],
)
def test_og_image_is_a_404_for_guarded_shares_without_asking_for_files(client, pds, share):
    add_share(pds, SHARE, **share)

    response = client.get(f"/s/{SHARE}/og-image")

    assert response.status_code == 404
    assert not calls_to(pds, "share_link/get_share_token")
    assert not calls_to(pds, "file/search")


def test_og_image_refuses_post(client, pds):
    assert client.post(f"/s/{SHARE}/og-image").status_code == 405


# A share of one folder opens into it.


def test_a_share_of_one_folder_lists_that_folder_on_its_landing_page(client, pds):
    add_share(pds, SHARE, file_count=1, share_name="Photos")
    add_token(pds, SHARE)
    add_list(pds, [file_json("d1", "Photos", folder=True, parent="root")], parent_file_id="root")
    add_list(
        pds,
        [file_json("f1", "beach.png", parent="d1"), file_json("f2", "sun.png", parent="d1")],
        parent_file_id="d1",
    )

    page = client.get(f"/s/{SHARE}/").content.decode()

    assert f'href="/s/{SHARE}/download/f1/"' in page
    assert f'href="/s/{SHARE}/download/f2/"' in page
    assert f'href="/s/{SHARE}/folder/d1/"' not in page
    assert "2 items" in page

    # Its folder is remembered: the next visit lists it straight away.
    client.get(f"/s/{SHARE}/?sort=size&dir=desc")
    listed = [json.loads(c.request.body) for c in calls_to(pds, "file/list")]
    assert len(listed) == 3
    assert listed[2]["parent_file_id"] == "d1"


def test_a_share_of_one_file_lists_it_as_before(client, pds):
    add_share(pds, SHARE, file_count=1)
    add_token(pds, SHARE)
    add_list(pds, [file_json("f1", "notes.txt", parent="root")], parent_file_id="root")

    page = client.get(f"/s/{SHARE}/").content.decode()

    assert f'href="/s/{SHARE}/download/f1/"' in page
    assert len(calls_to(pds, "file/list")) == 1


def test_a_long_single_folder_says_it_has_at_least_a_page_of_items(client, pds):
    add_share(pds, SHARE, file_count=1)
    add_token(pds, SHARE)
    add_list(pds, [file_json("d1", "Big", folder=True, parent="root")], parent_file_id="root")
    add_list(
        pds,
        [file_json(f"f{i}", f"{i}.txt", parent="d1") for i in range(50)],
        next_marker="m2",
        parent_file_id="d1",
    )

    page = client.get(f"/s/{SHARE}/").content.decode()

    assert "50 or more items" in page
    assert f"/s/{SHARE}/?sort=name&amp;dir=asc&amp;marker=m2" in page


def test_inside_a_share_of_one_folder_the_breadcrumb_names_it_once(client, pds):
    add_share(pds, SHARE, file_count=1, share_name="Photos")
    add_token(pds, SHARE)
    add_list(pds, [file_json("d1", "Photos", folder=True, parent="root")], parent_file_id="root")
    add_list(pds, [file_json("d2", "Day 2", folder=True, parent="d1")], parent_file_id="d1")
    add_list(pds, [file_json("f9", "light.jpg", parent="d2")], parent_file_id="d2")
    client.get(f"/s/{SHARE}/")

    page = client.get(f"/s/{SHARE}/folder/d2/").content.decode()

    crumbs = re.search(r'<nav class="crumbs".*?</nav>', page, re.S).group(0)
    assert re.findall(r"<bdi>([^<]*)</bdi>", crumbs) == ["Photos", "Day 2"]
    assert f'<a href="/s/{SHARE}/"><bdi>Photos</bdi></a>' in crumbs


def test_the_one_folder_of_a_share_redirects_to_its_landing_page(client, pds):
    add_share(pds, SHARE, file_count=1)
    add_token(pds, SHARE)
    add_list(pds, [file_json("d1", "Photos", folder=True, parent="root")], parent_file_id="root")
    add_list(pds, [], parent_file_id="d1")
    client.get(f"/s/{SHARE}/")
    add_list(pds, [], parent_file_id="d1")

    response = client.get(f"/s/{SHARE}/folder/d1/?sort=size&dir=desc")

    assert response.status_code == 302
    assert response["Location"] == f"/s/{SHARE}/?sort=size&dir=desc"
