"""Signed-in shares (`require_login`) and "Save to my drive", against a stubbed drive."""

import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core import signing
from responses import matchers

from shareportal.shares.embedding import embed_sites_set

from .stubs import TOKEN, add_error, add_list, add_share, add_token, calls_to, file_json, url

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"
OTHER = "bBvciMEXKRz"
ACCESS = "access-SECRET-a1b2c3"
LOGIN_TOKEN = "login-share-token-SECRET-77"
AUTHORIZE = "http://pds.test/v2/oauth/authorize"
FOLDER = "f" * 40
FILE = "e" * 40
TARGET = "d" * 40


@pytest.fixture(autouse=True)
def _oauth_settings(settings):
    settings.PDS_AUTH_ENDPOINT = "http://pds.test"
    settings.PDS_OAUTH_AUTHORIZE_URL = AUTHORIZE
    settings.PDS_OAUTH_REDIRECT_URI = "http://testserver/dashboard/oauth/callback/"
    settings.PDS_OAUTH_CLIENT_ID = "shareportal"
    settings.PDS_OAUTH_CLIENT_SECRET = "client-SECRET"


def sign_in(client, pds, *, next_url: str = f"/s/{SHARE}/"):
    """Sign in from the share's page through the real flow; returns the callback's answer."""
    start = client.get(f"/s/{SHARE}/signin/", {"next": next_url})
    assert start.status_code == 302
    assert start["Location"].startswith(AUTHORIZE)
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    pds.post(
        url("oauth/token"),
        json={
            "access_token": ACCESS,
            "refresh_token": "refresh-SECRET",
            "token_type": "Bearer",
            "expires_in": 7200,
            "user_id": "u-bob",
            "default_drive_id": "7",
        },
    )
    pds.post(url("user/get"), json={"user_id": "u-bob", "user_name": "bob", "nick_name": "Bob"})
    done = client.get("/dashboard/oauth/callback/", {"state": state, "code": "code-1"})
    pds.calls.reset()
    return done


def bearer(call) -> str:
    return call.request.headers.get("Authorization", "")


def add_login_token(pds, share_id=SHARE):
    pds.post(
        url("share_link/get_share_token"),
        json={"share_token": LOGIN_TOKEN, "expires_in": 7200},
        match=[matchers.header_matcher({"Authorization": f"Bearer {ACCESS}"})],
    )


# Signed-in shares


def test_a_signed_out_visitor_sees_the_facts_and_sign_in_to_open(client, pds):
    add_share(pds, SHARE, require_login=True, share_name="Team handbook")

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Team handbook" in page and "al***ce" in page
    assert "only for people signed in to the drive" in page
    signin = f"/s/{SHARE}/signin/?{urlencode({'next': f'/s/{SHARE}/'})}"
    assert f'href="{signin.replace("&", "&amp;")}"' in page
    assert "Sign in to open" in page
    assert not calls_to(pds, "share_link/get_share_token")


def test_signing_in_comes_back_to_the_same_share_page_and_reads_with_both_tokens(client, pds):
    done = sign_in(client, pds, next_url=f"/s/{SHARE}/folder/{FOLDER}/")
    assert done.status_code == 302
    assert done["Location"] == f"/s/{SHARE}/folder/{FOLDER}/"

    add_share(pds, SHARE, require_login=True)
    add_login_token(pds)
    add_list(pds, [file_json(FILE, "welcome.md")], token=LOGIN_TOKEN)
    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 200, response.content
    assert "welcome.md" in response.content.decode()
    (listing,) = calls_to(pds, "file/list")
    assert bearer(listing) == f"Bearer {ACCESS}"
    assert listing.request.headers["x-share-token"] == LOGIN_TOKEN
    assert ACCESS not in response.content.decode() and LOGIN_TOKEN not in response.content.decode()
    # The visitor's token is theirs alone: kept in the session, asked for once.
    add_list(pds, [file_json(FILE, "welcome.md")], token=LOGIN_TOKEN)
    assert client.get(f"/s/{SHARE}/").status_code == 200
    assert len(calls_to(pds, "share_link/get_share_token")) == 1


@pytest.mark.parametrize(
    "wanted",
    [
        "https://evil.example/",
        "//evil.example/",
        f"/s/{OTHER}/",
        f"/s/{SHARE}/../../dashboard/",
        f"/s/{SHARE}/%2e%2e/x",
        "/dashboard/",
    ],
)
def test_the_way_back_is_a_page_of_the_same_share_only(client, pds, wanted):
    done = sign_in(client, pds, next_url=wanted)
    assert done["Location"] == f"/s/{SHARE}/"


