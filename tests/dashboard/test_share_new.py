"""Creating a share (`/dashboard/shares/new/`): the file picker, the options, PDS's answer."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils.html import escape

from .stubs import ACCESS, add_error, body_of, calls_to, file_json, share_json, url

pytestmark = pytest.mark.django_db

NEW = "/dashboard/shares/new/"
ROOT_ITEMS = [file_json("d1", "Photos", folder=True), file_json("f1", "notes.txt")]
LATER = datetime.now(UTC).year + 5  # expirations must be in the future: a year that always is


def add_folder(pds, items, next_marker=""):
    pds.post(url("file/list"), json={"items": items, "next_marker": next_marker})


def everything(**overrides) -> dict:
    """A create form with every option set."""
    return {
        "share_name": "Trip",
        "description": "All of it",
        "share_pwd": "s3cr3t!~",
        "expiry": "custom",
        "expires_on": f"{LATER}-06-01T09:30",
        "time_zone": "Asia/Shanghai",
        "disable_preview": "on",
        "disable_download": "on",
        "disable_save": "on",
        "preview_limit": "10",
        "download_limit": "5",
        "save_limit": "2",
        "save_download_limit": "6",
        "require_login": "on",
        "creatable": "on",
        "share_policy": "msg",
        "pick": ["f1", "d1"],
        "label": ["f1/notes.txt", "d1/Photos"],
    } | overrides


def field_block(page: str, name: str) -> str:
    """The HTML of one field's block: from its input to where the next field begins."""
    start = page.index(f'name="{name}"')
    return page[start : page.index('<div class="field', start)]


def test_the_picker_opens_on_the_top_of_the_owners_drive(owner, pds):
    add_folder(pds, ROOT_ITEMS)

    response = owner.get(NEW)

    assert response.status_code == 200
    call = calls_to(pds, "file/list")[0]
    assert body_of(call) == {
        "parent_file_id": "root",
        "drive_id": "1",
        "limit": 50,
        "order_by": "name",
        "order_direction": "ASC",
    }
    assert call.request.headers["Authorization"] == f"Bearer {ACCESS}"
    page = response.content.decode()
    assert 'name="pick" value="d1"' in page and 'name="pick" value="f1"' in page
    assert 'name="browse" value="d1"' in page  # folders open; files do not
    assert 'name="browse" value="f1"' not in page
    assert "never" in page and "Asia/Shanghai" in page  # expiration choices and zones


def test_opening_a_folder_keeps_what_was_picked_and_typed(owner, pds):
    add_folder(pds, [file_json("f9", "beach.jpg", parent="d1")])

    response = owner.post(
        NEW,
        {
            "browse": "d1",
            "pick": ["f1"],
            "label": ["f1/notes.txt", "d1/Photos"],
            "share_name": "Half typed",
            "share_pwd": "kept pass",
            "disable_save": "on",
        },
    )

    assert response.status_code == 200
    assert body_of(calls_to(pds, "file/list")[0])["parent_file_id"] == "d1"
    page = response.content.decode()
    assert '<input type="hidden" name="pick" value="f1">' in page  # picked in another folder
    assert '<input type="hidden" name="trail" value="d1/Photos">' in page
    assert 'value="Half typed"' in page
    assert 'value="kept pass"' in page
    assert 'name="disable_save" id="id_disable_save" checked' in page
    assert "field__error" not in page  # browsing is not submitting
    assert "notes.txt" in page  # named among the picks elsewhere
    assert len(calls_to(pds, "share_link/create")) == 0


