"""Changing a share: edit, disable and enable, cancel; in place with htmx, or post/redirect/get."""

from datetime import UTC, datetime

import pytest
import responses
from django.test import Client

from ..shares.stubs import add_list, add_share, add_token
from ..shares.stubs import file_json as shares_file_json
from .conftest import sign_in
from .stubs import add_error, body_of, calls_to, share_json, url

pytestmark = pytest.mark.django_db

SHARE = "sAvciMEXKRz"
EDIT = f"/dashboard/shares/{SHARE}/edit/"
STATUS = f"/dashboard/shares/{SHARE}/status/"
CANCEL = f"/dashboard/shares/{SHARE}/cancel/"
HTMX = {"HX-Request": "true"}
LATER = datetime.now(UTC).year + 5  # expirations must be in the future: a year that always is


def edited(**overrides) -> dict:
    return {
        "share_name": "Renamed",
        "description": "Now with notes",
        "share_pwd": "n3w-pass",
        "expiry": "keep",
        "expires_on": "",
        "time_zone": "Europe/Paris",
        "disable_download": "on",
        "preview_limit": "3",
        "download_limit": "",
        "save_limit": "0",
        "save_download_limit": "",
        "creatable": "on",
    } | overrides


def test_the_edit_page_shows_the_share_as_it_is(owner, pds):
    pds.post(
        url("share_link/get"),
        json=share_json(
            share_pwd="old-pass",
            description="Hi",
            download_limit=9,
            expiration="2099-12-01T00:00:00Z",
        ),
    )

    response = owner.get(EDIT)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Holiday photos"' in page
    assert 'value="old-pass"' in page
    assert 'name="download_limit" value="9"' in page
    assert 'value="keep" selected' in page
    assert 'value="2099-12-01T00:00"' in page  # in the owner's zone (UTC by default)
    assert "<html" in page


def test_editing_sends_the_changed_fields_and_keeps_the_expiration(owner, pds):
    pds.post(url("share_link/update"), json=share_json(share_name="Renamed"))

    response = owner.post(EDIT, edited())

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert body_of(calls_to(pds, "share_link/update")[0]) == {
        "share_id": SHARE,
        "share_name": "Renamed",
        "description": "Now with notes",
        "share_pwd": "n3w-pass",
        "disable_preview": False,
        "disable_download": True,
        "disable_save": False,
        "require_login": False,
        "creatable": True,
        "preview_limit": 3,
        "download_limit": 0,
        "save_limit": 0,
        "save_download_limit": 0,
    }
    assert "saved" in owner.get("/").content.decode()


def test_editing_can_set_a_new_expiration_in_the_owners_zone_or_none(owner, pds):
    pds.post(url("share_link/update"), json=share_json())
    pds.post(url("share_link/update"), json=share_json())

    owner.post(EDIT, edited(expiry="custom", expires_on=f"{LATER}-01-15T18:00"))
    owner.post(EDIT, edited(expiry="never"))

    first, second = calls_to(pds, "share_link/update")
    assert body_of(first)["expiration"] == f"{LATER}-01-15T17:00:00.000Z"  # Paris is UTC+1 then
    assert body_of(second)["expiration"] == ""


def test_the_chosen_time_zone_is_remembered_for_the_next_form(owner, pds):
    pds.post(url("share_link/update"), json=share_json())
    pds.post(url("share_link/get"), json=share_json(expiration="2099-12-01T00:00:00Z"))

    owner.post(EDIT, edited())
    page = owner.get(EDIT).content.decode()

    assert 'value="Europe/Paris" selected' in page
    assert 'value="2099-12-01T01:00"' in page


def test_the_edit_page_of_a_share_ending_at_the_end_of_time_opens_in_any_zone(owner, pds):
    # Set by another client of the drive; past the year 9999 in the owner's zone.
    pds.post(url("share_link/get"), json=share_json(expiration="9999-12-31T23:00:00Z"))
    pds.post(url("share_link/update"), json=share_json())
    pds.post(url("share_link/get"), json=share_json(expiration="9999-12-31T23:00:00Z"))
    owner.post(EDIT, edited(time_zone="Asia/Tokyo"))

    response = owner.get(EDIT)

    assert response.status_code == 200
    assert 'value="keep" selected' in response.content.decode()