def test_an_owner_signed_in_to_the_dashboard_is_signed_in_here(client, pds):
    sign_in(client, pds)
    again = client.get(f"/s/{SHARE}/signin/", {"next": f"/s/{SHARE}/folder/{FOLDER}/"})
    assert again.status_code == 302
    assert again["Location"] == f"/s/{SHARE}/folder/{FOLDER}/"
    # And the dashboard knows them.
    assert "dashboard_owner" in client.session


def test_a_sign_in_the_drive_no_longer_renews_offers_signing_in_again(client, pds):
    sign_in(client, pds)
    add_share(pds, SHARE, require_login=True)
    add_error(pds, "share_link/get_share_token", 401, "AccessTokenInvalid")
    add_error(pds, "oauth/token", 400, "invalid_grant")

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 302 and response["Location"] == f"/s/{SHARE}/"
    assert "dashboard_owner" not in client.session
    again = client.get(f"/s/{SHARE}/")
    assert again.status_code == 200 and "Sign in to open" in again.content.decode()


def test_a_signed_in_visitor_sees_who_they_are_and_signs_out_back_to_the_same_page(client, pds):
    sign_in(client, pds)
    add_share(pds, SHARE, require_login=True)
    add_login_token(pds)
    add_list(pds, [file_json(FILE, "welcome.md")], token=LOGIN_TOKEN)
    here = f"/s/{SHARE}/?sort=size&dir=desc"

    page = client.get(here).content.decode()

    form = page.split('class="site-header__account"')[1].split("</form>")[0]
    assert 'action="/dashboard/signout/"' in page.split('class="site-header__account"')[0][-80:]
    assert f'name="next" value="/s/{SHARE}/?sort=size&amp;dir=desc"' in form
    assert "<bdi>Bob</bdi>" in form and "Sign out" in form
    assert 'name="csrfmiddlewaretoken"' in form

    out = client.post("/dashboard/signout/", {"next": here})

    assert out.status_code == 302 and out["Location"] == here
    assert "dashboard_owner" not in client.session
    add_share(pds, SHARE, require_login=True)
    again = client.get(here).content.decode()
    assert "Sign in to open" in again and "You are signed out." in again
    assert 'class="site-header__account"' not in again


def test_a_visitor_who_never_signed_in_gets_no_account_bar_and_no_session(client, pds):
    add_share(pds, SHARE)
    add_list(pds, [file_json(FILE, "welcome.md")])
    add_token(pds, SHARE)

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 200
    assert "welcome.md" in response.content.decode()
    assert 'class="site-header__account"' not in response.content.decode()
    assert not response.cookies


def test_the_embed_view_opens_sign_in_in_a_new_tab(client, pds, settings):
    settings.EMBED_ALLOWED_ORIGINS = ["https://blog.example"]
    embed_sites_set(share_id=SHARE, origins=["https://blog.example"], by="u1")
    add_share(pds, SHARE, require_login=True)

    response = client.get(f"/e/{SHARE}/", secure=True)

    assert response.status_code == 200, response.content
    page = response.content.decode()
    signin = f"/s/{SHARE}/signin/?{urlencode({'next': f'/s/{SHARE}/'})}"
    assert f'href="{signin.replace("&", "&amp;")}" target="_blank" rel="noopener"' in page
    assert "opens in a new tab" in page


# Save to my drive


def _save_url(**picks) -> str:
    query = urlencode(
        [("pick_folder", f) for f in picks.get("folders", [])]
        + [("pick_file", f) for f in picks.get("files", [])],
    )
    return f"/s/{SHARE}/save/?{query}"


def test_the_listing_offers_save_to_my_drive(client, pds):
    add_share(pds, SHARE)
    pds.post(url("share_link/get_share_token"), json={"share_token": TOKEN, "expires_in": 7200})
    add_list(pds, [file_json(FILE, "a.txt")])
    page = client.get(f"/s/{SHARE}/").content.decode()
    assert f'formaction="/s/{SHARE}/save/"' in page and "Save to my drive" in page


def test_a_share_without_saving_offers_none_and_refuses_it(client, pds):
    add_share(pds, SHARE, disable_save=True)
    pds.post(url("share_link/get_share_token"), json={"share_token": TOKEN, "expires_in": 7200})
    add_list(pds, [file_json(FILE, "a.txt")])
    assert "Save to my drive" not in client.get(f"/s/{SHARE}/").content.decode()
    refused = client.get(_save_url(files=[FILE]))
    assert refused.status_code == 403
    assert "Saving is disabled" in refused.content.decode()


def test_a_signed_out_visitor_signs_in_first_and_comes_back_to_the_picker(client, pds):
    add_share(pds, SHARE)
    response = client.get(_save_url(files=[FILE]))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == f"/s/{SHARE}/signin/"
    assert parse_qs(location.query)["next"] == [_save_url(files=[FILE])]


def test_nothing_picked_is_a_400(client, pds):
    add_share(pds, SHARE)
    response = client.get(f"/s/{SHARE}/save/?pick_file=../etc")
    assert response.status_code == 400
    assert "Nothing to save" in response.content.decode()


