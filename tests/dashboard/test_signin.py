"""Owner sign-in: the portal as a confidential OAuth client with PKCE (docs/pds-api.md#oauth)."""

import base64
import hashlib
import json
from importlib import import_module
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client

from shareportal.accounts import session as auth
from shareportal.dashboard.auth import OWNER_KEY

from .conftest import sign_in
from .stubs import (
    ACCESS,
    AUTHORIZE,
    CLIENT_SECRET,
    REDIRECT_URI,
    REFRESH,
    add_error,
    calls_to,
    form_of,
    query_of,
    tokens_json,
    url,
    user_json,
)

pytestmark = pytest.mark.django_db


def empty_list(pds):
    pds.post(url("share_link/list"), json={"items": [], "next_marker": ""})


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_a_signed_out_owner_is_sent_to_sign_in_and_back(client):
    response = client.get("/dashboard/?q=photos")

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/signin/?next=" + quote("/dashboard/?q=photos", "")


def test_sign_in_sends_the_owner_to_the_drive_with_state_and_a_pkce_s256_challenge(client):
    response = client.get("/dashboard/signin/")

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(AUTHORIZE + "?")
    query = query_of(location)
    assert query["client_id"] == "shareportal"
    assert query["redirect_uri"] == REDIRECT_URI
    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256"
    assert query["login_type"] == "default"
    assert query["scope"] == "all"
    assert len(query["state"]) >= 32
    assert len(query["code_challenge"]) == 43  # base64url of a SHA-256, unpadded
    assert "code_verifier" not in query
    assert response["Cache-Control"] == "no-store, private"


def test_each_sign_in_gets_its_own_state_and_challenge(client):
    first = query_of(client.get("/dashboard/signin/")["Location"])
    second = query_of(client.get("/dashboard/signin/")["Location"])

    assert first["state"] != second["state"]
    assert first["code_challenge"] != second["code_challenge"]


