"""The embed view `/e/...`: who may frame it, its headers, its cookies, its links."""

import re
from http.cookies import SimpleCookie

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from responses import matchers

from shareportal.origins import origin_parse
from shareportal.shares.embedding import PartitionedMorsel, embed_sites_set, framing_allow

from .stubs import add_list, add_share, add_token, add_wrong_password, file_json, url

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"
HOST = "https://host.example"
OTHER = "https://other.example"


@pytest.fixture
def embedding(settings):
    """Embedding on for two sites; the share lets one of them frame it."""
    settings.EMBED_ALLOWED_ORIGINS = [HOST, OTHER]
    embed_sites_set(share_id=SHARE, origins=[HOST], by="u1")


def _frame_ancestors(response) -> str:
    return re.search(r"frame-ancestors ([^;]*)", response["Content-Security-Policy"]).group(1)


def _open_share(pds, **fields) -> None:
    add_share(pds, SHARE, share_name="Trip", **fields)
    add_token(pds, SHARE)
    add_list(pds, [file_json("d1", "Photos", folder=True), file_json("f1", "a.txt")])


def test_it_lets_the_shares_own_sites_frame_it_and_drops_x_frame_options(client, pds, embedding):
    _open_share(pds)

    response = client.get(f"/e/{SHARE}/", secure=True)

    assert response.status_code == 200
    assert _frame_ancestors(response) == f"'self' {HOST}"
    assert "X-Frame-Options" not in response
    assert "*" not in response["Content-Security-Policy"]


def test_it_keeps_framing_refused_on_the_full_page_of_an_embeddable_share(client, pds, embedding):
    _open_share(pds)

    response = client.get(f"/s/{SHARE}/", secure=True)

    assert _frame_ancestors(response) == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_it_allows_only_sites_that_are_also_on_the_deployments_list(client, pds, settings):
    settings.EMBED_ALLOWED_ORIGINS = [OTHER]
    embed_sites_set(share_id=SHARE, origins=[HOST, OTHER], by="u1")
    _open_share(pds)

    response = client.get(f"/e/{SHARE}/", secure=True)

    assert _frame_ancestors(response) == f"'self' {OTHER}"


@pytest.mark.parametrize(
    ("deployment", "share"),
    [([], [HOST]), ([HOST], []), ([HOST], [OTHER])],
    ids=["embedding off", "share chose no site", "share's site dropped by the deployment"],
)
def test_it_refuses_framing_and_says_so_when_no_site_may(client, pds, settings, deployment, share):
    settings.EMBED_ALLOWED_ORIGINS = deployment
    embed_sites_set(share_id=SHARE, origins=share, by="u1")

    response = client.get(f"/e/{SHARE}/", secure=True)

    assert response.status_code == 403
    assert _frame_ancestors(response) == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert "cannot be shown inside another site" in response.content.decode()
    # The way out is the full page, in a tab of its own.
    assert f'href="/s/{SHARE}/" target="_blank"' in response.content.decode()


def test_it_needs_https_and_says_so_over_plain_http(client, pds, embedding):
    response = client.get(f"/e/{SHARE}/")

    assert response.status_code == 403
    assert "Embedding needs a secure connection" in response.content.decode()
    assert _frame_ancestors(response) == "'none'"


def test_its_page_has_no_site_chrome_and_links_that_stay_inside_it(client, pds, embedding):
    _open_share(pds)

    html = client.get(f"/e/{SHARE}/", secure=True).content.decode()

    assert 'class="site-header"' not in html and 'class="site-footer"' not in html
    assert f'href="/e/{SHARE}/folder/d1/"' in html
    assert f'href="/e/{SHARE}/download/f1/"' in html
    assert f'href="/s/{SHARE}/" target="_blank"' in html  # "Open in a new tab"
    assert f'<meta name="embed-parent-origins" content="{HOST}">' in html
    assert f'href="/s/{SHARE}/folder/' not in html


def test_its_password_form_posts_to_the_embed_view_and_a_wrong_one_says_so(client, pds, embedding):
    add_share(pds, SHARE, has_pwd=True)
    landing = client.get(f"/e/{SHARE}/", secure=True)
    add_wrong_password(pds)

    wrong = client.post(f"/e/{SHARE}/", {"password": "nope"}, secure=True)

    assert f'action="/e/{SHARE}/"' in landing.content.decode()
    assert wrong.status_code == 400
    assert "That password is not right" in wrong.content.decode()
    assert _frame_ancestors(wrong) == f"'self' {HOST}"


def test_a_right_password_redirects_inside_the_embed_view(client, pds, embedding):
    add_share(pds, SHARE, has_pwd=True)
    add_token(pds, SHARE, "secret")

    response = client.post(f"/e/{SHARE}/", {"password": "secret"}, secure=True)

    assert response.status_code == 303
    assert response["Location"] == f"/e/{SHARE}/"


def test_its_cookies_have_their_own_names_and_are_partitioned_third_party_cookies(
    client, pds, embedding
):
    add_share(pds, SHARE, has_pwd=True)
    add_token(pds, SHARE, "secret")
    client.get(f"/e/{SHARE}/", secure=True)

    response = client.post(f"/e/{SHARE}/", {"password": "secret"}, secure=True)

    session = response.cookies[django_settings.EMBED_SESSION_COOKIE_NAME].OutputString()
    assert django_settings.SESSION_COOKIE_NAME not in response.cookies
    for attribute in ("SameSite=None", "Secure", "Partitioned", "HttpOnly", "Path=/"):
        assert attribute in session.split("; "), attribute