def test_editing_with_htmx_answers_the_updated_row(owner, pds):
    pds.post(url("share_link/update"), json=share_json(share_name="Renamed"))

    response = owner.post(EDIT, edited(), headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(f'<tr id="share-{SHARE}"')
    assert "Renamed" in page
    assert "Your changes to the share are saved." in page
    assert "HX-Request" in response["Vary"]


def test_the_edit_form_opens_inside_the_row_with_htmx(owner, pds):
    pds.post(url("share_link/get"), json=share_json())

    response = owner.get(EDIT, headers=HTMX)

    page = response.content.decode()
    assert page.lstrip().startswith(f'<tr id="share-{SHARE}" class="share-row share-row--editing"')
    assert f'hx-post="{EDIT}"' in page
    assert f'id="id_{SHARE}_share_name"' in page  # ids of its own, beside other rows
    assert f'hx-get="/dashboard/shares/{SHARE}/"' in page  # close without saving


def test_closing_the_row_editor_brings_back_the_row(owner, pds):
    pds.post(url("share_link/get"), json=share_json())

    response = owner.get(f"/dashboard/shares/{SHARE}/", headers=HTMX)

    assert response.content.decode().lstrip().startswith(f'<tr id="share-{SHARE}" class="share-row')


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"share_name": ""}, "This field is required."),
        ({"share_pwd": "has space"}, "no spaces"),
        ({"expiry": "custom", "expires_on": "2000-01-01T00:00"}, "Choose a time in the future"),
        ({"save_limit": "-5"}, "greater than or equal to 0"),
    ],
)
def test_a_bad_edit_is_refused_before_pds_is_asked_and_keeps_what_was_typed(
    owner, pds, overrides, message
):
    pds.post(url("share_link/get"), json=share_json())

    response = owner.post(EDIT, edited(**overrides))

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'value="Now with notes"' in page or "Now with notes</textarea>" in page
    assert len(calls_to(pds, "share_link/update")) == 0


def test_a_bad_edit_in_a_row_comes_back_in_the_row(owner, pds):
    pds.post(url("share_link/get"), json=share_json())

    response = owner.post(EDIT, edited(share_pwd="has space"), headers=HTMX)

    assert response.status_code == 400  # the dashboard's script swaps 400s in
    page = response.content.decode()
    assert page.lstrip().startswith(f'<tr id="share-{SHARE}"')
    assert "no spaces" in page


def test_pdss_refusal_of_an_edit_is_shown_next_to_the_field(owner, pds):
    add_error(
        pds, "share_link/update", 400, "InvalidParameter", "The input parameter expiration is bad."
    )
    pds.post(url("share_link/get"), json=share_json())

    response = owner.post(EDIT, edited(expiry="30d"))

    assert response.status_code == 400
    page = response.content.decode()
    expiry_block = page[page.index('name="expiry"') : page.index('name="expires_on"')]
    assert "The drive refused this: The input parameter expiration is bad." in expiry_block


def test_a_drive_in_trouble_while_editing_keeps_everything_typed(owner, pds):
    add_error(pds, "share_link/update", 500, "InternalError")
    add_error(pds, "share_link/get", 500, "InternalError")

    response = owner.post(EDIT, edited())

    assert response.status_code == 502
    page = response.content.decode()
    assert "cannot be reached" in page
    assert "not saved" in page
    assert 'value="Renamed"' in page
    assert 'value="n3w-pass"' in page
    assert "Now with notes</textarea>" in page
    assert len(calls_to(pds, "share_link/get")) == 0  # the drive is not asked again


def test_a_drive_in_trouble_while_editing_in_a_row_leaves_the_row_and_says_so(owner, pds):
    add_error(pds, "share_link/update", 429, "TooManyRequests")

    response = owner.post(EDIT, edited(), headers=HTMX)

    # The row's form stays in the page as typed; the alert area explains.
    assert response.status_code == 503
    assert response["HX-Retarget"] == "#dashboard-alert"
    assert "busy" in response.content.decode()


def test_disabling_a_share_keeps_its_address_and_says_so(owner, pds):
    pds.post(url("share_link/update"), json=share_json(status="disabled"))

    response = owner.post(STATUS, {"status": "disabled"})

    assert response.status_code == 302
    assert body_of(calls_to(pds, "share_link/update")[0]) == {
        "share_id": SHARE,
        "status": "disabled",
    }
    assert "visitors are refused" in owner.get("/").content.decode()


def test_enabling_with_htmx_swaps_the_row(owner, pds):
    pds.post(url("share_link/update"), json=share_json(status="enabled"))

    response = owner.post(STATUS, {"status": "enabled"}, headers=HTMX)

    page = response.content.decode()
    assert page.lstrip().startswith(f'<tr id="share-{SHARE}"')
    assert 'name="status" value="disabled"' in page  # now it can be disabled again
    assert "enabled again" in page