def test_opening_a_folder_with_htmx_answers_only_the_picker(owner, pds):
    add_folder(pds, [file_json("f9", "beach.jpg", parent="d1")])

    response = owner.post(
        NEW, {"browse": "d1", "label": ["d1/Photos"]}, headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="picker"')
    assert "beach.jpg" in page
    assert 'name="share_name"' not in page
    assert "HX-Request" in response["Vary"]


def test_the_trail_leads_back_up(owner, pds):
    add_folder(pds, ROOT_ITEMS)

    response = owner.post(
        NEW, {"browse": "root", "trail": ["d1/Photos", "d2/2024"], "pick": ["f9"]}
    )

    assert body_of(calls_to(pds, "file/list")[0])["parent_file_id"] == "root"
    assert 'name="trail"' not in response.content.decode()


def test_a_big_folder_pages_with_its_marker(owner, pds):
    add_folder(pds, ROOT_ITEMS, next_marker="fm-2")
    page = owner.get(NEW).content.decode()
    assert 'name="more" value="fm-2"' in page

    add_folder(pds, [file_json("f3", "z.txt")])
    owner.post(NEW, {"more": "fm-2"})

    assert body_of(calls_to(pds, "file/list")[-1])["marker"] == "fm-2"


def test_a_folder_of_long_names_pages_with_its_whole_marker(owner, pds):
    # Markers carry the last name shown; file names may be 1,024 characters long.
    marker = "m" * 1500
    add_folder(pds, [file_json("f3", "z.txt")])

    owner.post(NEW, {"more": marker})

    assert body_of(calls_to(pds, "file/list")[-1])["marker"] == marker


def test_creating_with_every_option_sends_exactly_these_fields(owner, pds):
    add_folder(pds, ROOT_ITEMS)
    pds.post(url("share_link/create"), json=share_json("NewShare123"), status=201)

    response = owner.post(NEW, everything())

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/shares/NewShare123/?created=1"
    call = calls_to(pds, "share_link/create")[0]
    assert call.request.headers["Authorization"] == f"Bearer {ACCESS}"
    assert body_of(call) == {
        "drive_id": "1",
        "file_id_list": ["f1", "d1"],
        "share_name": "Trip",
        "description": "All of it",
        "share_pwd": "s3cr3t!~",
        # 09:30 in Shanghai (UTC+8), in RFC 3339.
        "expiration": f"{LATER}-06-01T01:30:00.000Z",
        "disable_preview": True,
        "disable_download": True,
        "disable_save": True,
        "preview_limit": 10,
        "download_limit": 5,
        "save_limit": 2,
        "save_download_limit": 6,
        "require_login": True,
        "creatable": True,
        "share_policy": "msg",
    }
    assert len(calls_to(pds, "file/list")) == 0  # no picker to show after success


def test_the_fewest_options_make_a_link_share_without_password_that_never_expires(owner, pds):
    pds.post(url("share_link/create"), json=share_json("NewShare123"), status=201)

    owner.post(NEW, {"expiry": "never", "time_zone": "UTC", "share_policy": "url", "pick": "f1"})

    assert body_of(calls_to(pds, "share_link/create")[0]) == {
        "drive_id": "1",
        "file_id_list": ["f1"],
        "description": "",
        "share_pwd": "",
        "expiration": "",
        "disable_preview": False,
        "disable_download": False,
        "disable_save": False,
        "preview_limit": 0,
        "download_limit": 0,
        "save_limit": 0,
        "save_download_limit": 0,
        "require_login": False,
        "creatable": False,
        "share_policy": "url",
    }


@pytest.mark.parametrize(("choice", "days"), [("1d", 1), ("7d", 7), ("30d", 30)])
def test_relative_expirations_count_from_now(owner, pds, choice, days):
    pds.post(url("share_link/create"), json=share_json("NewShare123"), status=201)

    owner.post(NEW, everything(expiry=choice, expires_on=""))

    sent = body_of(calls_to(pds, "share_link/create")[0])["expiration"]
    when = datetime.fromisoformat(sent)
    expected = datetime.now(UTC) + timedelta(days=days)
    assert abs(when - expected) < timedelta(minutes=1)
    assert sent.endswith("Z")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"pick": [], "label": []}, "pick", "Choose at least one file or folder"),
        ({"pick": [f"f{i}" for i in range(101)]}, "pick", "Choose at most 100"),
        ({"pick": ["../etc"]}, "pick", "is not a file of your drive"),
        ({"share_pwd": "two words"}, "share_pwd", "no spaces"),
        ({"share_pwd": "pässword"}, "share_pwd", "no spaces"),
        ({"share_pwd": "x" * 65}, "share_pwd", "at most 64 characters"),
        ({"share_name": "n" * 129}, "share_name", "at most 128 characters"),
        ({"description": "d" * 1025}, "description", "at most 1024 characters"),
        ({"download_limit": "-1"}, "download_limit", "greater than or equal to 0"),
        ({"preview_limit": "many"}, "preview_limit", "Enter a whole number"),
        ({"expires_on": ""}, "expires_on", "Choose the date and time the share ends"),
        ({"expires_on": "2001-01-01T00:00"}, "expires_on", "Choose a time in the future"),
        ({"expires_on": "next tuesday"}, "expires_on", "Enter a valid date/time"),
        ({"expires_on": "2031-02-30T10:00"}, "expires_on", "Enter a valid date/time"),
        (
            {"expires_on": "9999-12-31T23:59", "time_zone": "America/New_York"},
            "expires_on",
            "Choose a date before the year 9999",
        ),
        (
            # Clocks in Berlin jump from 02:00 to 03:00 that night.
            {"expires_on": "2031-03-30T02:30", "time_zone": "Europe/Berlin"},
            "expires_on",
            "There is no 02:30 on 2031-03-30 in Europe/Berlin",
        ),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Select a valid choice"),
        ({"expiry": "forever"}, "expiry", "Select a valid choice"),
        ({"share_policy": "carrier-pigeon"}, "share_policy", "Select a valid choice"),
    ],
)
def test_each_bad_value_is_refused_before_pds_is_asked(owner, pds, overrides, field, message):
    add_folder(pds, ROOT_ITEMS)

    response = owner.post(NEW, everything(**overrides))

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert len(calls_to(pds, "share_link/create")) == 0
    # Nothing typed is lost, the wrong value included.
    typed = everything(**overrides)
    assert f'name="share_name" value="{escape(typed["share_name"])}"' in page
    assert f'name="share_pwd" value="{escape(typed["share_pwd"])}"' in page
    assert f"{escape(typed['description'])}</textarea>" in page


