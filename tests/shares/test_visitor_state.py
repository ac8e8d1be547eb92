"""What a visit leaves behind: nothing for a share without a password, one bounded session for
a visitor who unlocked one.

A share's public facts, the token of a share without a password and its folders are the same
for every visitor, so they are kept once per share in the shared cache; only a password's
token is one visitor's, in their session.
"""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from .stubs import CACHE_TABLE as TABLE
from .stubs import add_list, add_share, add_token, calls_to, file_json

pytestmark = pytest.mark.django_db

OPEN = "7JQX1FswpQ8"
LOCKED = "sAvciMEXKRz"


def cache_entries() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return cursor.fetchone()[0]


def open_share(pds) -> None:
    """A share without a password: a folder Docs (d1) at its top, holding one file."""
    add_share(pds, OPEN, share_name="Open share")
    add_token(pds, OPEN)
    add_list(pds, [file_json("d1", "Docs", folder=True, parent="root")], parent_file_id="root")
    add_list(pds, [file_json("f1", "a.txt", parent="d1")], parent_file_id="d1")


def test_no_cookie_less_visit_to_an_open_share_creates_a_session_or_a_cache_entry(pds, db_cache):
    open_share(pds)
    pages = [f"/s/{OPEN}/", f"/s/{OPEN}/folder/d1/"]
    # The first visitor fills what every visitor of the share uses alike, once: its facts, its
    # token, its folders, and the copy of each listing read with that token (stale-if-error).
    for page in pages:
        assert Client().get(page).status_code == 200
    shared = cache_entries()
    assert shared == 5

    # The 2,000 visits of issue 8, each checked, so that what holds for them holds for any number.
    for visit in range(2000):
        response = Client().get(pages[visit % 2])
        assert response.status_code == 200
        assert not response.cookies, response.cookies
        assert Session.objects.count() == 0
        assert cache_entries() == shared

    # All of them read with the one token, and the folder's breadcrumbs came from what the
    # first visitor's listing taught.
    assert len(calls_to(pds, "share_link/get_share_token")) == 1
    assert calls_to(pds, "file/get") == []


def test_a_second_visitor_of_an_open_share_uses_the_token_the_first_one_got(pds):
    open_share(pds)

    Client().get(f"/s/{OPEN}/")
    response = Client().get(f"/s/{OPEN}/folder/d1/")

    assert response.status_code == 200
    assert "a.txt" in response.content.decode()
    assert len(calls_to(pds, "share_link/get_share_token")) == 1
    # Its facts were read for the first visitor, its breadcrumbs from the first listing.
    assert len(calls_to(pds, "share_link/get_by_anonymous")) == 1
    assert calls_to(pds, "file/get") == []


def test_the_shared_token_of_an_open_share_is_replaced_a_minute_before_it_ends(pds):
    open_share(pds)

    with time_machine.travel(timezone.now(), tick=False) as clock:
        Client().get(f"/s/{OPEN}/")
        clock.shift(7200 - 61)
        Client().get(f"/s/{OPEN}/")
        assert len(calls_to(pds, "share_link/get_share_token")) == 1
        clock.shift(2)
        Client().get(f"/s/{OPEN}/")

    assert len(calls_to(pds, "share_link/get_share_token")) == 2


def test_unlocking_a_password_share_makes_one_session_that_ends_after_the_cookie_age(
    client, pds, settings
):
    add_share(pds, LOCKED, has_pwd=True)
    add_token(pds, LOCKED, "pw")
    add_list(pds, [file_json("f1", "secret.txt", parent="root")], parent_file_id="root")

    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert client.post(f"/s/{LOCKED}/", {"password": "pw"}).status_code == 303
        assert "secret.txt" in client.get(f"/s/{LOCKED}/").content.decode()
        (session,) = Session.objects.all()
        age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
        assert session.expire_date == timezone.now() + age

        clock.shift(settings.SESSION_COOKIE_AGE + 1)
        again = client.get(f"/s/{LOCKED}/").content.decode()
        assert 'name="password"' in again
        assert "secret.txt" not in again

        # The Procfile's release step deletes what expired.
        call_command("clearsessions")
    assert Session.objects.count() == 0


def test_a_password_shares_folders_show_only_to_a_visitor_who_unlocked_it(client, pds):
    add_share(pds, LOCKED, has_pwd=True)
    add_token(pds, LOCKED, "pw")
    add_list(pds, [file_json("d9", "Plans", folder=True, parent="root")], parent_file_id="root")
    add_list(pds, [], parent_file_id="d9")
    client.post(f"/s/{LOCKED}/", {"password": "pw"})
    assert "Plans" in client.get(f"/s/{LOCKED}/").content.decode()
    assert client.get(f"/s/{LOCKED}/folder/d9/").status_code == 200

    stranger = Client().get(f"/s/{LOCKED}/folder/d9/", follow=True)

    page = stranger.content.decode()
    assert 'name="password"' in page
    assert "Plans" not in page
