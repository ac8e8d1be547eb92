"""oEmbed (`/oembed`) of share pages, and its discovery link on the pages that may be embedded."""

import html
import json

import pytest
import responses

from shareportal.shares.embedding import SANDBOX, embed_sites_set

from .stubs import DATA, add_error, add_list, add_share, add_token, calls_to, file_json, url

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"
HOST = "https://host.example"
BASE = "https://share.example"


@pytest.fixture(autouse=True)
def embedding(settings, pds):
    settings.PUBLIC_BASE_URL = BASE
    settings.EMBED_ALLOWED_ORIGINS = [HOST]
    embed_sites_set(share_id=SHARE, origins=[HOST], by="u1")
    # What oEmbed asks of an open share for its thumbnail: here, a share without images
    # (`_images` changes the answer).
    add_token(pds, SHARE)
    _images(pds, [])


def _images(pds, items: list[dict]) -> None:
    """The drive's answer to the share search for images (`category = 'image'`)."""
    pds.upsert(responses.POST, url("file/search"), json={"items": items, "next_marker": ""})


def _oembed(client, **params):
    return client.get("/oembed", {"url": f"{BASE}/s/{SHARE}/", "format": "json"} | params)


def test_it_answers_a_rich_iframe_of_the_embed_view(client, pds):
    add_share(pds, SHARE, share_name='Trip <"2026">')

    response = _oembed(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer["version"] == "1.0" and answer["type"] == "rich"
    assert answer["title"] == 'Trip <"2026">'
    assert answer["provider_name"] == "shareportal"
    assert answer["provider_url"] == f"{BASE}/"
    assert (answer["width"], answer["height"]) == (640, 480)
    assert "thumbnail_url" not in answer
    snippet = answer["html"]
    assert f'src="{BASE}/e/{SHARE}/"' in snippet
    assert 'title="Trip &lt;&quot;2026&quot;&gt;"' in snippet
    assert f'sandbox="{SANDBOX}"' in snippet and 'loading="lazy"' in snippet
    assert 'referrerpolicy="strict-origin"' in snippet


def test_it_accepts_the_address_of_a_folder_or_of_the_embed_view(client, pds):
    add_share(pds, SHARE)
    add_share(pds, SHARE)

    folder = client.get("/oembed", {"url": f"{BASE}/s/{SHARE}/folder/d1/?sort=size"})
    embed = client.get("/oembed", {"url": f"{BASE}/e/{SHARE}/"})

    assert folder.status_code == embed.status_code == 200


@pytest.mark.parametrize(
    ("params", "size"),
    [
        ({"maxwidth": "320"}, (320, 480)),
        ({"maxheight": "200"}, (640, 200)),
        ({"maxwidth": "300", "maxheight": "300"}, (300, 300)),
        ({"maxwidth": "2000", "maxheight": "2000"}, (640, 480)),
    ],
)
def test_it_never_exceeds_maxwidth_and_maxheight(client, pds, params, size):
    add_share(pds, SHARE)

    answer = _oembed(client, **params).json()

    assert (answer["width"], answer["height"]) == size
    assert f'width="{size[0]}" height="{size[1]}"' in answer["html"]


@pytest.mark.parametrize(
    "params",
    [{"url": ""}, {"maxwidth": "wide"}, {"maxheight": "0"}, {"maxwidth": "-5"}],
)
def test_bad_parameters_are_a_400_with_a_message(client, pds, params):
    response = _oembed(client, **params)

    assert response.status_code == 400
    assert "url" in response.json()["error"]
    assert calls_to(pds, "share_link/get_by_anonymous") == []


@pytest.mark.parametrize("fmt", ["xml", "yaml"])
def test_formats_other_than_json_are_501(client, pds, fmt):
    assert _oembed(client, format=fmt).status_code == 501


def test_a_missing_format_means_json(client, pds):
    add_share(pds, SHARE)

    response = client.get("/oembed", {"url": f"{BASE}/s/{SHARE}/"})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "https://elsewhere.example/s/sAvciMEXKRz/",
        f"{BASE}/dashboard/",
        f"{BASE}/s/x/",
        "not a url",
    ],
)
def test_addresses_that_are_not_our_share_pages_are_404(client, pds, url):
    response = client.get("/oembed", {"url": url, "format": "json"})

    assert response.status_code == 404
    assert calls_to(pds, "share_link/get_by_anonymous") == []


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("NotFound.ShareLink", 404),
        ("ShareLink.Expired", 404),
        ("ShareLink.Cancelled", 404),
        ("ShareLink.Forbidden", 403),
    ],
)
def test_shares_the_drive_refuses_are_404_or_403(client, pds, code, status):
    add_error(pds, "share_link/get_by_anonymous", 404 if "NotFound" in code else 403, code)

    assert _oembed(client).status_code == status


def test_a_share_for_signed_in_members_is_401(client, pds):
    add_share(pds, SHARE, require_login=True)

    assert _oembed(client).status_code == 401


@pytest.mark.parametrize("origins", [[], ["https://other.example"]])
def test_a_share_no_site_may_embed_is_403(client, pds, settings, origins):
    settings.EMBED_ALLOWED_ORIGINS = [HOST, "https://other.example"]
    embed_sites_set(share_id=SHARE, origins=origins, by="u1")
    if origins:
        settings.EMBED_ALLOWED_ORIGINS = [HOST]
    add_share(pds, SHARE)

    assert _oembed(client).status_code == 403