def test_pdss_refusal_of_a_field_is_shown_next_to_it(owner, pds):
    add_folder(pds, ROOT_ITEMS)
    add_error(
        pds,
        "share_link/create",
        400,
        "InvalidParameter",
        "The input parameter share_pwd is not valid.",
    )

    response = owner.post(NEW, everything())

    assert response.status_code == 400
    page = response.content.decode()
    assert "The drive refused this: The input parameter share_pwd is not valid." in field_block(
        page, "share_pwd"
    )
    assert 'value="s3cr3t!~"' in page  # the password typed is still there
    assert 'name="pick" value="f1" id="pick-f1" checked' in page


def test_pdss_refusal_of_an_unknown_field_is_shown_above_the_form(owner, pds):
    add_folder(pds, ROOT_ITEMS)
    add_error(pds, "share_link/create", 400, "InvalidParameter", "bad request")

    page = owner.post(NEW, everything()).content.decode()

    assert "The drive refused this: bad request" in page
    assert "notice--error" in page


def test_generate_without_javascript_fills_in_a_password_and_keeps_the_rest(owner, pds):
    add_folder(pds, ROOT_ITEMS)

    response = owner.post(NEW, everything(generate="1", share_pwd=""))

    assert response.status_code == 200
    page = response.content.decode()
    password = re.search(r'name="share_pwd" value="([^"]*)"', page).group(1)
    assert re.fullmatch(r"[A-Za-z2-9]{12}", password)
    assert 'value="Trip"' in page
    assert len(calls_to(pds, "share_link/create")) == 0


def test_generate_gives_a_new_password_each_time(owner, pds):
    add_folder(pds, ROOT_ITEMS)
    add_folder(pds, ROOT_ITEMS)

    first = owner.post(NEW, {"generate": "1"}).content.decode()
    second = owner.post(NEW, {"generate": "1"}).content.decode()

    pattern = r'name="share_pwd" value="([^"]*)"'
    assert re.search(pattern, first).group(1) != re.search(pattern, second).group(1)


