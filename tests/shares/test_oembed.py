"""oEmbed (`/oembed`) of share pages, and its discovery link on the pages that may be embedded."""

import html

import pytest

from shareportal.shares.embedding import SANDBOX, embed_sites_set

from .stubs import add_error, add_list, add_share, add_token, calls_to

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"
HOST = "https://host.example"
BASE = "https://share.example"


@pytest.fixture(autouse=True)
def embedding(settings):
    settings.PUBLIC_BASE_URL = BASE
    settings.EMBED_ALLOWED_ORIGINS = [HOST]
    embed_sites_set(share_id=SHARE, origins=[HOST], by="u1")


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
