"""`share_link/create|get|update|cancel` (docs/pds-api.md#share-links): the owner's side."""

import re
from datetime import UTC, datetime

import pytest

from localpds.models import ShareLink

from .api_helpers import assert_error, call, drive_of, make_file, make_share, token_for

pytestmark = [pytest.mark.urls("localpds.urls"), pytest.mark.django_db]

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

# Expirations must lie ahead whenever the suite runs, so they are counted from today.
FUTURE_YEAR = datetime.now(UTC).year + 5


def create(user, files, token=None, **fields):
    body = {"drive_id": drive_of(user).drive_id, "file_id_list": [f.file_id for f in files]}
    return call("share_link/create", {**body, **fields}, token=token or token_for(user))


def test_create_answers_201_with_the_full_share_link_object(alice, tree, settings):
    settings.LOCALPDS_PORTAL_URL = "https://portal.example"

    response = create(alice, [tree.shared, tree.secret], share_pwd="s3cret!", description="hi")

    assert response.status_code == 201
    share = response.json()
    assert re.fullmatch(r"[A-Za-z0-9]{11}", share["share_id"])
    assert share["share_url"] == f"https://portal.example/s/{share['share_id']}/"
    assert share["share_pwd"] == "s3cret!"
    assert share["has_pwd"] is True
    assert share["share_name"] == "shared"
    assert share["description"] == "hi"
    assert share["drive_id"] == drive_of(alice).drive_id
    assert share["file_id_list"] == [tree.shared.file_id, tree.secret.file_id]
    assert share["file_id"] == tree.shared.file_id
    assert share["creator"] == alice.user_id
    assert share["expiration"] == ""
    assert share["expired"] is False
    assert share["status"] == "enabled"
    assert share["share_policy"] == "url"
    assert share["share_msg"] == ""
    assert TIMESTAMP.match(share["created_at"]) and TIMESTAMP.match(share["updated_at"])
    for flag in ("disable_preview", "disable_save", "disable_download", "require_login"):
        assert share[flag] is False
    assert share["creatable"] is False and share["enable_upload"] is False
    for number in ("preview_limit", "download_limit", "save_download_limit", "access_count"):
        assert share[number] == 0
    assert ShareLink.objects.get(pk=share["share_id"]).creator == alice


def test_create_stores_every_documented_switch_and_limit(alice, tree):
    response = create(
        alice,
        [tree.top],
        share_name="Notes",
        expiration=f"{FUTURE_YEAR}-06-28T11:33:00.000+08:00",
        disable_preview=True,
        disable_save=True,
        disable_download=True,
        require_login=True,
        office_editable=True,
        enable_upload=True,
        creatable_file_id_list=[tree.shared.file_id],
        preview_limit=5,
        save_limit=6,
        download_limit=7,
        save_download_limit=8,
    )

    share = response.json()
    assert response.status_code == 201
    assert share["share_name"] == "Notes"
    assert share["expiration"] == f"{FUTURE_YEAR}-06-28T03:33:00.000Z"
    assert share["disable_preview"] and share["disable_save"] and share["disable_download"]
    assert share["require_login"] and share["office_editable"]
    assert share["creatable"] and share["enable_upload"]
    assert share["creatable_file_id_list"] == [tree.shared.file_id]
    assert (share["preview_limit"], share["save_limit"]) == (5, 6)
    assert (share["download_limit"], share["save_download_limit"]) == (7, 8)


def test_a_msg_policy_share_gets_a_secret_message(alice, tree):
    share = create(alice, [tree.top], share_policy="msg").json()

    assert share["share_policy"] == "msg"
    assert len(share["share_msg"]) >= 12


def test_share_all_files_needs_no_file_list(alice, tree):
    body = {"drive_id": drive_of(alice).drive_id, "share_all_files": True}

    response = call("share_link/create", body, token=token_for(alice))

    assert response.status_code == 201
    assert response.json()["share_all_files"] is True
    assert response.json()["file_id_list"] == []


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"file_id_list": []}, "InvalidParameterOutOfRange", "file_id_list"),
        ({"file_id_list": "abc"}, "InvalidParameter", "file_id_list"),
        ({"file_id_list": [""]}, "InvalidParameter", "file_id_list"),
        ({"share_pwd": "x" * 65}, "InvalidParameterOutOfRange", "share_pwd"),
        ({"share_pwd": "has space"}, "InvalidParameter", "share_pwd"),
        ({"share_pwd": "pässword"}, "InvalidParameter", "share_pwd"),
        ({"share_pwd": 1234}, "InvalidParameter", "share_pwd"),
        ({"share_name": "n" * 129}, "InvalidParameterOutOfRange", "share_name"),
        ({"description": "d" * 1025}, "InvalidParameterOutOfRange", "description"),
        ({"expiration": "tomorrow"}, "InvalidParameter", "expiration"),
        ({"expiration": "2030-01-01"}, "InvalidParameter", "expiration"),
        ({"expiration": "2030-01-01T00:00:00"}, "InvalidParameter", "expiration"),
        # Valid text whose instant falls outside what a datetime can hold once made UTC.
        ({"expiration": "9999-12-31T23:59:59-23:59"}, "InvalidParameter", "expiration"),
        ({"expiration": "0001-01-01T00:00:00+01:00"}, "InvalidParameter", "expiration"),
        ({"disable_download": "true"}, "InvalidParameter", "disable_download"),
        ({"require_login": 1}, "InvalidParameter", "require_login"),
        ({"download_limit": -1}, "InvalidParameterOutOfRange", "download_limit"),
        ({"preview_limit": 2.5}, "InvalidParameter", "preview_limit"),
        ({"save_download_limit": True}, "InvalidParameter", "save_download_limit"),
        ({"share_policy": "email"}, "InvalidParameter", "share_policy"),
        ({"creatable_file_id_list": [1]}, "InvalidParameter", "creatable_file_id_list"),
    ],
)
def test_create_refuses_each_out_of_range_field_by_name(alice, tree, fields, code, field):
    response = create(alice, [tree.top], **fields)

    assert_error(response, 400, code, field=field)
    assert not ShareLink.objects.exists()