def test_the_round_trip_exchanges_the_code_with_the_verifier_and_keeps_tokens_server_side(
    client, pds
):
    start = client.get("/dashboard/signin/?next=/dashboard/shares/new/")
    query = query_of(start["Location"])
    cookie_before = client.cookies["web_sessionid"].value
    pds.post(url("oauth/token"), json=tokens_json())
    pds.post(url("user/get"), json=user_json())

    response = client.get(
        "/dashboard/oauth/callback/", {"state": query["state"], "code": "the-code"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/shares/new/"
    form = form_of(calls_to(pds, "oauth/token")[0])
    assert form["grant_type"] == "authorization_code"
    assert form["code"] == "the-code"
    assert form["redirect_uri"] == REDIRECT_URI
    assert form["client_id"] == "shareportal"
    assert form["client_secret"] == CLIENT_SECRET
    assert s256(form["code_verifier"]) == query["code_challenge"]
    assert calls_to(pds, "user/get")[0].request.headers["Authorization"] == f"Bearer {ACCESS}"
    # A new session key, and no token in any cookie or in the redirect.
    cookie_after = client.cookies["web_sessionid"].value
    assert cookie_after != cookie_before
    for cookie in client.cookies.values():
        assert ACCESS not in cookie.value
        assert REFRESH not in cookie.value
    assert ACCESS not in response["Location"]


def test_a_signed_in_owner_sees_their_name_and_never_their_tokens(client, pds):
    sign_in(client, pds)
    empty_list(pds)

    response = client.get("/dashboard/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Alice" in page
    assert ACCESS not in page
    assert REFRESH not in page
    assert calls_to(pds, "share_link/list")[0].request.headers["Authorization"] == (
        f"Bearer {ACCESS}"
    )


def test_the_drive_id_comes_from_the_drive_when_the_token_and_user_do_not_say(client, pds):
    state = query_of(client.get("/dashboard/signin/")["Location"])["state"]
    pds.post(url("oauth/token"), json=tokens_json(default_drive_id=""))
    pds.post(url("user/get"), json=user_json(default_drive_id=""))
    pds.post(url("drive/list_my_drives"), json={"items": [{"drive_id": "42"}], "next_marker": ""})
    pds.post(url("file/list"), json={"items": [], "next_marker": ""})

    client.get("/dashboard/oauth/callback/", {"state": state, "code": "c"})
    client.get("/dashboard/shares/new/")

    assert json.loads(calls_to(pds, "file/list")[0].request.body)["drive_id"] == "42"


@pytest.mark.parametrize("state", ["", "not-the-state"])
def test_a_missing_or_wrong_state_is_refused_and_nothing_is_stored(client, pds, state):
    client.get("/dashboard/signin/")

    response = client.get("/dashboard/oauth/callback/", {"state": state, "code": "c"})

    assert response.status_code == 400
    assert "could not be checked" in response.content.decode()
    assert len(pds.calls) == 0  # the code was not exchanged
    assert client.get("/dashboard/")["Location"].startswith("/dashboard/signin/")


def test_a_state_cannot_be_used_twice(client, pds):
    sign_in(client, pds)
    client.post("/dashboard/signout/")
    start = client.get("/dashboard/signin/")
    state = query_of(start["Location"])["state"]
    pds.post(url("oauth/token"), json=tokens_json())
    pds.post(url("user/get"), json=user_json())
    client.get("/dashboard/oauth/callback/", {"state": state, "code": "c"})
    pds.calls.reset()

    replay = client.get("/dashboard/oauth/callback/", {"state": state, "code": "c"})

    assert replay.status_code == 400
    assert len(pds.calls) == 0


def test_a_declined_consent_gets_a_friendly_page(client, pds):
    state = query_of(client.get("/dashboard/signin/")["Location"])["state"]

    response = client.get("/dashboard/oauth/callback/", {"state": state, "error": "access_denied"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "You did not allow shareportal in" in page
    assert 'href="/dashboard/signin/"' in page
    assert len(pds.calls) == 0


def test_other_authorization_errors_are_named_but_not_echoed_blindly(client, pds):
    state = query_of(client.get("/dashboard/signin/")["Location"])["state"]

    response = client.get(
        "/dashboard/oauth/callback/", {"state": state, "error": "<script>x</script>"}
    )

    assert response.status_code == 400
    assert "<script>x" not in response.content.decode()


def test_a_refused_code_asks_the_owner_to_sign_in_again(client, pds):
    state = query_of(client.get("/dashboard/signin/")["Location"])["state"]
    pds.post(
        url("oauth/token"),
        status=400,
        json={"error": "invalid_grant", "error_description": "code already used"},
    )

    response = client.get("/dashboard/oauth/callback/", {"state": state, "code": "c"})

    assert response.status_code == 400
    assert "This sign-in has expired" in response.content.decode()
    assert client.get("/dashboard/")["Location"].startswith("/dashboard/signin/")


def test_an_unreachable_drive_during_sign_in_is_a_502_page(client, pds):
    state = query_of(client.get("/dashboard/signin/")["Location"])["state"]
    pds.post(url("oauth/token"), status=500, json={"code": "InternalError"})

    response = client.get("/dashboard/oauth/callback/", {"state": state, "code": "c0de-once"})

    assert response.status_code == 502
    page = response.content.decode()
    assert "cannot be reached" in page
    # The way on is a new sign-in: the code works once and is never put in a link.
    assert 'href="/dashboard/signin/">Sign in again</a>' in page
    assert "c0de-once" not in page


@pytest.mark.parametrize(
    "next_url",
    [
        "//evil.example",
        "https:evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "https://evil.example/dashboard/",
        "http://testserver/dashboard/",
        "/\t/evil.example",
        "evil.example",
    ],
)
def test_next_never_leads_off_the_site(client, pds, next_url):
    response = sign_in(client, pds, next_url=quote(next_url, safe=""))

    assert response["Location"] == "/dashboard/"


def test_next_leads_to_a_page_of_the_site(client, pds):
    response = sign_in(client, pds, next_url=quote("/dashboard/?q=a b", safe=""))

    assert response["Location"] == "/dashboard/?q=a%20b"


def test_the_access_token_is_refreshed_shortly_before_it_expires(client, pds):
    sign_in(client, pds, expires_in=120)
    pds.post(url("oauth/token"), json=tokens_json(access="access-2", refresh="refresh-2"))
    empty_list(pds)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    form = form_of(calls_to(pds, "oauth/token")[0])
    assert form["grant_type"] == "refresh_token"
    assert form["refresh_token"] == REFRESH
    assert form["client_secret"] == CLIENT_SECRET
    listing = calls_to(pds, "share_link/list")[0]
    assert listing.request.headers["Authorization"] == "Bearer access-2"


def test_a_refused_access_token_is_refreshed_once_and_the_call_made_again(client, pds):
    sign_in(client, pds)
    add_error(pds, "share_link/list", 401, "AccessTokenInvalid")
    empty_list(pds)
    pds.post(url("oauth/token"), json=tokens_json(access="access-2", refresh="refresh-2"))

    response = client.get("/dashboard/")

    assert response.status_code == 200
    assert len(calls_to(pds, "oauth/token")) == 1
    listings = calls_to(pds, "share_link/list")
    assert [c.request.headers["Authorization"] for c in listings] == [
        f"Bearer {ACCESS}",
        "Bearer access-2",
    ]
    # The rotated refresh token is the one used next time.
    add_error(pds, "share_link/list", 401, "AccessTokenInvalid")
    pds.post(url("oauth/token"), json=tokens_json(access="access-3", refresh="refresh-3"))
    empty_list(pds)
    pds.calls.reset()
    client.get("/dashboard/")
    assert form_of(calls_to(pds, "oauth/token")[0])["refresh_token"] == "refresh-2"


def test_a_refused_refresh_signs_the_owner_out_with_a_message(client, pds):
    sign_in(client, pds)
    add_error(pds, "share_link/search", 401, "AccessTokenInvalid")
    pds.post(url("oauth/token"), status=400, json={"error": "invalid_grant"})

    response = client.get("/dashboard/?q=x")

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/signin/?next=" + quote("/dashboard/?q=x", "")
    assert client.get("/dashboard/")["Location"].startswith("/dashboard/signin/")
    assert "Your sign-in has expired" in client.get("/").content.decode()


def test_an_htmx_request_of_a_signed_out_owner_reloads_the_whole_page_to_sign_in(client):
    response = client.get(
        "/dashboard/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/dashboard/?q=a"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/dashboard/signin/?next=" + quote("/dashboard/?q=a", "")


def test_sign_out_forgets_the_owner(client, pds):
    sign_in(client, pds)

    response = client.post("/dashboard/signout/")

    assert response.status_code == 302
    assert client.get("/dashboard/")["Location"].startswith("/dashboard/signin/")


@pytest.mark.parametrize(
    ("wanted", "lands"),
    [
        ("", "/"),
        ("/s/aBcDeFgHiJk/?view=grid", "/s/aBcDeFgHiJk/?view=grid"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_sign_out_goes_back_to_a_page_of_this_site_only(client, pds, wanted, lands):
    sign_in(client, pds)

    response = client.post("/dashboard/signout/", {"next": wanted})

    assert response.status_code == 302
    assert response["Location"] == lands


def test_sign_out_is_a_post_with_a_csrf_token(pds):
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, pds)

    assert browser.get("/dashboard/signout/").status_code == 405
    assert browser.post("/dashboard/signout/").status_code == 403
    empty_list(pds)
    assert browser.get("/dashboard/").status_code == 200  # still signed in


def test_a_refresh_lost_to_a_parallel_request_uses_the_tokens_that_request_saved(client, pds):
    sign_in(client, pds)
    add_error(pds, "share_link/list", 401, "AccessTokenInvalid")

    def refresh_refused_after_another_request_won(request):
        # Meanwhile, another request of the same owner refreshed and saved its new tokens.
        engine = import_module(settings.SESSION_ENGINE)
        store = engine.SessionStore(client.cookies["web_sessionid"].value)
        record = store[OWNER_KEY] | {"access_token": "access-won", "refresh_token": "refresh-won"}
        store[OWNER_KEY] = record
        store.save()
        return (400, {}, '{"error": "invalid_grant"}')

    pds.add_callback("POST", url("oauth/token"), callback=refresh_refused_after_another_request_won)
    empty_list(pds)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    listings = calls_to(pds, "share_link/list")
    assert listings[-1].request.headers["Authorization"] == "Bearer access-won"


def test_a_refresh_shows_its_new_tokens_to_parallel_requests_at_once(client, pds):
    sign_in(client, pds, expires_in=120)
    pds.post(url("oauth/token"), json=tokens_json(access="access-2", refresh="refresh-2"))
    seen = {}

    def listing_while_another_request_of_the_owner_starts(request):
        # A second request of the same owner, starting now, reads the session store.
        engine = import_module(settings.SESSION_ENGINE)
        store = engine.SessionStore(client.cookies["web_sessionid"].value)
        seen["refresh_token"] = store[OWNER_KEY]["refresh_token"]
        return (200, {}, '{"items": [], "next_marker": ""}')

    pds.add_callback(
        "POST", url("share_link/list"), callback=listing_while_another_request_of_the_owner_starts
    )

    assert client.get("/dashboard/").status_code == 200
    # Not the rotated-away token, which PDS would refuse it, signing the owner out.
    assert seen["refresh_token"] == "refresh-2"


def test_a_refresh_refused_before_the_winning_request_saved_waits_for_its_tokens(
    client, pds, monkeypatch
):
    sign_in(client, pds, expires_in=120)
    pds.post(url("oauth/token"), status=400, json={"error": "invalid_grant"})
    empty_list(pds)

    def the_winning_request_saves_meanwhile(seconds):
        # The request that rotated the refresh token a moment ago saves its tokens only now.
        engine = import_module(settings.SESSION_ENGINE)
        store = engine.SessionStore(client.cookies["web_sessionid"].value)
        record = store[OWNER_KEY] | {"access_token": "access-won", "refresh_token": "refresh-won"}
        store[OWNER_KEY] = record
        store.save()

    monkeypatch.setattr(auth, "pause", the_winning_request_saves_meanwhile)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    listing = calls_to(pds, "share_link/list")[-1]
    assert listing.request.headers["Authorization"] == "Bearer access-won"


def test_a_refused_refresh_with_no_parallel_winner_gives_up_after_a_short_wait(
    client, pds, monkeypatch
):
    sign_in(client, pds, expires_in=120)
    pds.post(url("oauth/token"), status=400, json={"error": "invalid_grant"})
    waited = []
    monkeypatch.setattr(auth, "pause", waited.append)

    response = client.get("/dashboard/")

    assert response["Location"].startswith("/dashboard/signin/")
    assert 0 < sum(waited) <= 5


def test_signing_in_gives_a_new_csrf_secret(client, pds):
    # The CSRF cookie the browser had before signing in (its own, or one planted in it).
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    before = client.cookies[settings.CSRF_COOKIE_NAME].value

    done = sign_in(client, pds)

    assert settings.CSRF_COOKIE_NAME in done.cookies
    assert client.cookies[settings.CSRF_COOKIE_NAME].value != before