def test_a_wrong_method_is_405(client, pds):
    assert client.post("/oembed", {"url": f"{BASE}/s/{SHARE}/"}).status_code == 405


def _discovery(response) -> str:
    content = response.content.decode()
    marker = 'type="application/json+oembed" href="'
    if marker not in content:
        return ""
    return html.unescape(content.split(marker, 1)[1].split('"', 1)[0])


def test_an_embeddable_share_page_links_its_oembed(client, pds):
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    add_list(pds, [])

    link = _discovery(client.get(f"/s/{SHARE}/"))

    assert link == f"{BASE}/oembed?url=https%3A%2F%2Fshare.example%2Fs%2F{SHARE}%2F&format=json"


def test_a_share_page_that_may_not_be_embedded_has_no_oembed_link(client, pds):
    embed_sites_set(share_id=SHARE, origins=[], by="u1")
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    add_list(pds, [])

    assert _discovery(client.get(f"/s/{SHARE}/")) == ""


@pytest.mark.parametrize(
    "fields",
    [{"has_pwd": True}, {"share_policy": "msg"}, {"has_pwd": True, "share_policy": "msg"}],
)
def test_a_share_behind_a_password_or_a_code_keeps_its_name_and_has_no_thumbnail(
    client, pds, fields
):
    add_share(pds, SHARE, share_name="Secret plans <b>", **fields)

    response = _oembed(client)

    assert response.status_code == 200
    answer = response.json()
    assert answer["title"] == "A shared file on shareportal"
    assert "Secret plans" not in response.content.decode()
    assert 'title="A shared file on shareportal"' in answer["html"]
    assert not {"thumbnail_url", "thumbnail_width", "thumbnail_height"} & answer.keys()
    # Nothing of the share's files was asked for.
    assert calls_to(pds, "file/list") == []
    assert calls_to(pds, "share_link/get_share_token") == []


# The thumbnail: the share's own address of its first image's thumbnail (`og-image`).

THUMB = f"{DATA}/data/img1/thumbnail?sig=abc"


def _picture(file_id: str = "img1", name: str = "beach.png", thumbnail: str = THUMB) -> dict:
    return file_json(
        file_id, name, category="image", content_type="image/png", thumbnail=thumbnail
    ) | {"parent_path": []}


def test_an_open_share_with_an_image_has_a_thumbnail_at_a_lasting_address(client, pds):
    add_share(pds, SHARE)
    _images(pds, [_picture()])

    answer = _oembed(client).json()

    assert answer["thumbnail_url"] == f"{BASE}/s/{SHARE}/og-image"
    assert (answer["thumbnail_width"], answer["thumbnail_height"]) == (256, 256)
    # Never the signed URL itself: it would expire long before consumers forget the answer.
    assert "sig=" not in json.dumps(answer)
    [search] = calls_to(pds, "file/search")
    assert json.loads(search.request.body)["query"] == "category = 'image'"


def test_the_thumbnail_address_redirects_to_a_fresh_signed_thumbnail(client, pds):
    add_share(pds, SHARE)
    _images(pds, [_picture()])

    thumbnail_url = _oembed(client).json()["thumbnail_url"]
    response = client.get(thumbnail_url.removeprefix(BASE))

    assert response.status_code == 302
    assert response["Location"] == THUMB
    assert not response.cookies


def test_an_open_share_without_images_has_no_thumbnail(client, pds):
    add_share(pds, SHARE)

    answer = _oembed(client).json()
    page = client.get(f"/s/{SHARE}/og-image")

    assert not {"thumbnail_url", "thumbnail_width", "thumbnail_height"} & answer.keys()
    assert page.status_code == 404


def test_a_thumbnail_on_a_host_we_do_not_trust_is_none(client, pds):
    add_share(pds, SHARE)
    _images(pds, [_picture(thumbnail="https://evil.example/x.png")])

    assert "thumbnail_url" not in _oembed(client).json()
    assert client.get(f"/s/{SHARE}/og-image").status_code == 404


def test_a_share_that_hides_previews_has_no_thumbnail_and_is_not_searched(client, pds):
    add_share(pds, SHARE, disable_preview=True)

    answer = _oembed(client).json()

    assert "thumbnail_url" not in answer
    assert calls_to(pds, "file/search") == []


@pytest.mark.parametrize("fields", [{"has_pwd": True}, {"share_policy": "msg"}])
def test_a_password_or_code_share_with_an_image_has_no_thumbnail(client, pds, fields):
    add_share(pds, SHARE, **fields)
    _images(pds, [_picture()])

    answer = _oembed(client).json()

    assert not {"thumbnail_url", "thumbnail_width", "thumbnail_height"} & answer.keys()
    assert client.get(f"/s/{SHARE}/og-image").status_code == 404
    assert calls_to(pds, "file/search") == []
    assert calls_to(pds, "share_link/get_share_token") == []


def test_a_drive_failing_on_the_image_costs_the_answer_its_thumbnail_only(client, pds):
    add_share(pds, SHARE)
    pds.upsert(responses.POST, url("file/search"), status=500, json={"code": "InternalError"})

    response = _oembed(client)

    assert response.status_code == 200
    assert response.json()["type"] == "rich"
    assert "thumbnail_url" not in response.json()