def test_the_new_share_page_shows_link_password_token_and_qr_code(owner, pds):
    pds.post(
        url("share_link/get"),
        json=share_json(
            "NewShare123", share_pwd="s3cr3t!~", share_policy="msg", share_msg="TOKEN-xyz"
        ),
    )

    response = owner.get("/dashboard/shares/NewShare123/?created=1")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Your share is ready" in page
    assert 'value="http://testserver/s/NewShare123/"' in page
    assert 'value="s3cr3t!~"' in page
    assert 'value="TOKEN-xyz"' in page
    assert 'src="/dashboard/shares/NewShare123/qr.svg"' in page
    assert page.count("data-copy=") == 3
    assert body_of(calls_to(pds, "share_link/get")[0]) == {"share_id": "NewShare123"}


def test_creating_needs_the_csrf_token(pds):
    from django.test import Client

    from .conftest import sign_in

    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, pds)

    response = browser.post(NEW, everything())

    assert response.status_code == 403
    assert len(calls_to(pds, "share_link/create")) == 0


@pytest.mark.parametrize(
    ("status", "code", "expected", "words"),
    [
        (500, "InternalError", 502, "cannot be reached"),
        (503, "ServiceUnavailable", 503, "unavailable for a moment"),
        (504, "", 504, "taking too long"),
        (429, "TooManyRequests", 503, "busy"),
    ],
)
def test_a_drive_in_trouble_while_creating_keeps_everything_typed_and_picked(
    owner, pds, status, code, expected, words
):
    pds.post(
        url("share_link/create"),
        status=status,
        json={"code": code, "message": "x"} if code else None,
        headers={"Retry-After": "30"} if status in (429, 503) else {},
    )
    # The drive stays in trouble: the picker's folder cannot be listed either.
    pds.post(url("file/list"), status=503, json={"code": "ServiceUnavailable"})

    response = owner.post(NEW, everything())

    assert response.status_code == expected
    page = response.content.decode()
    assert words in page
    assert "was not created" in page
    assert 'name="share_name" value="Trip"' in page
    assert 'value="s3cr3t!~"' in page
    assert "All of it</textarea>" in page
    assert '<input type="hidden" name="pick" value="f1">' in page
    assert '<input type="hidden" name="pick" value="d1">' in page
    assert "This folder is empty" not in page
    assert len(calls_to(pds, "share_link/create")) == 1  # a create is never sent twice
    if status in (429, 503):
        assert response["Retry-After"] == "30"


def test_the_picker_draws_each_kind_with_the_icons_the_share_listings_use(owner, pds):
    zipped = file_json("f2", "photos.zip") | {"category": "zip", "file_extension": "zip"}
    other = file_json("f3", "tool.bin") | {"category": "others", "file_extension": "bin"}
    add_folder(pds, [*ROOT_ITEMS, zipped, other])

    page = owner.get(NEW).content.decode()

    icons = re.findall(r'class="icon icon--([a-z]+)"', page)
    assert icons == ["folder", "text", "archive", "file"]
    css = (Path(__file__).parents[2] / "static" / "css" / "site.css").read_text()
    for icon in icons:  # each has its picture in site.css
        assert f"img/icons/{icon}.svg" in css


def test_pdss_refusal_is_in_the_owners_language_not_the_drives_english(owner, pds):
    add_folder(pds, ROOT_ITEMS)
    add_error(
        pds,
        "share_link/create",
        400,
        "InvalidParameterOutOfRange",
        "The input parameter download_limit is out of range.",
    )
    add_error(pds, "share_link/create", 400, "InvalidParameter", "bad request")

    range_page = owner.post(NEW, everything(), HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()
    other_page = owner.post(NEW, everything(), HTTP_ACCEPT_LANGUAGE="zh-Hans").content.decode()

    assert "云盘拒绝了此操作：该值超出了云盘接受的范围" in range_page
    assert "out of range" not in range_page
    assert "云盘拒绝了此操作：该值不被接受" in other_page
    assert "bad request" not in other_page