def test_a_bad_status_is_refused_without_asking_pds(owner, pds):
    response = owner.post(STATUS, {"status": "cancelled"})

    assert response.status_code == 400
    assert len(pds.calls) == 0


def test_changing_someone_elses_share_is_refused_clearly(owner, pds):
    add_error(pds, "share_link/update", 403, "ForbiddenNoPermission")

    response = owner.post(STATUS, {"status": "disabled"})

    assert response.status_code == 403
    assert "You may not do this" in response.content.decode()


def test_changing_an_unknown_share_is_a_404(owner, pds):
    add_error(pds, "share_link/update", 404, "NotFound.ShareLink")

    response = owner.post(STATUS, {"status": "disabled"}, headers=HTMX)

    assert response.status_code == 404
    assert response["HX-Retarget"] == "#dashboard-alert"


def test_cancel_asks_first(owner, pds):
    pds.post(url("share_link/get"), json=share_json())

    response = owner.get(CANCEL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Cancel this share?" in page
    assert f'action="{CANCEL}"' in page and 'method="post"' in page
    assert len(calls_to(pds, "share_link/cancel")) == 0


def test_cancel_asks_inside_the_row_with_htmx(owner, pds):
    pds.post(url("share_link/get"), json=share_json())

    page = owner.get(CANCEL, headers=HTMX).content.decode()

    assert page.lstrip().startswith(f'<tr id="share-{SHARE}" class="share-row share-row--confirm"')
    assert "Yes, cancel the share" in page


def test_confirming_cancels_the_share_and_goes_back_to_the_list(owner, pds):
    pds.post(url("share_link/cancel"), status=204)

    response = owner.post(CANCEL)

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert body_of(calls_to(pds, "share_link/cancel")[0]) == {"share_id": SHARE}
    assert "The share is cancelled" in owner.get("/").content.decode()


def test_confirming_with_htmx_replaces_the_row(owner, pds):
    pds.post(url("share_link/cancel"), json={})

    response = owner.post(CANCEL, headers=HTMX)

    page = response.content.decode()
    assert page.lstrip().startswith(
        f'<tr id="share-{SHARE}" class="share-row share-row--cancelled"'
    )


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", EDIT, edited()),
        ("post", STATUS, {"status": "disabled"}),
        ("post", CANCEL, {}),
        ("post", "/dashboard/shares/new/", {"pick": "f1"}),
    ],
)
def test_every_change_needs_the_csrf_token(pds, method, path, data):
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, pds)

    response = getattr(browser, method)(path, data)

    assert response.status_code == 403
    assert len(pds.calls) == 0


def test_a_share_id_of_the_wrong_shape_is_a_404_without_asking_pds(owner, pds):
    assert owner.get("/dashboard/shares/a%2Fb/edit/").status_code == 404
    assert owner.get("/dashboard/shares/x/cancel/").status_code == 404
    assert len(pds.calls) == 0


def test_status_and_cancel_only_take_posts(owner):
    assert owner.get(STATUS).status_code == 405
    assert owner.put(CANCEL).status_code == 405


def test_the_qr_code_is_an_svg_of_the_share_address(owner, pds):
    pds.post(url("share_link/get"), json=share_json())

    response = owner.get(f"/dashboard/shares/{SHARE}/qr.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert b"<path" in response.content
    assert "no-store" in response["Cache-Control"]


def test_the_qr_code_of_a_share_that_is_not_there_is_a_404(owner, pds):
    add_error(pds, "share_link/get", 404, "NotFound.ShareLink")

    assert owner.get(f"/dashboard/shares/{SHARE}/qr.svg").status_code == 404


def test_a_cancelled_share_is_never_shown_from_a_copy_while_the_drive_fails(owner, pds):
    shared = "7JQX1FswpQ8"
    add_share(pds, shared, share_name="Open share")
    add_token(pds, shared)
    add_list(pds, [shares_file_json("f1", "plans.txt", parent="root")], parent_file_id="root")
    visitor_page = f"/s/{shared}/"
    assert "plans.txt" in Client().get(visitor_page).content.decode()

    pds.post(url("share_link/cancel"), status=204)
    assert owner.post(f"/dashboard/shares/{shared}/cancel/").status_code == 302
    # Then the drive fails: no answer says the share is cancelled.
    for operation in ("share_link/get_by_anonymous", "file/list"):
        pds.remove(responses.POST, url(operation))
        pds.post(url(operation), status=503, json={"code": "ServiceUnavailable"})

    response = Client().get(visitor_page)

    assert response.status_code == 503
    assert "plans.txt" not in response.content.decode()
