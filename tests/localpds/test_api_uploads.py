"""Uploads: `file/create`, part PUTs to signed URLs, `file/complete`, and resuming.

Through a share that accepts uploads (`creatable`) with only its share token, as the JS SDK's
tests upload, and by the owner with a Bearer token (docs/pds-api.md#uploads).
"""

import hashlib
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from localpds import uploads
from localpds.models import Drive, File, ShareLink, Upload

from .api_helpers import (
    assert_error,
    call,
    drive_of,
    make_file,
    make_share,
    share_token_of,
    token_for,
)

MIB = 1024 * 1024
PORTAL = "http://127.0.0.1:8000"


@pytest.fixture
def drop(alice):
    """alice's folder "drop" (with "inner/"), shared with uploads on."""
    drive = drive_of(alice)
    folder = make_file(drive, "drop", folder=True)
    inner = make_file(drive, "inner", folder=True, parent=folder)
    make_file(drive, "taken.txt", parent=folder)
    share = make_share(alice, [folder], creatable=True)
    return share, folder, inner


def _token(share: ShareLink) -> str:
    return share_token_of(share)


def create(share: ShareLink, token: str, **body):
    fields = {
        "share_id": share.share_id,
        "parent_file_id": body.pop("parent_file_id", None) or share.file_id_list[0],
        "name": "report.txt",
        "type": "file",
        "size": 5,
        "check_name_mode": "refuse",
    } | body
    return call("file/create", fields, share_token=token)


def put(url: str, data: bytes, **headers):
    parts = urlsplit(url)
    return Client().generic(
        "PUT",
        f"{parts.path}?{parts.query}",
        data,
        content_type="application/octet-stream",
        headers=headers,
    )


def complete(share: ShareLink, token: str, answer: dict):
    body = {"share_id": share.share_id, "file_id": answer["file_id"]}
    return call("file/complete", body | {"upload_id": answer["upload_id"]}, share_token=token)


def listed_names(share: ShareLink, token: str, folder_id: str) -> list[str]:
    body = {"share_id": share.share_id, "parent_file_id": folder_id, "limit": 100}
    response = call("file/list", body, share_token=token)
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_create_through_a_share_answers_the_upload_and_its_signed_part_url(drop):
    share, folder, _ = drop
    token = _token(share)
    response = create(share, token)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["parent_file_id"] == folder.file_id
    assert answer["share_id"] == share.share_id
    assert answer["file_name"] == "report.txt"
    assert len(answer["file_id"]) == 40 and answer["upload_id"]
    assert answer["rapid_upload"] is False and answer["type"] == "file"
    [part] = answer["part_info_list"]
    assert part["part_number"] == 1 and part["part_size"] == 5
    url = urlsplit(part["upload_url"])
    assert url.path == f"/data/uploads/{answer['upload_id']}/1"
    assert "e=" in url.query and "s=" in url.query
    assert response["x-ca-request-id"]


def test_the_file_is_invisible_until_complete_then_listed_with_its_contents(drop):
    share, folder, _ = drop
    token = _token(share)
    answer = create(share, token).json()
    assert put(answer["part_info_list"][0]["upload_url"], b"hello").status_code == 200
    assert "report.txt" not in listed_names(share, token, folder.file_id)
    get = call(
        "file/get", {"share_id": share.share_id, "file_id": answer["file_id"]}, share_token=token
    )
    assert_error(get, 404, "NotFound.File")

    done = complete(share, token, answer)
    assert done.status_code == 200, done.content
    file = done.json()
    assert file["file_id"] == answer["file_id"] and file["name"] == "report.txt"
    assert file["size"] == 5 and file["status"] == "available"
    assert file["content_hash"] == hashlib.sha1(b"hello").hexdigest().upper()
    assert "report.txt" in listed_names(share, token, folder.file_id)
    # The owner sees it in their drive, with its bytes.
    row = File.objects.get(file_id=answer["file_id"])
    assert row.parent_id == folder.file_id and row.drive_id == share.drive_id
    assert Drive.objects.get(pk=share.drive_id).total_size == 5
    assert not Upload.objects.exists()


