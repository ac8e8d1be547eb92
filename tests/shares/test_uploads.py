"""Uploads into a share: the drop zone on its pages and the portal's two JSON endpoints.

The drive is stubbed at its wire format (docs/pds-api.md#uploads); the browser's PUTs to the
part URLs go to the drive directly and are tested with it (tests/localpds, tests/browser).
"""

import json

import pytest
from django.test import Client
from responses import matchers

from shareportal import settings as portal_settings

from .stubs import (
    DATA,
    TOKEN,
    add_error,
    add_list,
    add_share,
    add_token,
    calls_to,
    file_json,
    url,
)

pytestmark = pytest.mark.django_db

SHARE = "UpLoad0001x"
START = f"/s/{SHARE}/upload/"
COMPLETE = f"/s/{SHARE}/upload/complete/"
PART_URL = f"{DATA}/data/uploads/u1/1?e=9999999999&s=abc"


def created_json(**fields) -> dict:
    return {
        "file_id": "f" * 40,
        "upload_id": "u1",
        "file_name": "report.pdf",
        "parent_file_id": "d1",
        "part_info_list": [{"part_number": 1, "part_size": 12, "upload_url": PART_URL}],
    } | fields


@pytest.fixture
def visitor(pds):
    """A visitor with a CSRF cookie, on the landing page of a share of one folder, "Inbox"."""
    client = Client(enforce_csrf_checks=True)
    add_share(pds, SHARE, share_name="Inbox", enable_upload=True)
    add_token(pds, SHARE)
    add_list(pds, [file_json("d1", "Inbox", folder=True)], parent_file_id="root")
    response = client.get(f"/s/{SHARE}/")
    assert response.status_code == 200
    client.page = response.content.decode()
    pds.reset()
    return client


def post(client: Client, path: str, body: object, *, csrf: bool = True):
    headers = {"X-CSRFToken": client.cookies["web_csrftoken"].value} if csrf else {}
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def start(client: Client, **body):
    return post(client, START, {"name": "report.pdf", "size": 12, "folder": "d1"} | body)


def test_the_landing_page_of_an_upload_share_has_a_drop_zone_into_its_folder(visitor):
    page = visitor.page
    assert "data-upload" in page
    assert f'data-start-url="{START}"' in page
    assert f'data-complete-url="{COMPLETE}"' in page
    assert 'data-folder="d1"' in page
    assert 'type="file" id="upload-files" class="upload__input" multiple' in page
    assert "Files you add go into the folder <bdi>Inbox</bdi>." in page
    # Without JavaScript the page says why nothing happens.
    assert "Uploading files needs JavaScript" in page
    assert "js/upload.js" in page
    # The share token stays on the server.
    assert TOKEN not in page


def test_a_share_without_uploads_has_no_drop_zone(client, pds):
    add_share(pds, "NoUpload001", share_name="Photos")
    add_token(pds, "NoUpload001")
    add_list(pds, [file_json("x1", "a.txt")], parent_file_id="root")
    page = client.get("/s/NoUpload001/").content.decode()
    assert "data-upload" not in page
    assert "upload.js" not in page


@pytest.mark.parametrize("view", ["list", "grid"])
def test_a_share_without_uploads_has_no_drop_zone_on_its_folder_pages_in_either_view(
    client, pds, view
):
    add_share(pds, "NoUpload002", share_name="Photos")
    add_token(pds, "NoUpload002")
    top = [file_json("d2", "Beach", folder=True), file_json("x1", "a.txt")]
    add_list(pds, top, parent_file_id="root")
    add_list(pds, [file_json("x2", "b.txt", parent="d2")], parent_file_id="d2")
    assert client.get("/s/NoUpload002/").status_code == 200
    response = client.get(f"/s/NoUpload002/folder/d2/?view={view}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "b.txt" in page
    assert ('class="tiles"' in page) == (view == "grid")
    assert "data-upload" not in page
    assert "upload.js" not in page


def test_the_grid_view_of_an_upload_share_has_its_drop_zone_too(visitor, pds):
    add_list(pds, [file_json("d1", "Inbox", folder=True)], parent_file_id="root")
    add_list(pds, [file_json("x1", "a.txt", parent="d1")], parent_file_id="d1")
    response = visitor.get(f"/s/{SHARE}/?view=grid")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="tiles"' in page
    assert 'data-folder="d1"' in page
    assert "js/upload.js" in page


def test_a_folder_page_drops_into_that_folder(visitor, pds):
    add_list(pds, [file_json("x1", "a.txt", parent="d1")], parent_file_id="d1")
    page = visitor.get(f"/s/{SHARE}/folder/d1/").content.decode()
    assert 'data-folder="d1"' in page
    assert "Files you add go into" not in page


def test_a_hostile_folder_name_is_escaped_in_the_drop_zone(client, pds):
    add_share(pds, SHARE, enable_upload=True)
    add_token(pds, SHARE)
    add_list(pds, [file_json("d1", "<img src=x onerror=alert(1)>", folder=True)])
    page = client.get(f"/s/{SHARE}/").content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_pages_csp_lets_the_browser_put_to_the_data_origins(visitor, pds):
    add_list(pds, [], parent_file_id="d1")
    policy = visitor.get(f"/s/{SHARE}/folder/d1/")["Content-Security-Policy"]
    connect = next(part for part in policy.split(";") if "connect-src" in part).split()
    # The policy is built from the settings' own data origins when they load.
    assert "'self'" in connect
    assert set(portal_settings.PDS_DATA_ORIGINS) <= set(connect)


def test_starting_an_upload_asks_the_drive_and_answers_the_part_urls_only(visitor, pds):
    pds.post(
        url("file/create"),
        status=201,
        json=created_json(),
        match=[
            matchers.header_matcher({"x-share-token": TOKEN}),
            matchers.json_params_matcher(
                {
                    "share_id": SHARE,
                    "parent_file_id": "d1",
                    "name": "report.pdf",
                    "type": "file",
                    "size": 12,
                    "check_name_mode": "refuse",
                    "part_info_list": [{"part_number": 1, "part_size": 12}],
                }
            ),
        ],
    )
    response = start(visitor)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["name"] == "report.pdf"
    assert answer["parts"] == [{"number": 1, "size": 12, "url": PART_URL}]
    assert answer["ref"] and "u1" not in answer["ref"]
    assert TOKEN not in response.content.decode()
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )


