"""Every dashboard answer is private and unindexed, as the share pages are; static files are not."""

import pytest

from .stubs import add_error, share_json, url

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"


@pytest.fixture
def answers(owner, pds):
    """One answer of each kind: a page, an htmx row, a problem page, a 404, a 405, an image."""
    pds.post(url("share_link/list"), json={"items": [], "next_marker": ""})
    pds.post(url("share_link/get"), json=share_json())
    add_error(pds, "share_link/cancel", 500, "InternalError")
    return {
        "index": owner.get("/dashboard/"),
        "htmx row": owner.get(f"/dashboard/shares/{SHARE}/", headers={"HX-Request": "true"}),
        "qr code": owner.get(f"/dashboard/shares/{SHARE}/qr.svg"),
        "drive down": owner.post(f"/dashboard/shares/{SHARE}/cancel/"),
        "not found": owner.get("/dashboard/shares/x/"),
        "wrong method": owner.put("/dashboard/"),
    }


def test_every_dashboard_answer_is_never_stored_and_never_indexed(answers):
    statuses = {name: response.status_code for name, response in answers.items()}
    assert statuses == {
        "index": 200,
        "htmx row": 200,
        "qr code": 200,
        "drive down": 502,
        "not found": 404,
        "wrong method": 405,
    }
    for name, response in answers.items():
        assert response["Cache-Control"] == "no-store, private", name
        assert response["X-Robots-Tag"] == "noindex", name


def test_a_signed_out_visit_and_the_sign_in_redirect_are_private_too(client):
    for response in (client.get("/dashboard/"), client.get("/dashboard/signin/")):
        assert response.status_code == 302
        assert response["Cache-Control"] == "no-store, private"
        assert response["X-Robots-Tag"] == "noindex"


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/css/site.css")

    assert response.status_code == 200
    # WhiteNoise's own caching (short without collectstatic's hashed names), public, and not
    # marked noindex: the private-page headers are for pages only.
    assert response["Cache-Control"].startswith("max-age=")
    assert "public" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
    assert "X-Robots-Tag" not in response
