"""`user/get`, `drive/list_my_drives` and `drive/get_default_drive`.

See docs/pds-api.md#users-and-drives.
"""

import pytest

from localpds.models import Drive

from .api_helpers import assert_error, call, drive_of, token_for

pytestmark = [pytest.mark.urls("localpds.urls"), pytest.mark.django_db]


def test_user_get_with_an_empty_body_is_the_caller(alice):
    response = call("user/get", {}, token=token_for(alice))

    body = response.json()
    assert response.status_code == 200
    assert body["user_id"] == alice.user_id
    assert body["user_name"] == "alice"
    assert body["nick_name"] == "alice"
    assert body["role"] == "user"
    assert body["status"] == "enabled"
    assert body["domain_id"] == "localpds"
    assert body["default_drive_id"] == drive_of(alice).drive_id
    # Users carry epoch milliseconds, unlike files and shares.
    assert isinstance(body["created_at"], int) and body["created_at"] > 1_600_000_000_000
    assert isinstance(body["updated_at"], int)
    assert "password" not in body


def test_user_get_of_oneself_by_id_is_allowed(alice):
    response = call("user/get", {"user_id": alice.user_id}, token=token_for(alice))

    assert response.json()["user_id"] == alice.user_id


def test_a_user_may_not_read_another_user(alice, bob):
    response = call("user/get", {"user_id": bob.user_id}, token=token_for(alice))

    assert_error(response, 403, "ForbiddenNoPermission")


def test_an_admin_reads_any_user(alice, root_admin):
    response = call("user/get", {"user_id": alice.user_id}, token=token_for(root_admin))

    assert response.json()["user_name"] == "alice"


def test_an_admin_asking_for_an_unknown_user_gets_404(root_admin):
    response = call("user/get", {"user_id": "nobody"}, token=token_for(root_admin))

    assert_error(response, 404, "NotFound.User")


def test_user_get_refuses_a_non_string_user_id(alice):
    response = call("user/get", {"user_id": 7}, token=token_for(alice))

    assert_error(response, 400, "InvalidParameter", field="user_id")


def test_list_my_drives_returns_only_the_callers_drives(alice, bob):
    second = Drive.objects.create(owner=alice, drive_name="Archive")

    response = call("drive/list_my_drives", {}, token=token_for(alice))

    items = response.json()["items"]
    assert [d["drive_id"] for d in items] == [drive_of(alice).drive_id, second.drive_id]
    assert items[0]["owner"] == alice.user_id
    assert items[0]["drive_name"] == "alice's drive"
    assert response.json()["next_marker"] == ""


def test_list_my_drives_pages(alice):
    Drive.objects.create(owner=alice, drive_name="Archive")
    token = token_for(alice)

    first = call("drive/list_my_drives", {"limit": 1}, token=token).json()
    second = call(
        "drive/list_my_drives", {"limit": 1, "marker": first["next_marker"]}, token=token
    ).json()

    assert [d["drive_name"] for d in first["items"] + second["items"]] == [
        "alice's drive",
        "Archive",
    ]
    assert second["next_marker"] == ""


def test_get_default_drive_is_the_first_drive(alice):
    response = call("drive/get_default_drive", {}, token=token_for(alice))

    assert response.json()["drive_id"] == drive_of(alice).drive_id


def test_get_default_drive_of_another_user_is_for_admins(alice, bob, root_admin):
    assert_error(
        call("drive/get_default_drive", {"user_id": bob.user_id}, token=token_for(alice)),
        403,
        "ForbiddenNoPermission",
    )
    response = call(
        "drive/get_default_drive", {"user_id": bob.user_id}, token=token_for(root_admin)
    )
    assert response.json()["drive_id"] == drive_of(bob).drive_id


def test_a_user_without_a_drive_has_no_default_drive(alice):
    alice.drives.all().delete()

    response = call("drive/get_default_drive", {}, token=token_for(alice))

    assert_error(response, 404, "NotFound.Drive")
