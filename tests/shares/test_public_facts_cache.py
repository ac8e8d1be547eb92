"""The landing page reads a share's public facts from the shared cache only when it may.

A visitor holding a share token gets facts at most SHARE_PUBLIC_CACHE_SECONDS old, because the
listing on the same page asks PDS with that token; without a token they are always fresh.
"""

import pytest
import time_machine
from django.utils import timezone

from .stubs import add_error, add_list, add_share, add_token, calls_to

pytestmark = pytest.mark.django_db

SHARE = "7JQX1FswpQ8"


def anonymous_calls(pds) -> int:
    return len(calls_to(pds, "share_link/get_by_anonymous"))


def test_a_visitor_holding_a_token_sees_the_share_without_asking_for_its_facts_again(client, pds):
    add_share(pds, SHARE, share_name="Holiday")
    add_token(pds, SHARE)
    add_list(pds, [])

    first = client.get(f"/s/{SHARE}/")
    second = client.get(f"/s/{SHARE}/")

    assert first.status_code == second.status_code == 200
    assert "Holiday" in second.content.decode()
    assert anonymous_calls(pds) == 1
    assert len(calls_to(pds, "file/list")) == 2


def test_the_password_form_always_reads_the_share_fresh(client, pds):
    add_share(pds, SHARE, has_pwd=True)

    client.get(f"/s/{SHARE}/")
    client.get(f"/s/{SHARE}/")

    assert anonymous_calls(pds) == 2
    assert calls_to(pds, "file/list") == []


def test_facts_older_than_the_setting_are_read_again(client, pds, settings):
    settings.SHARE_PUBLIC_CACHE_SECONDS = 30
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    add_list(pds, [])

    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(f"/s/{SHARE}/")
        clock.shift(29)
        client.get(f"/s/{SHARE}/")
        assert anonymous_calls(pds) == 1
        clock.shift(2)
        client.get(f"/s/{SHARE}/")

    assert anonymous_calls(pds) == 2


def test_a_share_cancelled_while_its_facts_are_cached_answers_410_at_once(client, pds):
    add_share(pds, SHARE)
    add_token(pds, SHARE)
    add_list(pds, [])
    assert client.get(f"/s/{SHARE}/").status_code == 200

    # The owner cancels it: PDS ends the token, and no new one is given.
    pds.reset()
    add_error(pds, "file/list", 401, "ShareLinkTokenInvalid")
    add_error(pds, "share_link/get_share_token", 410, "ShareLink.Cancelled")
    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 410
    assert "cancelled" in response.content.decode()

    # The token went with it, so the next visit reads the facts fresh and says the same.
    pds.reset()
    add_error(pds, "share_link/get_by_anonymous", 410, "ShareLink.Cancelled")
    assert client.get(f"/s/{SHARE}/").status_code == 410
    assert anonymous_calls(pds) == 1