def test_create_accepts_the_limits_exactly(alice, tree):
    drive = drive_of(alice)
    files = [make_file(drive, f"f{i}") for i in range(100)]

    response = create(
        alice, files, share_pwd="~" * 64, share_name="n" * 128, description="d" * 1024
    )

    assert response.status_code == 201
    assert len(response.json()["file_id_list"]) == 100


def test_create_refuses_101_files(alice):
    drive = drive_of(alice)
    files = [make_file(drive, f"f{i}") for i in range(101)]

    assert_error(create(alice, files), 400, "InvalidParameterOutOfRange", field="file_id_list")


def test_create_refuses_duplicate_ids(alice, tree):
    response = create(alice, [tree.top, tree.top])

    assert_error(response, 400, "InvalidParameter", field="file_id_list")


def test_create_needs_a_drive_id(alice, tree):
    response = call(
        "share_link/create", {"file_id_list": [tree.top.file_id]}, token=token_for(alice)
    )

    assert_error(response, 400, "InvalidParameterMissing", field="drive_id")


def test_create_refuses_a_file_that_is_not_in_the_drive(alice, bob, tree):
    bobs = make_file(drive_of(bob), "bob.txt")

    response = create(alice, [tree.top, bobs])

    assert_error(response, 404, "NotFound.File", field=bobs.file_id)
    assert not ShareLink.objects.exists()


def test_create_in_someone_elses_drive_is_forbidden(alice, bob, tree):
    body = {"drive_id": drive_of(alice).drive_id, "file_id_list": [tree.top.file_id]}

    response = call("share_link/create", body, token=token_for(bob))

    assert_error(response, 403, "ForbiddenNoPermission")


def test_create_in_an_unknown_drive_is_404(alice, tree):
    body = {"drive_id": "99999", "file_id_list": [tree.top.file_id]}

    assert_error(call("share_link/create", body, token=token_for(alice)), 404, "NotFound.Drive")


def test_an_admin_may_create_on_behalf_of_a_user(alice, root_admin, tree):
    body = {
        "drive_id": drive_of(alice).drive_id,
        "file_id_list": [tree.top.file_id],
        "user_id": alice.user_id,
    }

    response = call("share_link/create", body, token=token_for(root_admin))

    assert response.status_code == 201
    assert response.json()["creator"] == alice.user_id


def test_a_user_may_not_create_on_behalf_of_another(alice, bob, tree):
    body = {
        "drive_id": drive_of(alice).drive_id,
        "file_id_list": [tree.top.file_id],
        "user_id": alice.user_id,
    }

    assert_error(
        call("share_link/create", body, token=token_for(bob)), 403, "ForbiddenNoPermission"
    )


def test_get_returns_the_owners_view_with_the_password(alice, tree):
    share = make_share(alice, [tree.shared], share_pwd="pw")

    response = call("share_link/get", {"share_id": share.share_id}, token=token_for(alice))

    assert response.status_code == 200
    assert response.json()["share_pwd"] == "pw"
    assert response.json()["share_id"] == share.share_id


def test_get_of_an_unknown_share_is_404(alice):
    response = call("share_link/get", {"share_id": "nope1234567"}, token=token_for(alice))

    assert_error(response, 404, "NotFound.ShareLink")


def test_get_needs_a_share_id(alice):
    assert_error(
        call("share_link/get", {}, token=token_for(alice)),
        400,
        "InvalidParameterMissing",
        field="share_id",
    )


