"""Stale-if-error: a listing the visitor has just seen, shown with a notice while the drive fails.

Never when the drive answers: a cancel, an expiry or a password change wins at once.
"""

import pytest
import requests
import time_machine
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from .stubs import add_error, add_list, add_share, add_token, calls_to, file_json, url

pytestmark = pytest.mark.django_db

SHARE = "7JQX1FswpQ8"
FOLDER = "a" * 40
NOTICE = "The drive is not answering; this is what it showed"


def seen_then_drive_down(client, pds, failure=None) -> None:
    """The visitor opens the share's top, then the drive stops answering."""
    add_share(pds, SHARE, share_name="Holiday")
    add_token(pds, SHARE)
    add_list(pds, [file_json(FOLDER, "Beach", folder=True), file_json("f2", "notes.txt")])
    assert client.get(f"/s/{SHARE}/").status_code == 200
    pds.reset()
    for operation in ("share_link/get_by_anonymous", "file/list", "share_link/get_share_token"):
        pds.post(url(operation), **(failure or {"body": requests.ConnectionError("down")}))


@pytest.mark.parametrize(
    "failure",
    [
        {"body": requests.ConnectionError("reset")},
        {"body": requests.ReadTimeout("stalled")},
        {"status": 500, "json": {"code": "InternalError"}},
        {"status": 503, "json": {}, "headers": {"Retry-After": "30"}},
        {"status": 200, "body": "<html>garbage"},
    ],
)
def test_a_listing_just_seen_is_shown_with_a_notice_while_the_drive_fails(client, pds, failure):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        seen_then_drive_down(client, pds, failure)
        clock.shift(42)  # past SHARE_PUBLIC_CACHE_SECONDS: the facts are asked for too

        response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert f"{NOTICE} 42 seconds ago." in page
    assert "Holiday" in page and "notes.txt" in page and "Beach" in page
    assert f'href="/s/{SHARE}/">Try again</a>' in page