def test_a_large_file_goes_up_in_parts_of_five_mib_and_is_assembled_in_order(drop):
    share, _, _ = drop
    token = _token(share)
    data = bytes(range(256)) * (6 * MIB // 256) + b"tail"
    first, second = data[: 5 * MIB], data[5 * MIB :]
    sizes = [
        {"part_number": 1, "part_size": len(first)},
        {"part_number": 2, "part_size": len(second)},
    ]
    answer = create(share, token, name="big.bin", size=len(data), part_info_list=sizes).json()
    urls = [part["upload_url"] for part in answer["part_info_list"]]
    # Parts may arrive in any order.
    assert put(urls[1], second).status_code == 200
    assert put(urls[0], first).status_code == 200
    assert complete(share, token, answer).status_code == 200
    row = File.objects.get(file_id=answer["file_id"])
    assert row.size == len(data)
    assert row.content_hash == hashlib.sha1(data).hexdigest().upper()


def test_parts_without_sizes_are_split_evenly(drop):
    share, _, _ = drop
    token = _token(share)
    size = 10 * MIB + 3
    parts = [{"part_number": 2}, {"part_number": 1}]
    answer = create(share, token, name="even.bin", size=size, part_info_list=parts).json()
    assert [p["part_size"] for p in answer["part_info_list"]] == [5 * MIB + 2, 5 * MIB + 1]


@pytest.mark.parametrize(
    "parts",
    [
        [{"part_number": 1, "part_size": MIB}, {"part_number": 2, "part_size": 5 * MIB}],
        [{"part_number": 1, "part_size": 5 * MIB}, {"part_number": 3, "part_size": MIB}],
        [{"part_number": 1, "part_size": 5 * MIB}, {"part_number": 2, "part_size": 2}],
        [{"part_number": 1, "part_size": 5 * MIB}, {"part_number": 2}],
        [{"part_number": "1"}],
        "parts",
        [],
    ],
)
def test_parts_that_break_the_rules_are_refused(drop, parts):
    share, _, _ = drop
    response = create(share, _token(share), size=6 * MIB, part_info_list=parts)
    assert_error(response, 400, "InvalidParameter", field="part_info_list")


def test_a_part_of_the_wrong_size_is_refused_and_nothing_is_kept(drop):
    share, _, _ = drop
    token = _token(share)
    answer = create(share, token).json()
    url = answer["part_info_list"][0]["upload_url"]
    response = put(url, b"too long!")
    assert response.status_code == 400
    assert b"exactly 5 bytes" in response.content
    assert_error(complete(share, token, answer), 400, "InvalidParameter.UploadIncomplete")


def test_a_part_url_with_a_bad_signature_or_past_its_expiry_is_refused(drop, monkeypatch):
    share, _, _ = drop
    answer = create(share, _token(share)).json()
    url = answer["part_info_list"][0]["upload_url"]
    assert put(url.replace("s=", "s=0"), b"hello").status_code == 403
    # Another part's signature does not fit this part.
    other = url.replace("/1?", "/2?")
    assert put(other, b"hello").status_code == 403
    monkeypatch.setattr(time, "time", lambda: time.monotonic() + 10**10)
    response = put(url, b"hello")
    assert response.status_code == 403
    assert b"expired" in response.content


def test_part_urls_answer_the_portals_cors_preflight_and_only_its(drop, settings):
    settings.LOCALPDS_UPLOAD_ORIGINS = [PORTAL]
    share, _, _ = drop
    answer = create(share, _token(share)).json()
    path = urlsplit(answer["part_info_list"][0]["upload_url"])
    client = Client()
    url = f"{path.path}?{path.query}"
    preflight = client.options(
        url,
        headers={
            "Origin": PORTAL,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == PORTAL
    assert "PUT" in preflight["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight["Access-Control-Allow-Headers"]
    stranger = client.options(url, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in stranger
    assert "Access-Control-Allow-Methods" not in stranger
    done = put(answer["part_info_list"][0]["upload_url"], b"hello", Origin=PORTAL)
    assert done.status_code == 200
    assert done["Access-Control-Allow-Origin"] == PORTAL
    assert "ETag" in done["Access-Control-Expose-Headers"] and done["ETag"]
    assert client.get(url).status_code == 405


def test_a_completed_size_that_differs_from_the_declared_one_is_refused(drop, settings):
    share, _, _ = drop
    token = _token(share)
    answer = create(share, token).json()
    assert put(answer["part_info_list"][0]["upload_url"], b"hello").status_code == 200
    # The upload's record says 6 bytes now: the stored parts no longer add up to it.
    Upload.objects.filter(pk=answer["upload_id"]).update(size=6)
    assert_error(complete(share, token, answer), 400, "InvalidParameter", field="size")
    assert not File.objects.filter(file_id=answer["file_id"]).exists()


def test_a_lost_connection_resumes_with_the_parts_listed_and_fresh_urls(drop):
    share, _, _ = drop
    token = _token(share)
    data = b"x" * (5 * MIB) + b"end"
    sizes = [{"part_number": 1, "part_size": 5 * MIB}, {"part_number": 2, "part_size": 3}]
    answer = create(share, token, name="resume.bin", size=len(data), part_info_list=sizes).json()
    assert put(answer["part_info_list"][0]["upload_url"], data[: 5 * MIB]).status_code == 200
    ids = {
        "share_id": share.share_id,
        "file_id": answer["file_id"],
        "upload_id": answer["upload_id"],
    }

    listed = call("file/list_uploaded_parts", ids, share_token=token)
    assert listed.status_code == 200, listed.content
    body = listed.json()
    assert [p["part_number"] for p in body["uploaded_parts"]] == [1]
    assert body["uploaded_parts"][0]["part_size"] == 5 * MIB
    assert body["uploaded_parts"][0]["etag"]
    assert body["next_part_number_marker"] == ""

    fresh = call(
        "file/get_upload_url", ids | {"part_info_list": [{"part_number": 2}]}, share_token=token
    )
    assert fresh.status_code == 200, fresh.content
    [part] = fresh.json()["part_info_list"]
    assert part["part_number"] == 2 and part["part_size"] == 3
    assert put(part["upload_url"], b"end").status_code == 200
    assert complete(share, token, answer).status_code == 200
    assert File.objects.get(file_id=answer["file_id"]).size == len(data)
    bad = call(
        "file/get_upload_url", ids | {"part_info_list": [{"part_number": 3}]}, share_token=token
    )
    assert_error(bad, 404, "NotFound.UploadId")


def test_a_share_that_does_not_accept_uploads_refuses_them(alice):
    folder = make_file(drive_of(alice), "closed", folder=True)
    share = make_share(alice, [folder])
    assert_error(create(share, _token(share)), 403, "ShareLink.UploadDisabled")


def test_turning_uploads_off_stops_the_part_urls_and_the_completion(drop):
    share, _, _ = drop
    token = _token(share)
    answer = create(share, token).json()
    ShareLink.objects.filter(pk=share.pk).update(creatable=False)
    assert put(answer["part_info_list"][0]["upload_url"], b"hello").status_code == 403
    assert_error(complete(share, token, answer), 403, "ShareLink.UploadDisabled")


@pytest.mark.parametrize(
    "change",
    [{"cancelled_at": timezone.now()}, {"expiration": timezone.now() - timedelta(seconds=1)}],
)
def test_a_cancelled_or_expired_share_refuses_its_tokens_and_its_part_urls(drop, change):
    share, _, _ = drop
    token = _token(share)
    answer = create(share, token).json()
    ShareLink.objects.filter(pk=share.pk).update(**change)
    assert put(answer["part_info_list"][0]["upload_url"], b"hello").status_code == 410
    assert_error(complete(share, token, answer), 401, "ShareLinkTokenInvalid")
    assert_error(create(share, token), 401, "ShareLinkTokenInvalid")


def test_a_wrong_or_missing_share_token_is_refused(drop, bob):
    share, _, _ = drop
    other = make_share(bob, [make_file(drive_of(bob), "bobs", folder=True)], creatable=True)
    assert_error(create(share, ""), 401, "ShareLinkTokenInvalid")
    assert_error(create(share, "forged"), 401, "ShareLinkTokenInvalid")
    assert_error(create(share, _token(other)), 401, "ShareLinkTokenInvalid")


def test_an_upload_of_one_share_cannot_be_completed_through_another(drop, bob):
    share, _, _ = drop
    answer = create(share, _token(share)).json()
    other = make_share(bob, [make_file(drive_of(bob), "bobs", folder=True)], creatable=True)
    response = complete(other, _token(other), answer)
    assert_error(response, 404, "NotFound.UploadId")


def test_a_taken_name_is_refused_or_renamed_as_asked(drop):
    share, _, _ = drop
    token = _token(share)
    assert_error(create(share, token, name="taken.txt"), 409, "AlreadyExist.File")
    renamed = create(share, token, name="taken.txt", check_name_mode="auto_rename").json()
    assert renamed["file_name"] == "taken (2).txt"
    put(renamed["part_info_list"][0]["upload_url"], b"hello")
    assert complete(share, token, renamed).json()["name"] == "taken (2).txt"
    again = create(share, token, name="taken.txt", check_name_mode="auto_rename").json()
    assert again["file_name"] == "taken (3).txt"
    ignored = create(share, token, name="taken.txt", check_name_mode="ignore").json()
    assert ignored["file_name"] == "taken.txt"
    bad_mode = create(share, token, check_name_mode="overwrite")
    assert_error(bad_mode, 400, "InvalidParameter", field="check_name_mode")


def test_a_name_taken_while_uploading_is_caught_at_completion(drop):
    share, folder, _ = drop
    token = _token(share)
    answer = create(share, token, name="race.txt").json()
    put(answer["part_info_list"][0]["upload_url"], b"hello")
    make_file(drive_of(share.creator), "race.txt", parent=folder)
    assert_error(complete(share, token, answer), 409, "AlreadyExist.File")


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "x" * 1025, "nul\x00.txt"], ids=repr)
def test_names_a_drive_cannot_store_are_refused(drop, name):
    share, _, _ = drop
    response = create(share, _token(share), name=name)
    code = "InvalidParameterMissing" if name == "" else None
    assert response.status_code == 400, response.content
    assert response.json()["code"] in (
        {code} if code else {"InvalidParameter", "InvalidParameterOutOfRange"}
    )


def test_a_hostile_name_is_kept_as_text(drop):
    share, folder, _ = drop
    token = _token(share)
    name = '<img src=x onerror=alert(1)> "quoted" \u202egpj.exe'
    answer = create(share, token, name=name, check_name_mode="ignore").json()
    put(answer["part_info_list"][0]["upload_url"], b"hello")
    assert complete(share, token, answer).json()["name"] == name
    assert name in listed_names(share, token, folder.file_id)


def test_the_drives_quota_refuses_a_file_that_would_not_fit(drop):
    share, _, _ = drop
    Drive.objects.filter(pk=share.drive_id).update(quota=10, total_size=6)
    token = _token(share)
    assert_error(create(share, token), 403, "QuotaExhausted.Drive")
    assert create(share, token, size=4).status_code == 201


def test_the_quota_is_checked_again_at_completion(drop):
    share, _, _ = drop
    token = _token(share)
    answer = create(share, token).json()
    put(answer["part_info_list"][0]["upload_url"], b"hello")
    Drive.objects.filter(pk=share.drive_id).update(quota=4)
    assert_error(complete(share, token, answer), 403, "QuotaExhausted.Drive")
    assert Upload.objects.filter(pk=answer["upload_id"]).exists()


def test_uploads_go_into_folders_of_the_share_only(drop, tree):
    share, _, inner = drop
    token = _token(share)
    assert create(share, token, parent_file_id=inner.file_id).status_code == 201
    assert_error(create(share, token, parent_file_id=tree.other.file_id), 404, "NotFound.File")
    assert_error(create(share, token, parent_file_id="root"), 403, "ForbiddenNoPermission")
    not_folder = create(share, token, parent_file_id=File.objects.get(name="taken.txt").file_id)
    assert_error(not_folder, 400, "InvalidParameter", field="parent_file_id")


def test_creatable_file_id_list_limits_the_folders(drop):
    share, folder, inner = drop
    ShareLink.objects.filter(pk=share.pk).update(creatable_file_id_list=[inner.file_id])
    token = _token(share)
    assert_error(create(share, token, parent_file_id=folder.file_id), 403, "ForbiddenNoPermission")
    assert create(share, token, parent_file_id=inner.file_id).status_code == 201


def test_a_share_of_the_whole_drive_takes_uploads_at_its_top(alice):
    share = ShareLink.objects.create(
        creator=alice, drive=drive_of(alice), share_all_files=True, creatable=True
    )
    token = _token(share)
    answer = create(share, token, parent_file_id="root").json()
    assert answer["parent_file_id"] == "root"
    put(answer["part_info_list"][0]["upload_url"], b"hello")
    assert complete(share, token, answer).status_code == 200
    assert "report.txt" in listed_names(share, token, "root")


def test_an_empty_file_is_one_empty_part(drop):
    share, _, _ = drop
    token = _token(share)
    answer = create(share, token, name="empty.txt", size=0).json()
    assert put(answer["part_info_list"][0]["upload_url"], b"").status_code == 200
    assert complete(share, token, answer).json()["size"] == 0


def test_the_owner_uploads_into_their_own_drive_with_a_bearer_token(alice, alice_token, bob):
    drive = drive_of(alice)
    body = {"drive_id": drive.drive_id, "parent_file_id": "root", "name": "mine.txt", "size": 5}
    answer = call("file/create", body, token=alice_token).json()
    assert "share_id" not in answer
    put(answer["part_info_list"][0]["upload_url"], b"hello")
    ids = {
        "drive_id": drive.drive_id,
        "file_id": answer["file_id"],
        "upload_id": answer["upload_id"],
    }
    done = call("file/complete", ids, token=alice_token)
    assert done.status_code == 200, done.content
    assert done.json()["download_url"]
    assert_error(call("file/create", body, token=token_for(bob)), 403, "ForbiddenNoPermission")
    assert_error(call("file/create", body), 401, "AccessTokenInvalid")


def test_uploads_left_unfinished_for_a_day_are_forgotten(drop):
    share, _, _ = drop
    token = _token(share)
    answer = create(share, token).json()
    put(answer["part_info_list"][0]["upload_url"], b"hello")
    Upload.objects.update(created_at=timezone.now() - uploads.UPLOAD_LIFETIME - timedelta(1))
    assert_error(complete(share, token, answer), 404, "NotFound.UploadId")
    create(share, token, name="next.txt")
    assert not Upload.objects.filter(pk=answer["upload_id"]).exists()
    assert not (uploads.uploads_dir() / answer["upload_id"]).exists()


def test_a_size_past_the_drives_limit_or_missing_is_refused(drop, settings):
    settings.LOCALPDS_MAX_UPLOAD_BYTES = 100
    share, _, _ = drop
    token = _token(share)
    assert_error(create(share, token, size=101), 400, "InvalidParameterOutOfRange", field="size")
    assert_error(create(share, token, size=None), 400, "InvalidParameter", field="size")
    assert_error(create(share, token, type="folder"), 400, "InvalidParameter", field="type")