def test_another_users_share_is_forbidden_to_get_update_and_cancel(alice, bob, tree):
    share = make_share(alice, [tree.shared])
    token = token_for(bob)

    for operation in ("get", "update", "cancel"):
        response = call(f"share_link/{operation}", {"share_id": share.share_id}, token=token)
        assert_error(response, 403, "ForbiddenNoPermission")
    assert ShareLink.objects.get(pk=share.pk).cancelled_at is None


def test_an_admin_may_get_update_and_cancel_any_share(alice, root_admin, tree):
    share = make_share(alice, [tree.shared])
    token = token_for(root_admin)

    assert call("share_link/get", {"share_id": share.share_id}, token=token).status_code == 200
    updated = call(
        "share_link/update", {"share_id": share.share_id, "share_name": "By admin"}, token=token
    )
    assert updated.json()["share_name"] == "By admin"
    assert call("share_link/cancel", {"share_id": share.share_id}, token=token).status_code == 204


def test_update_changes_only_the_given_fields(alice, tree):
    share = make_share(alice, [tree.shared], description="keep me", download_count=3)

    response = call(
        "share_link/update",
        {
            "share_id": share.share_id,
            "share_name": "Renamed",
            "expiration": f"{FUTURE_YEAR}-01-01T00:00:00Z",
            "disable_download": True,
            "download_limit": 10,
            "creatable": True,
        },
        token=token_for(alice),
    )

    body = response.json()
    assert response.status_code == 200
    assert body["share_name"] == "Renamed"
    assert body["description"] == "keep me"
    assert body["expiration"] == f"{FUTURE_YEAR}-01-01T00:00:00.000Z"
    assert body["disable_download"] is True
    assert body["download_limit"] == 10
    assert body["download_count"] == 3
    assert body["enable_upload"] is True


def test_update_can_clear_the_expiration_and_set_counters(alice, tree):
    share = make_share(alice, [tree.shared], download_count=5)
    token = token_for(alice)
    call(
        "share_link/update",
        {"share_id": share.share_id, "expiration": "2001-01-01T00:00:00Z"},
        token=token,
    )

    body = call(
        "share_link/update",
        {"share_id": share.share_id, "expiration": "", "download_count": 0, "access_count": 9},
        token=token,
    ).json()

    assert body["expiration"] == ""
    assert body["expired"] is False
    assert (body["download_count"], body["access_count"]) == (0, 9)


def test_expired_is_computed_from_the_expiration(alice, tree):
    share = make_share(alice, [tree.shared])

    body = call(
        "share_link/update",
        {"share_id": share.share_id, "expiration": "2001-01-01T00:00:00+02:00"},
        token=token_for(alice),
    ).json()

    assert body["expired"] is True
    assert body["status"] == "enabled"


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"status": "paused"}, "InvalidParameter", "status"),
        ({"status": ""}, "InvalidParameter", "status"),
        ({"share_pwd": "a b"}, "InvalidParameter", "share_pwd"),
        ({"preview_count": -2}, "InvalidParameterOutOfRange", "preview_count"),
        ({"expiration": "2030-13-01T00:00:00Z"}, "InvalidParameter", "expiration"),
        ({"share_name": "x" * 129}, "InvalidParameterOutOfRange", "share_name"),
    ],
)
def test_update_refuses_bad_fields_and_changes_nothing(alice, tree, fields, code, field):
    share = make_share(alice, [tree.shared], share_name="Before")

    response = call(
        "share_link/update",
        {"share_id": share.share_id, "description": "changed", **fields},
        token=token_for(alice),
    )

    assert_error(response, 400, code, field=field)
    share.refresh_from_db()
    assert (share.share_name, share.description) == ("Before", "")


def test_update_of_a_cancelled_share_is_refused(alice, tree):
    share = make_share(alice, [tree.shared])
    token = token_for(alice)
    call("share_link/cancel", {"share_id": share.share_id}, token=token)

    response = call(
        "share_link/update", {"share_id": share.share_id, "status": "enabled"}, token=token
    )

    assert_error(response, 400, "ShareLink.Cancelled")
    assert ShareLink.objects.get(pk=share.pk).status == "disabled"


def test_cancel_answers_204_and_disables_the_share(alice, tree):
    share = make_share(alice, [tree.shared])
    token = token_for(alice)

    response = call("share_link/cancel", {"share_id": share.share_id}, token=token)

    assert response.status_code == 204
    assert response.content == b""
    assert response["x-ca-request-id"]
    after = call("share_link/get", {"share_id": share.share_id}, token=token).json()
    assert after["status"] == "disabled"


def test_cancel_twice_is_harmless(alice, tree):
    share = make_share(alice, [tree.shared])
    token = token_for(alice)
    call("share_link/cancel", {"share_id": share.share_id}, token=token)

    assert call("share_link/cancel", {"share_id": share.share_id}, token=token).status_code == 204


def test_cancel_of_an_unknown_share_is_404(alice):
    response = call("share_link/cancel", {"share_id": "unknown0000"}, token=token_for(alice))

    assert_error(response, 404, "NotFound.ShareLink")