def test_a_folder_just_seen_is_shown_stale_with_its_breadcrumbs(client, pds):
    add_share(pds, SHARE, share_name="Holiday")
    add_token(pds, SHARE)
    add_list(pds, [file_json(FOLDER, "Beach", folder=True)])
    client.get(f"/s/{SHARE}/")
    add_list(pds, [file_json("f3", "shell.jpg", parent=FOLDER)], parent_file_id=FOLDER)
    assert client.get(f"/s/{SHARE}/folder/{FOLDER}/").status_code == 200
    pds.reset()
    pds.post(url("file/list"), status=502, json={})

    response = client.get(f"/s/{SHARE}/folder/{FOLDER}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert NOTICE in page
    assert "shell.jpg" in page and "Beach" in page


def test_a_fresh_answer_never_shows_the_notice(client, pds):
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    add_list(pds, [file_json("f2", "notes.txt")])

    first = client.get(f"/s/{SHARE}/")
    second = client.get(f"/s/{SHARE}/")

    assert NOTICE not in first.content.decode() + second.content.decode()


def test_a_cancel_wins_at_once_and_no_copy_is_shown_after_it(client, pds):
    seen_then_drive_down(client, pds)
    pds.reset()
    add_error(pds, "file/list", 401, "ShareLinkTokenInvalid")
    add_error(pds, "share_link/get_share_token", 400, "ShareLink.Cancelled")

    cancelled = client.get(f"/s/{SHARE}/")
    pds.reset()
    for operation in ("share_link/get_by_anonymous", "file/list", "share_link/get_share_token"):
        pds.post(url(operation), body=requests.ConnectionError("down"))
    # The drive then fails: what it showed before the cancel is not shown again.
    later = client.get(f"/s/{SHARE}/")

    assert cancelled.status_code == 410
    assert NOTICE not in cancelled.content.decode()
    assert later.status_code == 502
    assert NOTICE not in later.content.decode()


def test_a_refusal_seen_by_one_visitor_ends_the_copies_of_every_other(pds):
    alice, bob = Client(), Client()
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    add_list(pds, [file_json("f2", "notes.txt")])
    assert alice.get(f"/s/{SHARE}/").status_code == 200
    assert bob.get(f"/s/{SHARE}/").status_code == 200
    pds.reset()
    add_error(pds, "file/list", 400, "ShareLink.Expired")
    assert alice.get(f"/s/{SHARE}/").status_code == 410
    pds.reset()
    pds.post(url("file/list"), body=requests.ConnectionError("down"))

    response = bob.get(f"/s/{SHARE}/")

    assert response.status_code == 502
    assert NOTICE not in response.content.decode()


def test_a_visitor_holding_another_token_never_sees_the_copy(pds):
    alice, bob = Client(), Client()
    add_share(pds, SHARE, has_pwd=True)
    add_token(pds, SHARE, "pw", token="alices-token")
    add_list(pds, [file_json("f2", "secret-plans.txt")], token="alices-token")
    alice.post(f"/s/{SHARE}/", {"password": "pw"})
    assert "secret-plans.txt" in alice.get(f"/s/{SHARE}/").content.decode()
    pds.reset()
    add_share(pds, SHARE, has_pwd=True)
    add_token(pds, SHARE, "pw", token="bobs-token")
    bob.post(f"/s/{SHARE}/", {"password": "pw"})
    pds.reset()
    pds.post(url("file/list"), body=requests.ConnectionError("down"))

    response = bob.get(f"/s/{SHARE}/")

    assert response.status_code == 502
    assert "secret-plans.txt" not in response.content.decode()
    assert "secret-plans.txt" in alice.get(f"/s/{SHARE}/").content.decode()  # hers is there


def test_a_visitor_who_has_not_unlocked_the_share_sees_no_copy(pds):
    alice, stranger = Client(), Client()
    add_share(pds, SHARE, has_pwd=True)
    add_token(pds, SHARE, "pw")
    add_list(pds, [file_json("f2", "secret-plans.txt")])
    alice.post(f"/s/{SHARE}/", {"password": "pw"})
    alice.get(f"/s/{SHARE}/")
    pds.reset()
    pds.post(url("share_link/get_by_anonymous"), body=requests.ConnectionError("down"))

    response = stranger.get(f"/s/{SHARE}/")

    assert response.status_code == 502
    assert "secret-plans.txt" not in response.content.decode()
    pds.post(url("file/list"), body=requests.ConnectionError("down"))
    assert "secret-plans.txt" in alice.get(f"/s/{SHARE}/").content.decode()  # hers is there


def test_a_copy_older_than_the_setting_is_not_shown(client, pds, settings):
    settings.STALE_IF_ERROR_SECONDS = 60
    with time_machine.travel(timezone.now(), tick=False) as clock:
        seen_then_drive_down(client, pds)
        clock.shift(61)

        response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 502
    assert NOTICE not in response.content.decode()


def test_stale_pages_can_be_turned_off(client, pds, settings):
    settings.STALE_IF_ERROR_SECONDS = 0
    seen_then_drive_down(client, pds)

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 502


def test_load_more_while_the_drive_fails_loads_the_whole_page_which_says_so(client, pds):
    seen_then_drive_down(client, pds)

    response = client.get(f"/s/{SHARE}/?sort=name&dir=asc", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/s/{SHARE}/?sort=name&dir=asc"


def test_an_unchanged_listing_is_not_written_to_the_cache_again(client, pds, monkeypatch):
    written = []
    backend = caches["default"]  # the test's own cache, not the proxy to whichever is current
    real_set = backend.set
    monkeypatch.setattr(
        backend, "set", lambda key, *a, **kw: (written.append(key), real_set(key, *a, **kw))[1]
    )
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    add_list(pds, [file_json("f2", "notes.txt")])

    for _ in range(3):
        client.get(f"/s/{SHARE}/")
    pds.reset()
    add_list(pds, [file_json("f2", "notes-v2.txt")])
    client.get(f"/s/{SHARE}/")

    # The first page, and the one that changed; not the two visits that showed the same.
    assert len([k for k in written if k.startswith("stale-list:")]) == 2
    assert len(calls_to(pds, "file/list")) == 1
