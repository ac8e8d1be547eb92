"""The owner is told when wrong passwords are tried on a share: on its row and on its page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import OperationalError, connection
from django.test import Client

from .conftest import sign_in
from .stubs import error_json, share_json, url

pytestmark = pytest.mark.django_db

ATTACKED = "sAvciMEXKRz"
QUIET = "YgHgBeXGZWr"
HTMX = {"HX-Request": "true"}
START = datetime(2031, 3, 4, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def drive_refuses_passwords(pds):
    """The drive's answers to a visitor trying passwords: every one is wrong."""
    pds.post(
        url("share_link/get_share_token"), status=400, json=error_json("InvalidResource.SharePwd")
    )
    pds.post(url("share_link/get_by_anonymous"), json={"share_name": "x", "has_pwd": True})


def guess(share_id: str, *, address: str, times: int = 1) -> None:
    """A visitor from `address` tries wrong passwords on the share's public page."""
    visitor = Client()
    for _ in range(times):
        answer = visitor.post(f"/s/{share_id}/", {"password": "guess"}, REMOTE_ADDR=address)
        assert answer.status_code == 400


def row_of(page: str, share_id: str) -> str:
    match = re.search(rf'<tr id="share-{share_id}".*?</tr>', page, re.S)
    assert match, f"no row of {share_id}"
    return match.group(0)


def list_shares(pds) -> None:
    pds.post(
        url("share_link/list"),
        json={
            "items": [share_json(ATTACKED, has_pwd=True), share_json(QUIET, has_pwd=True)],
            "next_marker": "",
        },
    )


def test_my_shares_says_how_many_wrong_passwords_a_share_had_and_from_how_many_addresses(
    owner, pds, drive_refuses_passwords
):
    for n, times in enumerate([4, 4, 3, 3, 3, 3, 3]):
        guess(ATTACKED, address=f"198.51.100.{n}", times=times)
    list_shares(pds)

    page = owner.get("/dashboard/").content.decode()

    assert "23 wrong passwords in the last 24 hours, from 7 addresses" in row_of(page, ATTACKED)
    assert "wrong password" not in row_of(page, QUIET)
    assert "198.51.100." not in page


def test_only_the_last_24_hours_count(client, pds, drive_refuses_passwords, clock):
    guess(ATTACKED, address="198.51.100.1", times=5)
    clock.shift(timedelta(hours=23))
    guess(ATTACKED, address="198.51.100.2")
    clock.shift(timedelta(hours=2))
    sign_in(client, pds)  # the owner comes a day later
    list_shares(pds)

    page = client.get("/dashboard/").content.decode()

    assert "1 wrong password in the last 24 hours, from 1 address" in row_of(page, ATTACKED)


def test_a_day_later_nothing_is_shown(client, pds, drive_refuses_passwords, clock):
    guess(ATTACKED, address="198.51.100.1", times=2)
    clock.shift(timedelta(hours=24, seconds=1))
    sign_in(client, pds)
    list_shares(pds)

    page = client.get("/dashboard/").content.decode()

    assert "wrong password" not in row_of(page, ATTACKED)


def test_the_shares_own_page_says_it_with_the_time_of_the_last(
    owner, pds, drive_refuses_passwords, clock
):
    guess(ATTACKED, address="198.51.100.1", times=2)
    clock.shift(timedelta(minutes=5))
    guess(ATTACKED, address="2001:db8:1:2::1")
    pds.post(url("share_link/get"), json=share_json(ATTACKED, has_pwd=True, share_pwd="pw1234"))

    response = owner.get(f"/dashboard/shares/{ATTACKED}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "3 wrong passwords in the last 24 hours, from 2 addresses" in page
    assert '<time datetime="2031-03-04T09:35:00+00:00">' in page
    assert "change it or disable the share" in page


def test_a_share_without_wrong_passwords_says_nothing_of_them(owner, pds):
    pds.post(url("share_link/get"), json=share_json(QUIET, has_pwd=True, share_pwd="pw1234"))

    page = owner.get(f"/dashboard/shares/{QUIET}/").content.decode()

    assert "wrong password" not in page
    assert "guessing" not in page


def test_the_row_swapped_in_after_a_change_keeps_saying_it(owner, pds, drive_refuses_passwords):
    guess(ATTACKED, address="198.51.100.1", times=2)
    pds.post(url("share_link/update"), json=share_json(ATTACKED, status="enabled"))

    response = owner.post(
        f"/dashboard/shares/{ATTACKED}/status/", {"status": "enabled"}, headers=HTMX
    )

    page = response.content.decode()
    assert page.lstrip().startswith(f'<tr id="share-{ATTACKED}"')
    assert "2 wrong passwords in the last 24 hours, from 1 address" in page


def test_the_list_still_shows_when_the_record_cannot_be_read(
    owner, pds, drive_refuses_passwords, caplog
):
    guess(ATTACKED, address="198.51.100.1", times=2)
    list_shares(pds)

    def broken(execute, sql, params, many, context):
        if "shares_passwordfailure" in sql:
            raise OperationalError("no such table: shares_passwordfailure")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(broken):
        response = owner.get("/dashboard/")

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<tr id="share-{ATTACKED}"' in page
    assert "wrong password" not in page
    assert "Wrong share passwords could not be read: OperationalError" in caplog.text
