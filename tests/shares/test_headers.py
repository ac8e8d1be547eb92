"""Every page of the portal is private, unindexed, and under a strict policy."""

import pytest

from .stubs import add_error, add_share

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"


@pytest.fixture
def pages(client, pds):
    """One response of each kind: home, landing, problem, throttled, our 404, a 405."""
    add_share(pds, SHARE, has_pwd=True)
    add_error(pds, "share_link/get_share_token", 400, "InvalidResource.SharePwd")
    landing = client.get(f"/s/{SHARE}/")
    for _ in range(10):
        client.post(f"/s/{SHARE}/", {"password": "guess"})
    pds.reset()
    add_error(pds, "share_link/get_by_anonymous", 400, "ShareLink.Expired")
    return {
        "home": client.get("/"),
        "landing": landing,
        "expired": client.get("/s/expiredShare/"),
        "throttled": client.post(f"/s/{SHARE}/", {"password": "guess"}),
        "not found": client.get("/s/x/"),
        "unknown address": client.get("/nothing/here/"),
        "wrong method": client.put(f"/s/{SHARE}/"),
    }


def test_every_page_has_the_status_we_expect(pages):
    statuses = {name: response.status_code for name, response in pages.items()}

    assert statuses == {
        "home": 200,
        "landing": 200,
        "expired": 410,
        "throttled": 429,
        "not found": 404,
        "unknown address": 404,
        "wrong method": 405,
    }


def test_every_page_is_never_stored_and_never_indexed(pages):
    for name, response in pages.items():
        assert response["Cache-Control"] == "no-store, private", name
        assert response["X-Robots-Tag"] == "noindex", name


def test_every_page_has_a_strict_content_security_policy(pages):
    for name, response in pages.items():
        policy = response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy, name
        # The nonce appears only where a page used it; nothing else may run script.
        assert "script-src 'self'" in policy, name
        assert "unsafe-inline" not in policy, name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name


def test_scripts_carry_the_nonce_and_nothing_is_inline(pages):
    page = pages["landing"].content.decode()
    nonce = pages["landing"]["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]

    assert page.count("<script") == page.count(f'nonce="{nonce}"') == 2
    assert "<style" not in page
    assert " style=" not in page
    assert " onclick=" not in page


def test_pages_have_landmarks_and_a_skip_link(pages):
    for name in ("home", "landing", "expired", "not found"):
        page = pages[name].content.decode()
        assert '<header class="site-header">' in page, name
        assert '<main id="main"' in page, name
        assert 'href="#main"' in page, name
        assert "<h1" in page, name


def test_the_home_page_explains_the_site_and_links_the_dashboard(pages):
    page = pages["home"].content.decode()

    assert "/s/" in page
    assert 'href="/dashboard/"' in page
