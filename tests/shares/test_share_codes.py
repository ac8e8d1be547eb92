"""Share codes (`share_policy: msg`): the home page's and /open/'s form, and a `msg` share's page.

A code is turned into its share and password by the drive (`share_link/get_share_id`); the
password goes into `get_share_token` server-side, and only the share's address reaches the
browser. Codes are throttled like passwords, before the drive is asked.
"""

import os
import secrets
from datetime import UTC, datetime

import pytest
import redis
import time_machine
from django.test import Client
from responses import matchers

from .stubs import (
    TOKEN,
    add_list,
    add_share,
    add_token,
    calls_to,
    error_json,
    file_json,
    url,
)

pytestmark = pytest.mark.django_db

SHARE = "mSgShare123"
OTHER = "oThErShare1"
CODE = "coast-2025-demo"
PASSWORD = "msg-pwd-SECRET-77"
START = datetime(2031, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def add_code(rsps, code: str = CODE, share_id: str = SHARE, password: str = PASSWORD) -> None:
    """The drive knows `code` as the code of `share_id`, with its password."""
    rsps.post(
        url("share_link/get_share_id"),
        json={"share_id": share_id, "share_pwd": password},
        match=[matchers.json_params_matcher({"share_msg": code})],
    )


def add_unknown_code(rsps) -> None:
    rsps.post(
        url("share_link/get_share_id"),
        status=404,
        json=error_json("NotFound.ShareLink", "The resource share_link cannot be found."),
    )


def add_msg_share(rsps, share_id: str = SHARE, **fields) -> None:
    add_share(rsps, share_id, has_pwd=True, share_policy="msg", **fields)


def assert_no_secret(response, *secrets: str) -> None:
    """None of `secrets` is in the page, a header (Location included) or a cookie."""
    for secret in secrets:
        assert secret not in response.content.decode()
        assert all(secret not in value for value in response.headers.values())
        assert all(secret not in morsel.value for morsel in response.cookies.values())


# The home page and /open/


def test_the_home_page_has_the_code_form_and_sets_no_cookie(client):
    response = client.get("/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Have a share code?" in page
    assert 'action="/open/"' in page
    assert 'name="code"' in page
    assert not response.cookies


def test_open_shows_the_code_form(client):
    response = client.get("/open/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="code"' in page
    assert 'name="password"' not in page


def test_a_right_code_opens_its_share_with_its_password_applied_server_side(client, pds):
    add_code(pds)
    add_token(pds, SHARE, PASSWORD)

    response = client.post("/open/", {"code": CODE})

    assert response.status_code == 303
    assert response["Location"] == f"/s/{SHARE}/"
    # The stub answers get_share_token only with the password the drive gave for the code.
    assert len(calls_to(pds, "share_link/get_share_token")) == 1
    assert client.session["share_tokens"][SHARE]["token"] == TOKEN
    assert_no_secret(response, PASSWORD, TOKEN)


def test_then_the_share_lists_its_files_and_neither_password_nor_token_is_shown(client, pds):
    add_code(pds)
    add_token(pds, SHARE, PASSWORD)
    add_msg_share(pds)
    add_list(pds, [file_json("f1", "message.txt")])

    opened = client.post("/open/", {"code": "  " + CODE + " "})  # spaces around are not the code
    page = client.get(opened["Location"])

    assert page.status_code == 200
    assert "message.txt" in page.content.decode()
    for response in (opened, page):
        assert_no_secret(response, PASSWORD, TOKEN)
    assert all(PASSWORD not in m.value and TOKEN not in m.value for m in client.cookies.values())


def test_a_code_of_a_share_for_signed_in_people_sends_a_signed_out_visitor_to_its_page(client, pds):
    add_code(pds)
    pds.post(
        url("share_link/get_share_token"),
        status=401,
        json=error_json("AccessTokenInvalid", "This share requires sign-in."),
    )

    response = client.post("/open/", {"code": CODE})

    assert response.status_code == 303
    assert response["Location"] == f"/s/{SHARE}/"
    assert_no_secret(response, PASSWORD)
    assert "share_tokens" not in client.session
    add_msg_share(pds, require_login=True)
    landing = client.get(response["Location"]).content.decode()
    assert "Sign in to open" in landing
    assert "Sign in, then enter its code again." in landing


def test_the_code_goes_to_the_drive_with_the_visitors_address(pds, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    add_code(pds)
    add_token(pds, SHARE, PASSWORD)
    visitor = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50")

    assert visitor.post("/open/", {"code": CODE}).status_code == 303

    [code_call] = calls_to(pds, "share_link/get_share_id")
    assert code_call.request.headers["X-Forwarded-For"] == "203.0.113.50"


def test_an_unknown_code_is_a_404_that_says_so_without_echoing_it(client, pds):
    add_unknown_code(pds)

    response = client.post("/open/", {"code": "coast-2025-dem0"})

    assert response.status_code == 404
    page = response.content.decode()
    assert "No share has this code" in page
    assert 'aria-invalid="true"' in page
    assert "coast-2025-dem0" not in page
    assert calls_to(pds, "share_link/get_share_token") == []
    assert "share_tokens" not in client.session


@pytest.mark.parametrize("code", ["", "   ", "x" * 129, "tab\tin"])
def test_a_malformed_code_is_a_400_and_the_drive_is_not_asked(client, pds, code):
    response = client.post("/open/", {"code": code})

    assert response.status_code == 400
    assert 'name="code"' in response.content.decode()
    assert len(pds.calls) == 0


def test_a_code_of_a_share_that_has_expired_says_so(client, pds):
    pds.post(url("share_link/get_share_id"), status=400, json=error_json("ShareLink.Expired"))

    response = client.post("/open/", {"code": CODE})

    assert response.status_code == 410
    assert "This share has expired" in response.content.decode()


def test_a_post_from_another_site_is_refused_without_asking_the_drive(client, pds):
    response = client.post("/open/", {"code": CODE}, headers={"Origin": "https://evil.example"})

    assert response.status_code == 403
    assert len(pds.calls) == 0


def test_the_eleventh_wrong_code_is_refused_with_429_without_asking_the_drive(client, pds):
    add_unknown_code(pds)
    for n in range(10):
        assert client.post("/open/", {"code": f"guess-{n}"}).status_code == 404

    response = client.post("/open/", {"code": CODE})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many wrong share codes" in response.content.decode()
    assert len(calls_to(pds, "share_link/get_share_id")) == 10


def test_another_address_is_not_held_up(pds):
    add_unknown_code(pds)
    guesser = Client(REMOTE_ADDR="203.0.113.1")
    for n in range(11):
        guesser.post("/open/", {"code": f"guess-{n}"})

    response = Client(REMOTE_ADDR="198.51.100.7").post("/open/", {"code": "guess"})

    assert response.status_code == 404


def test_the_wait_ends_with_the_window(client, pds, clock):
    add_unknown_code(pds)
    for n in range(11):
        client.post("/open/", {"code": f"guess-{n}"})
    wait = int(client.post("/open/", {"code": "guess"})["Retry-After"])

    clock.shift(wait)

    assert client.post("/open/", {"code": "guess"}).status_code == 404


def test_a_right_code_gives_its_attempt_back(client, pds):
    pds.post(
        url("share_link/get_share_id"),
        json={"share_id": SHARE, "share_pwd": PASSWORD},
        match=[matchers.json_params_matcher({"share_msg": CODE})],
    )
    add_unknown_code(pds)
    add_token(pds, SHARE, PASSWORD)
    for n in range(9):
        assert client.post("/open/", {"code": f"guess-{n}"}).status_code == 404
    assert client.post("/open/", {"code": CODE}).status_code == 303

    assert client.post("/open/", {"code": "guess-9"}).status_code == 404
    assert client.post("/open/", {"code": "guess-10"}).status_code == 429


def test_a_pause_from_the_drives_own_guard_is_a_429_too(client, pds):
    pds.post(
        url("share_link/get_share_id"),
        status=429,
        headers={"Retry-After": "90"},
        json=error_json("TooManyRequests", "Too many wrong share codes."),
    )

    response = client.post("/open/", {"code": CODE})

    assert response.status_code == 429
    assert response["Retry-After"] == "90"
    assert "Too many wrong share codes" in response.content.decode()


# A `msg` share's own page


def test_the_plain_link_of_a_msg_share_asks_for_its_code_not_its_password(client, pds):
    add_msg_share(pds)

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "opened with its share code" in page
    assert 'name="code"' in page
    assert 'name="password"' not in page
    assert f'action="/s/{SHARE}/"' in page
    assert calls_to(pds, "share_link/get_share_token") == []


def test_a_msg_share_without_a_password_asks_for_its_code_too(client, pds):
    add_share(pds, SHARE, has_pwd=False, share_policy="msg")

    landing = client.get(f"/s/{SHARE}/")
    folder = client.get(f"/s/{SHARE}/folder/d1/")

    assert 'name="code"' in landing.content.decode()
    # Its folders send the visitor to the code first; no token is got for everyone.
    assert folder.status_code == 302
    assert folder["Location"].startswith(f"/s/{SHARE}/?next=")
    assert calls_to(pds, "share_link/get_share_token") == []


def test_the_code_typed_on_the_share_page_unlocks_it(client, pds):
    add_code(pds)
    add_token(pds, SHARE, PASSWORD)
    add_msg_share(pds)
    add_list(pds, [file_json("f1", "message.txt")])

    unlocked = client.post(f"/s/{SHARE}/", {"code": CODE})
    page = client.get(f"/s/{SHARE}/")

    assert unlocked.status_code == 303
    assert unlocked["Location"] == f"/s/{SHARE}/"
    assert "message.txt" in page.content.decode()
    for response in (unlocked, page):
        assert_no_secret(response, PASSWORD, TOKEN)


def test_the_code_form_returns_to_the_page_that_asked_for_it(client, pds):
    add_code(pds)
    add_token(pds, SHARE, PASSWORD)
    folder = f"/s/{SHARE}/folder/f1/?sort=size&dir=desc"

    response = client.post(f"/s/{SHARE}/", {"code": CODE, "next": folder})

    assert response.status_code == 303
    assert response["Location"] == folder


def test_a_wrong_code_on_the_share_page_keeps_the_form_and_says_why(client, pds):
    add_unknown_code(pds)
    add_msg_share(pds)

    response = client.post(f"/s/{SHARE}/", {"code": "wrong-code"})

    assert response.status_code == 404
    page = response.content.decode()
    assert "That code is not right" in page
    assert 'name="code"' in page
    assert "wrong-code" not in page
    assert "share_tokens" not in client.session


def test_the_code_of_another_share_does_not_open_this_one(client, pds):
    add_code(pds, share_id=OTHER)
    add_msg_share(pds)

    response = client.post(f"/s/{SHARE}/", {"code": CODE})

    assert response.status_code == 400
    assert "opens another share" in response.content.decode()
    assert calls_to(pds, "share_link/get_share_token") == []
    assert "share_tokens" not in client.session


def test_wrong_codes_on_a_share_page_are_throttled_too(client, pds):
    add_unknown_code(pds)
    add_msg_share(pds)
    for n in range(10):
        assert client.post(f"/s/{SHARE}/", {"code": f"guess-{n}"}).status_code == 404

    response = client.post(f"/s/{SHARE}/", {"code": CODE})

    assert response.status_code == 429
    assert len(calls_to(pds, "share_link/get_share_id")) == 10


def test_the_share_pages_code_form_is_csrf_protected(pds):
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"/s/{SHARE}/", {"code": CODE})

    assert response.status_code == 403
    assert len(pds.calls) == 0


# The counters in Redis (several machines), database 12 of the machine's server.

REDIS_URL = "redis://127.0.0.1:6379/12"


@pytest.fixture
def codes_in_redis(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"No Redis answers at {REDIS_URL}")
        pytest.skip(f"No Redis answers at {REDIS_URL}")
    prefix = f"shareportal-codes-{secrets.token_hex(4)}"
    settings.THROTTLE_REDIS_URL = REDIS_URL
    settings.THROTTLE_KEY_PREFIX = prefix
    connection = redis.Redis.from_url(REDIS_URL)
    yield connection, prefix
    for key in connection.scan_iter(f"{prefix}:*"):
        connection.delete(key)


def test_wrong_codes_are_counted_in_redis_and_the_eleventh_is_refused(client, pds, codes_in_redis):
    connection, prefix = codes_in_redis
    add_unknown_code(pds)

    answers = [client.post("/open/", {"code": f"guess-{n}"}).status_code for n in range(11)]

    assert answers == [404] * 10 + [429]
    assert len(calls_to(pds, "share_link/get_share_id")) == 10
    keys = {key.decode() for key in connection.scan_iter(f"{prefix}:*")}
    assert {key.split(":")[1] for key in keys} == {"code", "pwd"}
    assert all(0 < connection.pttl(key) <= 60 * 60 * 1000 for key in keys)
