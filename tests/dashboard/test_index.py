"""My shares (`/dashboard/`): the list, its paging, filters, and who may see whose shares."""

import logging

import pytest

from .stubs import add_error, body_of, calls_to, share_json, url

pytestmark = pytest.mark.django_db


def add_list(pds, items, next_marker=""):
    pds.post(url("share_link/list"), json={"items": items, "next_marker": next_marker})


def test_my_shares_lists_each_share_with_its_facts_and_actions(owner, pds):
    add_list(
        pds,
        [
            share_json("sAvciMEXKRz", share_pwd="pw1234", file_id_list=["a", "b", "c"]),
            share_json(
                "YgHgBeXGZWr",
                share_name="Old report",
                status="disabled",
                expiration="2020-01-01T00:00:00.000Z",
                expired=True,
            ),
        ],
    )

    response = owner.get("/dashboard/")

    assert response.status_code == 200
    page = response.content.decode()
    body = body_of(calls_to(pds, "share_link/list")[0])
    assert body == {"limit": 25, "include_cancelled": False, "creator": "u-owner"}
    assert "Holiday photos" in page and "Old report" in page
    assert 'value="http://testserver/s/sAvciMEXKRz/"' in page  # the link, selectable
    assert 'href="http://testserver/s/sAvciMEXKRz/"' in page  # open
    assert 'href="/dashboard/shares/sAvciMEXKRz/qr.svg"' in page
    assert 'href="/dashboard/shares/sAvciMEXKRz/edit/"' in page
    assert 'href="/dashboard/shares/sAvciMEXKRz/cancel/"' in page
    assert 'name="status" value="disabled"' in page  # the enabled one can be disabled
    assert 'name="status" value="enabled"' in page  # the disabled one can be enabled
    assert ">3</td>" in page  # number of files
    assert "badge--warning" in page and "expired" in page
    assert "pw1234" not in page  # whether it has a password, not the password
    assert "7</span> ·" in page  # previews
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Robots-Tag"] == "noindex"
    assert "HX-Request" in response["Vary"]


def test_names_are_escaped(owner, pds):
    add_list(pds, [share_json(share_name="<img src=x onerror=alert(1)>")])

    page = owner.get("/dashboard/").content.decode()

    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_an_owner_without_shares_is_invited_to_make_one(owner, pds):
    add_list(pds, [])

    page = owner.get("/dashboard/").content.decode()

    assert "No shares yet." in page
    assert 'href="/dashboard/shares/new/"' in page


def test_a_long_list_has_a_next_page_link_that_works_without_javascript(owner, pds):
    add_list(pds, [share_json()], next_marker="m-2")

    page = owner.get("/dashboard/?status=").content.decode()

    assert 'href="?status=&amp;marker=m-2"' in page
    assert "Load more" in page


def test_the_next_page_asks_pds_from_the_marker(owner, pds):
    add_list(pds, [share_json("YgHgBeXGZWr", share_name="Second page share")])

    response = owner.get("/dashboard/?marker=m-2")

    assert "Second page share" in response.content.decode()
    assert body_of(calls_to(pds, "share_link/list")[0])["marker"] == "m-2"
    assert "Back to the newest shares" in response.content.decode()


def test_load_more_with_htmx_answers_only_the_next_rows(owner, pds):
    add_list(pds, [share_json("YgHgBeXGZWr", share_name="Second page share")], next_marker="m-3")

    response = owner.get("/dashboard/?marker=m-2", headers={"HX-Request": "true"})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<tr id="share-YgHgBeXGZWr"')
    assert "<html" not in page and "<table" not in page
    assert 'hx-get="?marker=m-3"' in page  # the next "Load more" replaces this one
    assert "HX-Request" in response["Vary"]


def test_the_last_page_has_no_load_more(owner, pds):
    add_list(pds, [share_json()])

    page = owner.get("/dashboard/?marker=m-2", headers={"HX-Request": "true"}).content.decode()

    assert "Load more" not in page