def test_unlocking_inside_the_embed_view_does_not_unlock_the_full_page(client, pds, embedding):
    add_share(pds, SHARE, has_pwd=True)
    add_token(pds, SHARE, "secret")
    client.get(f"/e/{SHARE}/", secure=True)
    client.post(f"/e/{SHARE}/", {"password": "secret"}, secure=True)
    pds.reset()
    add_share(pds, SHARE, has_pwd=True)

    full = client.get(f"/s/{SHARE}/", secure=True)

    assert "This share is protected by a password" in full.content.decode()


def test_a_password_sent_without_the_embed_cookie_offers_a_new_tab(pds, embedding):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post(f"/e/{SHARE}/", {"password": "secret"}, secure=True)

    assert response.status_code == 403
    html = response.content.decode()
    assert "blocks this embedded page" in html
    assert "Open in a new tab to unlock" in html
    assert _frame_ancestors(response) == f"'self' {HOST}"


def test_a_partitioned_morsel_adds_the_attribute_once():
    cookie = SimpleCookie()
    morsel = PartitionedMorsel()
    morsel.set("name", "value", "value")
    morsel["secure"] = True
    cookie["name"] = morsel

    assert cookie.output() == "Set-Cookie: name=value; Secure; Partitioned"


@pytest.mark.parametrize(
    ("typed", "origin"),
    [
        ("https://Host.Example", "https://host.example"),
        ("https://host.example:443/", "https://host.example"),
        ("https://host.example:8443", "https://host.example:8443"),
        ("https://[::1]:8443", "https://[::1]:8443"),
    ],
)
def test_an_origin_is_normalised(typed, origin):
    assert origin_parse(typed) == origin


@pytest.mark.parametrize(
    "typed",
    ["*", "https://*.example", "http://host.example", "host.example", "https://h.example/p"],
)
def test_what_is_not_an_https_origin_is_refused(typed):
    with pytest.raises(ValueError):
        origin_parse(typed)


def test_framing_is_never_opened_to_a_wildcard():
    response = framing_allow(HttpResponse(), ["*"])

    assert not hasattr(response, "_csp_config")
    assert not getattr(response, "xframe_options_exempt", False)


def test_the_htmx_rows_of_the_embed_view_link_inside_it(client, pds, embedding):
    _open_share(pds)
    client.get(f"/e/{SHARE}/", secure=True)
    add_list(pds, [file_json("d9", "More", folder=True)])

    rows = client.get(f"/e/{SHARE}/?marker=m1", secure=True, headers={"HX-Request": "true"})

    assert rows.status_code == 200
    assert f'href="/e/{SHARE}/folder/d9/"' in rows.content.decode()
    assert _frame_ancestors(rows) == f"'self' {HOST}"


def test_a_search_inside_the_embed_view_links_inside_it(client, pds, embedding):
    from responses import matchers

    from .stubs import TOKEN, url

    _open_share(pds)
    landing = client.get(f"/e/{SHARE}/", secure=True).content.decode()
    found = file_json("f1", "beach.txt", parent="d1") | {
        "parent_path": [{"file_id": "d1", "name": "Photos"}]
    }
    pds.post(
        url("file/search"),
        json={"items": [found], "next_marker": "n2"},
        match=[matchers.header_matcher({"x-share-token": TOKEN})],
    )

    response = client.get(f"/e/{SHARE}/search/", {"q": "beach"}, secure=True)

    page = response.content.decode()
    assert f'action="/e/{SHARE}/search/"' in landing
    assert response.status_code == 200
    assert _frame_ancestors(response) == f"'self' {HOST}"
    assert f'href="/e/{SHARE}/folder/d1/" class="place"' in page
    assert f'href="/e/{SHARE}/download/f1/"' in page
    assert f"/e/{SHARE}/search/?q=beach&amp;marker=n2" in page
    assert "/s/" + SHARE + "/folder" not in page


def test_a_download_inside_the_embed_view_goes_to_the_signed_url(client, pds, embedding):
    from .stubs import DATA, url

    _open_share(pds)
    client.get(f"/e/{SHARE}/", secure=True)
    signed = f"{DATA}/data/f1/download?sig=abc"
    pds.post(url("file/get_download_url"), json={"url": signed, "size": 5})

    response = client.get(f"/e/{SHARE}/download/f1/", secure=True)

    assert response.status_code == 302
    assert response["Location"] == signed
    assert _frame_ancestors(response) == f"'self' {HOST}"


def test_a_code_share_asks_for_its_code_inside_the_frame_and_opens_there(client, pds, embedding):
    add_share(pds, SHARE, has_pwd=True, share_policy="msg")
    pds.post(
        url("share_link/get_share_id"),
        json={"share_id": SHARE, "share_pwd": "pw"},
        match=[matchers.json_params_matcher({"share_msg": "the-code"})],
    )
    add_token(pds, SHARE, "pw")
    landing = client.get(f"/e/{SHARE}/", secure=True)

    response = client.post(f"/e/{SHARE}/", {"code": "the-code"}, secure=True)

    page = landing.content.decode()
    assert f'action="/e/{SHARE}/"' in page and 'name="code"' in page
    assert 'name="password"' not in page
    assert "embed-cookies-blocked" in page
    assert _frame_ancestors(landing) == f"'self' {HOST}"
    assert response.status_code == 303
    assert response["Location"] == f"/e/{SHARE}/"
    assert django_settings.EMBED_SESSION_COOKIE_NAME in response.cookies