def test_the_picker_shows_the_visitors_own_folders(client, pds):
    sign_in(client, pds)
    add_share(pds, SHARE)
    pds.post(
        url("file/list"),
        json={
            "items": [
                file_json(TARGET, "Inbox <b>", parent="root", folder=True),
                file_json(FILE, "loose.txt", parent="root"),
            ],
            "next_marker": "",
        },
        match=[
            matchers.header_matcher({"Authorization": f"Bearer {ACCESS}"}),
            matchers.json_params_matcher(
                {"drive_id": "7", "parent_file_id": "root"}, strict_match=False
            ),
        ],
    )

    response = client.get(_save_url(folders=[FOLDER], files=[FILE]))

    assert response.status_code == 200, response.content
    page = response.content.decode()
    assert "Inbox &lt;b&gt;" in page and "loose.txt" not in page
    assert f'name="browse" value="{TARGET}"' in page
    assert "2 items chosen" in page
    assert "Save into My drive" in page


def test_saving_copies_each_item_with_both_tokens_and_shows_where(client, pds):
    sign_in(client, pds)
    add_share(pds, SHARE)
    pds.post(url("share_link/get_share_token"), json={"share_token": TOKEN, "expires_in": 7200})
    pds.post(
        url("file/copy"),
        status=202,
        json={"async_task_id": "task-1", "file_id": "c" * 40, "drive_id": "7"},
        match=[matchers.json_params_matcher({"file_id": FOLDER}, strict_match=False)],
    )
    pds.post(
        url("file/copy"),
        status=201,
        json={"file_id": "b" * 40, "drive_id": "7", "async_task_id": "", "name": "a.txt"},
        match=[matchers.json_params_matcher({"file_id": FILE}, strict_match=False)],
    )
    running = {"async_task_id": "task-1", "state": "Running", "total_process": 0}
    done = {"async_task_id": "task-1", "state": "Succeed", "total_process": 5}
    pds.post(url("async_task/get"), json=running)

    response = client.post(
        f"/s/{SHARE}/save/",
        {"pick_folder": [FOLDER], "pick_file": [FILE], "trail": [f"{TARGET}/Inbox <b>"]},
    )

    assert response.status_code == 303, response.content
    copies = calls_to(pds, "file/copy")
    assert len(copies) == 2
    for call in copies:
        body = json.loads(call.request.body)
        assert body["share_id"] == SHARE and "drive_id" not in body
        assert body["to_drive_id"] == "7" and body["to_parent_file_id"] == TARGET
        assert body["auto_rename"] is True
        assert bearer(call) == f"Bearer {ACCESS}" and call.request.headers["x-share-token"] == TOKEN
    progress = client.get(response["Location"])
    assert progress.status_code == 200
    assert "copying the folders" in progress.content.decode()
    assert "task-1" not in response["Location"]
    pds.replace(pds.POST, url("async_task/get"), json=done)
    finished = client.get(response["Location"]).content.decode()
    assert "Saved 2 items to <bdi>Inbox &lt;b&gt;</bdi> in your drive." in finished
    task_call = calls_to(pds, "async_task/get")[-1]
    assert bearer(task_call) == f"Bearer {ACCESS}"


@pytest.mark.parametrize(
    ("code", "status", "says"),
    [
        ("ShareLink.SaveLimitExceeded", 403, "limit"),
        ("ShareLink.SaveDisabled", 403, "Saving is disabled"),
        ("ForbiddenNoPermission", 403, "You may not open this"),
    ],
)
def test_a_refused_save_says_why(client, pds, code, status, says):
    sign_in(client, pds)
    add_share(pds, SHARE)
    pds.post(url("share_link/get_share_token"), json={"share_token": TOKEN, "expires_in": 7200})
    add_error(pds, "file/copy", status, code)

    response = client.post(f"/s/{SHARE}/save/", {"pick_file": [FILE]})

    assert response.status_code == status
    assert says in response.content.decode()
    assert len(calls_to(pds, "file/copy")) == 1  # a write: never retried


def test_a_save_reference_of_another_share_or_visitor_is_not_found(client, pds):
    sign_in(client, pds)
    add_share(pds, SHARE)
    forged = signing.dumps(
        {"s": OTHER, "u": "u-bob", "t": [], "n": "", "i": 1}, salt="shareportal.shares.saving"
    )
    assert client.get(f"/s/{SHARE}/save/{forged}/").status_code == 404
    someone_else = signing.dumps(
        {"s": SHARE, "u": "u-eve", "t": [], "n": "", "i": 1}, salt="shareportal.shares.saving"
    )
    assert client.get(f"/s/{SHARE}/save/{someone_else}/").status_code == 404
    assert client.get(f"/s/{SHARE}/save/not-signed/").status_code == 404
