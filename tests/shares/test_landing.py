"""The landing page `/s/<share_id>/`: what the share is, its state, and its top items."""

from datetime import UTC, datetime

import pytest
import requests

from .stubs import (
    DATA,
    add_error,
    add_list,
    add_share,
    add_token,
    calls_to,
    file_json,
    share_json,
    url,
)

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"


def test_open_share_shows_who_shared_what_and_its_top_items(client, pds):
    add_share(pds, SHARE, file_count=2)
    add_token(pds, SHARE)
    add_list(
        pds,
        [file_json("f1", "Beach", folder=True), file_json("f2", "notes.txt")],
        parent_file_id="root",
        share_id=SHARE,
    )

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Holiday photos" in page
    assert "al***ce" in page
    assert "2 items" in page
    assert f'href="/s/{SHARE}/folder/f1/"' in page
    assert f'href="/s/{SHARE}/download/f2/"' in page
    assert "2.0\xa0KB" in page
    assert len(pds.calls) == 3


def test_expiry_is_shown_as_a_date_and_as_a_relative_time(client, pds, time_machine):
    time_machine.move_to(datetime(2026, 6, 1, tzinfo=UTC))  # the relative time counts from now
    add_share(pds, SHARE, expiration="2099-12-01T00:00:00.000Z")
    add_token(pds, SHARE)
    add_list(pds, [])

    page = client.get(f"/s/{SHARE}/").content.decode()

    assert 'datetime="2099-12-01T00:00:00+00:00"' in page
    assert "Dec. 1, 2099" in page
    assert "(expires in 74 years)" in page  # 73.5 years, rounded


def test_a_share_without_expiration_never_expires(client, pds):
    add_share(pds, SHARE, expiration="")
    add_token(pds, SHARE)
    add_list(pds, [])

    page = client.get(f"/s/{SHARE}/").content.decode()

    assert "Never expires" in page
    assert "This folder is empty." in page


def test_the_sharer_gets_an_initial_unless_the_avatar_is_on_a_trusted_host(client, pds):
    add_share(pds, SHARE, avatar="https://tracker.example/me.png", creator_name="bo***b")
    add_token(pds, SHARE)
    add_list(pds, [])

    page = client.get(f"/s/{SHARE}/").content.decode()

    assert "tracker.example" not in page
    assert '<span class="avatar avatar--initial" aria-hidden="true">B</span>' in page


def test_an_avatar_on_the_data_host_is_shown(client, pds):
    add_share(pds, SHARE, avatar=f"{DATA}/avatar/u1.png")
    add_token(pds, SHARE)
    add_list(pds, [])

    page = client.get(f"/s/{SHARE}/").content.decode()

    assert f'src="{DATA}/avatar/u1.png"' in page


def test_disabled_downloads_are_explained_and_their_buttons_absent(client, pds):
    add_share(pds, SHARE, disable_download=True)
    add_token(pds, SHARE)
    add_list(pds, [file_json("f2", "notes.txt")])

    page = client.get(f"/s/{SHARE}/").content.decode()

    assert "not downloading them" in page
    assert "/download/" not in page


def test_a_password_share_shows_the_form_without_asking_for_a_token(client, pds):
    add_share(pds, SHARE, has_pwd=True)

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "protected by a password" in page
    assert 'name="password"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert f'action="/s/{SHARE}/"' in page
    assert '<label for="id_password">Password</label>' in page
    assert calls_to(pds, "share_link/get_share_token") == []
    assert calls_to(pds, "file/list") == []


@pytest.mark.parametrize(
    ("status", "code", "expected_status", "says"),
    [
        (404, "NotFound.ShareLink", 404, "This share does not exist"),
        (400, "ShareLink.Expired", 410, "This share has expired"),
        (400, "ShareLink.Cancelled", 410, "This share was cancelled"),
        (403, "ShareLink.Forbidden", 403, "This share is not available"),
        (500, "InternalError", 502, "The drive cannot be reached"),
    ],
)
def test_each_state_of_a_share_has_its_own_page_and_status(
    client, pds, status, code, expected_status, says
):
    add_error(pds, "share_link/get_by_anonymous", status, code)

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == expected_status
    page = response.content.decode()
    assert says in page
    assert "refused" not in page  # PDS's own message is not shown
    assert "Traceback" not in page


def test_a_share_for_signed_in_members_offers_signing_in_instead_of_blaming_the_drive(client, pds):
    add_share(pds, SHARE, has_pwd=False, require_login=True)

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "only for people signed in to the drive" in page
    assert "Sign in to open" in page
    assert "cannot be reached" not in page


def test_an_unreachable_pds_answers_502(client, pds):
    pds.post(url("share_link/get_by_anonymous"), body=requests.ConnectionError("refused"))

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 502
    assert "The drive cannot be reached" in response.content.decode()


def test_a_slow_pds_answers_504(client, pds):
    pds.post(url("share_link/get_by_anonymous"), body=requests.ReadTimeout("slow"))

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 504
    assert "took too long" in response.content.decode()


def test_a_rate_limited_pds_answers_503_with_retry_after(client, pds):
    add_error(
        pds, "share_link/get_by_anonymous", 429, "TooManyRequests", headers={"Retry-After": "30"}
    )

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "The drive is busy" in response.content.decode()


def test_a_rate_limited_pds_asking_for_an_absurd_wait_still_gets_its_page(client, pds):
    add_error(
        pds,
        "share_link/get_by_anonymous",
        429,
        "TooManyRequests",
        headers={"Retry-After": "1000000000000000"},
    )

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(24 * 60 * 60)


def test_a_malformed_pds_answer_is_a_502_not_a_traceback(client, pds):
    pds.post(url("share_link/get_by_anonymous"), body="<html>oops</html>", status=200)

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 502
    assert "The drive cannot be reached" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/s/abc/",  # too short
        "/s/" + "a" * 65 + "/",  # too long
        "/s/bad.share/",
        "/s/%3Cscript%3E/",
        "/s/sAvciMEXKRz/folder/..%2F/",
    ],
)
def test_a_share_id_of_the_wrong_shape_is_our_404_without_asking_pds(client, pds, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert len(pds.calls) == 0


def test_hostile_names_are_shown_as_text(client, pds):
    hostile = '<script>alert(1)</script>"\u202egnp.exe'
    add_share(pds, SHARE, share_name=hostile, creator_name='<img src=x onerror="x()">')
    add_token(pds, SHARE)
    add_list(pds, [file_json("f1", hostile, folder=True), file_json("f2", hostile)])

    page = client.get(f"/s/{SHARE}/").content.decode()

    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;" in page
    # Names are isolated in <bdi>, and shown without the right-to-left override that would
    # disguise "exe.png" as "gnp.exe".
    assert "<bdi>&lt;script&gt;alert(1)&lt;/script&gt;&#34;gnp.exe</bdi>" in page
    assert "\u202e" not in page


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(client, pds, method):
    response = getattr(client, method)(f"/s/{SHARE}/")

    assert response.status_code == 405
    assert len(pds.calls) == 0


def test_the_share_is_keyed_by_the_id_asked_for_even_if_pds_names_another(client, pds):
    pds.post(url("share_link/get_by_anonymous"), json=share_json(share_id="a b/c"))
    add_token(pds, SHARE)
    add_list(pds, [file_json("f1", "a.txt")])

    response = client.get(f"/s/{SHARE}/")

    assert response.status_code == 200
    assert f'href="/s/{SHARE}/download/f1/"' in response.content.decode()