def test_a_large_file_is_asked_for_in_parts_of_five_mib(visitor, pds):
    size = 11 * 1024 * 1024
    parts = [
        {"part_number": n, "part_size": s} for n, s in [(1, 5 << 20), (2, 5 << 20), (3, 1 << 20)]
    ]
    pds.post(
        url("file/create"),
        status=201,
        json=created_json(),
        match=[matchers.json_params_matcher({"part_info_list": parts}, strict_match=False)],
    )
    assert start(visitor, size=size).status_code == 200


def test_completing_sends_the_upload_the_reference_names(visitor, pds):
    pds.post(url("file/create"), status=201, json=created_json())
    ref = start(visitor).json()["ref"]
    pds.post(
        url("file/complete"),
        json=file_json("f" * 40, "report.pdf", parent="d1", size=12),
        match=[
            matchers.header_matcher({"x-share-token": TOKEN}),
            matchers.json_params_matcher(
                {"share_id": SHARE, "file_id": "f" * 40, "upload_id": "u1"}
            ),
        ],
    )
    response = post(visitor, COMPLETE, {"ref": ref})
    assert response.status_code == 200, response.content
    assert response.json() == {"name": "report.pdf", "file_id": "f" * 40, "size": 12}


def test_a_forged_or_foreign_reference_is_refused_without_asking_the_drive(visitor, pds):
    response = post(visitor, COMPLETE, {"ref": "forged"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not calls_to(pds, "file/complete")


def test_the_endpoints_need_the_csrf_token_and_a_post(visitor, pds):
    assert post(visitor, START, {"name": "a", "size": 1}, csrf=False).status_code == 403
    assert visitor.get(START).status_code == 405
    assert not calls_to(pds, "file/create")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "", "size": 1}, 400, "bad_name"),
        ({"name": "a/b", "size": 1}, 400, "bad_name"),
        ({"name": "..", "size": 1}, 400, "bad_name"),
        ({"name": "x" * 1025, "size": 1}, 400, "bad_name"),
        ({"name": "a", "size": -1}, 400, "bad_request"),
        ({"name": "a", "size": "12"}, 400, "bad_request"),
        ({"name": "a", "size": 10**15}, 400, "too_big"),
        ({"name": "a", "size": 1, "folder": "../x"}, 404, "not_found"),
    ],
)
def test_bad_input_is_refused_before_asking_the_drive(visitor, pds, body, status, code):
    response = post(visitor, START, body)
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["error"]
    assert not calls_to(pds, "file/create")


def test_a_body_that_is_not_a_json_object_is_refused(visitor):
    headers = {"X-CSRFToken": visitor.cookies["web_csrftoken"].value}
    response = visitor.post(START, "[1", content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize(
    ("status", "code", "ours", "our_code"),
    [
        (409, "AlreadyExist.File", 409, "name_taken"),
        (403, "QuotaExhausted.Drive", 403, "quota"),
        (403, "ShareLink.UploadDisabled", 403, "closed"),
        (400, "ShareLink.Cancelled", 410, "gone"),
        (400, "ShareLink.Expired", 410, "gone"),
        (403, "ForbiddenNoPermission", 403, "folder"),
        (400, "InvalidParameter", 400, "refused"),
        (500, "InternalError", 502, "unavailable"),
    ],
)
def test_the_drives_refusals_are_told_clearly(visitor, pds, status, code, ours, our_code):
    add_error(pds, "file/create", status, code)
    response = start(visitor)
    assert response.status_code == ours
    assert response.json()["code"] == our_code and response.json()["error"]


def test_a_name_taken_can_be_uploaded_again_under_a_new_name(visitor, pds):
    pds.post(
        url("file/create"),
        status=201,
        json=created_json(file_name="report (2).pdf"),
        match=[
            matchers.json_params_matcher({"check_name_mode": "auto_rename"}, strict_match=False)
        ],
    )
    response = start(visitor, rename=True)
    assert response.json()["name"] == "report (2).pdf"


def test_part_urls_outside_the_data_origins_are_not_handed_out(visitor, pds):
    evil = {"part_number": 1, "part_size": 12, "upload_url": "https://evil.example/put"}
    pds.post(url("file/create"), status=201, json=created_json(part_info_list=[evil]))
    response = start(visitor)
    assert response.status_code == 502
    assert "evil.example" not in response.content.decode()


def test_a_share_that_takes_no_uploads_is_refused_without_asking_to_create(visitor, pds):
    add_share(pds, "Closed00001")
    response = post(visitor, "/s/Closed00001/upload/", {"name": "a", "size": 1})
    assert response.status_code == 403
    assert response.json()["code"] == "closed"
    assert not calls_to(pds, "file/create")