def test_filters_search_by_escaped_name_and_status(owner, pds):
    pds.post(url("share_link/search"), json={"items": [share_json()], "next_marker": ""})

    response = owner.get("/dashboard/", {"q": "Bob's \\ photos", "status": "enabled"})

    assert response.status_code == 200
    body = body_of(calls_to(pds, "share_link/search")[0])
    assert body == {
        "limit": 25,
        "order_by": "created_at",
        "order_direction": "DESC",
        "creators": ["u-owner"],
        "query": "share_name_for_fuzzy match 'Bob\\'s \\\\ photos' and status in ['enabled']",
    }
    assert len(calls_to(pds, "share_link/list")) == 0


def test_a_status_filter_alone_searches_by_status(owner, pds):
    pds.post(url("share_link/search"), json={"items": [], "next_marker": ""})

    page = owner.get("/dashboard/", {"status": "disabled"}).content.decode()

    assert body_of(calls_to(pds, "share_link/search")[0])["query"] == "status in ['disabled']"
    assert "No share matches these filters." in page


def test_a_bad_filter_is_refused_without_asking_pds(owner, pds):
    response = owner.get("/dashboard/", {"status": "everything", "creator": "a b"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "A user id has only" in page
    assert len(pds.calls) == 0


def test_administrators_get_a_creator_filter_and_see_anyones_shares(admin, pds):
    add_list(pds, [share_json(creator="u-bob")])

    response = admin.get("/dashboard/", {"creator": "u-bob"})

    assert response.status_code == 200
    assert 'name="creator"' in response.content.decode()
    assert body_of(calls_to(pds, "share_link/list")[0])["creator"] == "u-bob"


def test_regular_users_have_no_creator_filter(owner, pds):
    add_list(pds, [])

    assert 'name="creator"' not in owner.get("/dashboard/").content.decode()


def test_a_regular_user_asking_for_someone_elses_shares_gets_a_clear_message(owner, pds):
    add_error(pds, "share_link/list", 403, "ForbiddenNoPermission")

    response = owner.get("/dashboard/", {"creator": "u-bob"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "Only administrators of the drive can list other people&#x27;s shares" in page
    assert 'value="u-bob"' in page  # the filter stays, so it can be cleared
    assert "My shares" in page  # the dashboard, not an error page


@pytest.mark.parametrize(
    ("status", "code", "expected", "words"),
    [
        (500, "InternalError", 502, "cannot be reached"),
        (503, "ServiceUnavailable", 503, "unavailable for a moment"),
        (504, "", 504, "taking too long"),
        (429, "TooManyRequests", 503, "busy"),
    ],
)
def test_a_drive_in_trouble_gets_a_friendly_page(owner, pds, caplog, status, code, expected, words):
    pds.post(
        url("share_link/list"),
        status=status,
        json={"code": code, "message": "x"} if code else None,
        headers={"Retry-After": "30"} if status in (429, 503) else {},
    )

    with caplog.at_level(logging.WARNING):
        response = owner.get("/dashboard/")

    assert response.status_code == expected
    assert words in response.content.decode()
    logged = [r.getMessage() for r in caplog.records if r.name == "shareportal.pds.errors"]
    if status in (429, 503):
        assert response["Retry-After"] == "30"  # passed on, never slept out
    if status == 429:
        assert logged == []  # A drive asking us to slow down is doing its job, not failing.
    else:
        assert len(logged) == 1 and logged[0].startswith("PDS failed: ")
    # The same address again, filters and all, for when the drive is back.
    assert 'href="/dashboard/">Try again</a>' in response.content.decode()


def test_a_drive_in_trouble_during_an_htmx_request_says_so_in_the_alert_area(owner, pds):
    add_error(pds, "share_link/list", 500, "InternalError")

    response = owner.get("/dashboard/?marker=m", headers={"HX-Request": "true"})

    assert response.status_code == 502
    assert response["HX-Retarget"] == "#dashboard-alert"
    assert "cannot be reached" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_dashboard_pages_carry_the_strict_csp_and_refuse_framing(owner, pds):
    add_list(pds, [])

    response = owner.get("/dashboard/")

    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.content.decode()  # no inline script


def test_only_get_is_allowed(owner):
    assert owner.post("/dashboard/").status_code == 405
