"""Share codes and the oEmbed thumbnail against the real embedded drive, with the demo shares."""

import pytest
import requests

from shareportal.shares.embedding import embed_sites_set

pytestmark = pytest.mark.django_db

HOST = "https://host.example"


def test_the_demo_code_opens_the_msg_share_through_the_drive(client, live_pds, portal_settings):
    demo = live_pds.demo["shares"]["msg"]

    wrong = client.post("/open/", {"code": demo["share_msg"].upper()})
    opened = client.post("/open/", {"code": demo["share_msg"]})
    page = client.get(opened["Location"])

    assert wrong.status_code == 404
    assert opened.status_code == 303
    assert opened["Location"] == f"/s/{demo['share_id']}/"
    assert "Message share.txt" in page.content.decode()
    for response in (opened, page):
        assert demo["password"] not in response.content.decode()
        assert all(demo["password"] not in value for value in response.headers.values())


def test_the_open_demo_shares_oembed_thumbnail_is_its_first_image(
    client, live_pds, portal_settings
):
    portal_settings.EMBED_ALLOWED_ORIGINS = [HOST]
    share_id = live_pds.demo["shares"]["open"]["share_id"]
    embed_sites_set(share_id=share_id, origins=[HOST], by="alice")

    answer = client.get("/oembed", {"url": f"http://testserver/s/{share_id}/"}).json()
    redirect = client.get(f"/s/{share_id}/og-image")
    picture = requests.get(redirect["Location"], timeout=10)

    assert answer["thumbnail_url"] == f"http://testserver/s/{share_id}/og-image"
    assert redirect.status_code == 302
    assert redirect["Location"].startswith(f"{live_pds.url}/data/")
    assert picture.status_code == 200
    assert picture.headers["Content-Type"].startswith("image/")
    assert picture.content


def test_the_password_demo_shares_oembed_has_a_generic_title_and_no_thumbnail(
    client, live_pds, portal_settings
):
    portal_settings.EMBED_ALLOWED_ORIGINS = [HOST]
    share_id = live_pds.demo["shares"]["password"]["share_id"]
    embed_sites_set(share_id=share_id, origins=[HOST], by="alice")

    answer = client.get("/oembed", {"url": f"http://testserver/s/{share_id}/"}).json()

    assert answer["title"] == "A shared file on shareportal"
    assert "Private plans" not in answer["html"]
    assert "thumbnail_url" not in answer
    assert client.get(f"/s/{share_id}/og-image").status_code == 404
