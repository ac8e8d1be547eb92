"""Contract tests of `require_login` shares and of `file/copy` ("Save to my drive")."""

import pytest

from localpds.models import ArchiveTask, Drive, File, ShareLink
from localpds.storage import blob_path, file_create, folder_create

from .api_helpers import assert_error, call, drive_of, make_share, share_token_of, token_for


@pytest.fixture
def files(alice):
    """alice's drive with contents on disk: shared/ (a.txt, sub/b.bin, empty/), secret.txt."""
    drive = drive_of(alice)
    shared = folder_create(drive=drive, parent=None, name="shared")
    sub = folder_create(drive=drive, parent=shared, name="sub")
    folder_create(drive=drive, parent=shared, name="empty")
    return {
        "shared": shared,
        "sub": sub,
        "a": file_create(drive=drive, parent=shared, name="a.txt", content=b"alpha\n"),
        "b": file_create(drive=drive, parent=sub, name="b.bin", content=bytes(range(256)) * 40),
        "secret": file_create(drive=drive, parent=None, name="secret.txt", content=b"no"),
    }


@pytest.fixture
def share(alice, files) -> ShareLink:
    return make_share(alice, [files["shared"]])


@pytest.fixture
def bob_token(bob) -> str:
    return token_for(bob)


def _copy(share: ShareLink, body: dict, *, token: str, share_token: str = ""):
    share_token = share_token or share_token_of(share)
    return call(
        "file/copy",
        {"share_id": share.share_id, **body},
        share_token=share_token,
        token=token,
    )


def _save(share, file, user, token, **extra):
    body = {
        "file_id": file.file_id,
        "to_drive_id": drive_of(user).drive_id,
        "to_parent_file_id": "root",
        **extra,
    }
    return _copy(share, body, token=token)


def _listing(user, token, parent="root") -> dict[str, dict]:
    response = call(
        "file/list",
        {"drive_id": drive_of(user).drive_id, "parent_file_id": parent, "limit": 100},
        token=token,
    )
    assert response.status_code == 200, response.content
    return {item["name"]: item for item in response.json()["items"]}


# require_login


@pytest.fixture
def login_share(alice, files) -> ShareLink:
    return make_share(alice, [files["shared"]], require_login=True)


def test_a_require_login_share_gives_no_token_without_a_user(login_share):
    response = call("share_link/get_share_token", {"share_id": login_share.share_id})
    assert_error(response, 401, "AccessTokenInvalid")


def test_a_require_login_share_reads_with_both_headers(login_share, bob_token):
    response = call(
        "share_link/get_share_token", {"share_id": login_share.share_id}, token=bob_token
    )
    assert response.status_code == 200, response.content
    share_token = response.json()["share_token"]
    listed = call(
        "file/list",
        {"share_id": login_share.share_id, "parent_file_id": "root"},
        share_token=share_token,
        token=bob_token,
    )
    assert listed.status_code == 200, listed.content
    assert [item["name"] for item in listed.json()["items"]] == ["shared"]


@pytest.mark.parametrize("operation", ["file/list", "file/get", "file/get_download_url"])
def test_a_require_login_share_token_alone_is_refused(login_share, files, bob_token, operation):
    response = call(
        "share_link/get_share_token", {"share_id": login_share.share_id}, token=bob_token
    )
    share_token = response.json()["share_token"]
    body = {
        "share_id": login_share.share_id,
        "parent_file_id": "root",
        "file_id": files["a"].file_id,
    }
    refused = call(operation, body, share_token=share_token)
    assert_error(refused, 401, "AccessTokenInvalid")
    # A bad Bearer token is no user either.
    refused = call(operation, body, share_token=share_token, token="not-a-token")
    assert_error(refused, 401, "AccessTokenInvalid")


def test_a_require_login_share_token_works_for_its_own_user_only(login_share, alice, bob_token):
    response = call(
        "share_link/get_share_token", {"share_id": login_share.share_id}, token=bob_token
    )
    share_token = response.json()["share_token"]
    refused = call(
        "file/list",
        {"share_id": login_share.share_id, "parent_file_id": "root"},
        share_token=share_token,
        token=token_for(alice),
    )
    assert_error(refused, 401, "ShareLinkTokenInvalid")


def test_a_share_turned_require_login_refuses_the_tokens_given_before(share, alice):
    share_token = share_token_of(share)
    ShareLink.objects.filter(pk=share.pk).update(require_login=True)
    refused = call(
        "file/list",
        {"share_id": share.share_id, "parent_file_id": "root"},
        share_token=share_token,
    )
    assert_error(refused, 401, "AccessTokenInvalid")


def test_an_archive_task_of_a_require_login_share_needs_the_user_too(login_share, files, bob_token):
    share_token = call(
        "share_link/get_share_token", {"share_id": login_share.share_id}, token=bob_token
    ).json()["share_token"]
    started = call(
        "file/archive_files",
        {"share_id": login_share.share_id, "file_ids": [files["a"].file_id], "name": "x"},
        share_token=share_token,
        token=bob_token,
    )
    assert started.status_code == 202, started.content
    task_id = started.json()["async_task_id"]
    refused = call("async_task/get", {"async_task_id": task_id}, share_token=share_token)
    assert_error(refused, 401, "AccessTokenInvalid")
    followed = call(
        "async_task/get", {"async_task_id": task_id}, share_token=share_token, token=bob_token
    )
    assert followed.status_code == 200 and followed.json()["state"] == "Succeed"


# file/copy out of a share


def test_saving_a_file_answers_201_with_the_new_file_in_the_users_drive(
    share, files, bob, bob_token
):
    response = _save(share, files["a"], bob, bob_token)
    assert response.status_code == 201, response.content
    saved = response.json()
    assert saved["name"] == "a.txt" and saved["type"] == "file"
    assert saved["drive_id"] == drive_of(bob).drive_id and saved["parent_file_id"] == "root"
    assert saved["file_id"] != files["a"].file_id and saved["async_task_id"] == ""
    assert saved["size"] == 6
    assert "share_id" not in saved
    row = File.objects.get(file_id=saved["file_id"])
    assert blob_path(row).read_bytes() == b"alpha\n"
    assert _listing(bob, bob_token)["a.txt"]["file_id"] == saved["file_id"]
    share.refresh_from_db()
    assert share.save_count == 1
    assert Drive.objects.get(pk=drive_of(bob).pk).total_size == 6
    # The original is untouched.
    assert File.objects.get(pk=files["a"].pk).drive_id == drive_of(share.creator).pk


def test_saving_a_folder_answers_202_and_its_task_completes_with_every_byte(
    share, files, bob, bob_token
):
    share_token = share_token_of(share)
    body = {
        "file_id": files["shared"].file_id,
        "to_drive_id": drive_of(bob).drive_id,
        "to_parent_file_id": "root",
    }
    response = _copy(share, body, token=bob_token, share_token=share_token)
    assert response.status_code == 202, response.content
    answer = response.json()
    assert answer["async_task_id"] and answer["drive_id"] == drive_of(bob).drive_id
    task = call(
        "async_task/get",
        {"async_task_id": answer["async_task_id"]},
        share_token=share_token,
        token=bob_token,
    )
    assert task.status_code == 200, task.content
    state = task.json()
    assert state["state"] == "Succeed" and state["url"] == ""
    assert state["file_id"] == answer["file_id"] and state["name"] == "shared"
    assert (state["total_process"], state["consumed_process"]) == (5, 5)
    top = _listing(bob, bob_token)
    assert top["shared"]["file_id"] == answer["file_id"] and top["shared"]["type"] == "folder"
    inside = _listing(bob, bob_token, answer["file_id"])
    assert sorted(inside) == ["a.txt", "empty", "sub"]
    deep = _listing(bob, bob_token, inside["sub"]["file_id"])
    copied_b = File.objects.get(file_id=deep["b.bin"]["file_id"])
    assert blob_path(copied_b).read_bytes() == bytes(range(256)) * 40
    assert (
        copied_b.id_path == f"/{answer['file_id']}/{inside['sub']['file_id']}/{copied_b.file_id}/"
    )
    share.refresh_from_db()
    assert share.save_count == 1
    # The task is bob's alone: the share token without him, or another user, is not told.
    assert_error(
        call("async_task/get", {"async_task_id": answer["async_task_id"]}, share_token=share_token),
        404,
        "NotFound.AsyncTask",
    )


def test_a_copy_into_a_subfolder_with_a_new_name(share, files, bob, bob_token):
    target = folder_create(drive=drive_of(bob), parent=None, name="inbox")
    response = _save(
        share, files["a"], bob, bob_token, to_parent_file_id=target.file_id, new_name="b.txt"
    )
    assert response.status_code == 201, response.content
    assert response.json()["parent_file_id"] == target.file_id
    assert sorted(_listing(bob, bob_token, target.file_id)) == ["b.txt"]


def test_auto_rename_finds_a_free_name_and_without_it_a_clash_is_409(share, files, bob, bob_token):
    assert _save(share, files["a"], bob, bob_token).status_code == 201
    assert_error(_save(share, files["a"], bob, bob_token), 409, "AlreadyExist.File")
    second = _save(share, files["a"], bob, bob_token, auto_rename=True)
    third = _save(share, files["a"], bob, bob_token, auto_rename=True)
    assert (second.json()["name"], third.json()["name"]) == ("a (2).txt", "a (3).txt")
    folder = _save(share, files["sub"], bob, bob_token)
    assert folder.status_code == 202
    again = _save(share, files["sub"], bob, bob_token, auto_rename=True)
    assert again.status_code == 202
    assert sorted(n for n in _listing(bob, bob_token) if n.startswith("sub")) == ["sub", "sub (2)"]


def test_an_owner_copies_within_their_own_drive(alice, files):
    token = token_for(alice)
    drive_id = drive_of(alice).drive_id
    response = call(
        "file/copy",
        {
            "drive_id": drive_id,
            "file_id": files["secret"].file_id,
            "to_parent_file_id": files["shared"].file_id,
        },
        token=token,
    )
    assert response.status_code == 201, response.content
    assert response.json()["drive_id"] == drive_id
    into_itself = call(
        "file/copy",
        {
            "drive_id": drive_id,
            "file_id": files["shared"].file_id,
            "to_parent_file_id": files["sub"].file_id,
        },
        token=token,
    )
    assert_error(into_itself, 400, "InvalidParameter")


# Refusals


def test_a_save_without_a_user_is_refused(share, files, bob):
    body = {
        "file_id": files["a"].file_id,
        "to_drive_id": drive_of(bob).drive_id,
        "to_parent_file_id": "root",
    }
    assert_error(_copy(share, body, token=""), 401, "AccessTokenInvalid")
    assert_error(_copy(share, body, token="expired-or-made-up"), 401, "AccessTokenInvalid")
    assert not File.objects.filter(drive=drive_of(bob)).exists()


def test_a_save_with_a_wrong_share_token_is_refused(share, files, bob, bob_token):
    body = {
        "file_id": files["a"].file_id,
        "to_drive_id": drive_of(bob).drive_id,
        "to_parent_file_id": "root",
    }
    assert_error(
        _copy(share, body, token=bob_token, share_token="forged"), 401, "ShareLinkTokenInvalid"
    )
    other = make_share(share.creator, [files["secret"]])
    assert_error(
        _copy(share, body, token=bob_token, share_token=share_token_of(other)),
        401,
        "ShareLinkTokenInvalid",
    )


def test_disable_save_refuses_and_counts_nothing(share, files, bob, bob_token):
    ShareLink.objects.filter(pk=share.pk).update(disable_save=True)
    assert_error(_save(share, files["a"], bob, bob_token), 403, "ShareLink.SaveDisabled")
    assert_error(_save(share, files["shared"], bob, bob_token), 403, "ShareLink.SaveDisabled")
    share.refresh_from_db()
    assert share.save_count == 0
    assert not File.objects.filter(drive=drive_of(bob)).exists()


@pytest.mark.parametrize(
    "limits", [{"save_limit": 2}, {"save_download_limit": 3, "download_count": 1}]
)
def test_the_save_limits_refuse_past_them(share, files, bob, bob_token, limits):
    ShareLink.objects.filter(pk=share.pk).update(**limits)
    assert _save(share, files["a"], bob, bob_token, auto_rename=True).status_code == 201
    assert _save(share, files["shared"], bob, bob_token, auto_rename=True).status_code == 202
    refused = _save(share, files["a"], bob, bob_token, auto_rename=True)
    assert_error(refused, 403, "ShareLink.SaveLimitExceeded")
    share.refresh_from_db()
    assert share.save_count == 2
    assert File.objects.filter(drive=drive_of(bob), parent=None).count() == 2


def test_a_target_the_user_may_not_write_is_refused(share, files, alice, bob, bob_token):
    # alice's drive is not bob's.
    refused = _save(share, files["a"], bob, bob_token, to_drive_id=drive_of(alice).drive_id)
    assert_error(refused, 403, "ForbiddenNoPermission")
    assert_error(
        _save(share, files["a"], bob, bob_token, to_drive_id="999999"), 404, "NotFound.Drive"
    )
    # A folder of another drive, given with bob's own drive, is not found there.
    assert_error(
        _save(share, files["a"], bob, bob_token, to_parent_file_id=files["sub"].file_id),
        404,
        "NotFound.File",
    )
    a_file = file_create(drive=drive_of(bob), parent=None, name="note.txt", content=b"n")
    assert_error(
        _save(share, files["a"], bob, bob_token, to_parent_file_id=a_file.file_id),
        400,
        "InvalidParameter",
    )
    share.refresh_from_db()
    assert share.save_count == 0


def test_a_file_outside_the_share_cannot_be_saved(share, files, bob, bob_token):
    assert_error(_save(share, files["secret"], bob, bob_token), 404, "NotFound.File")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"to_drive_id": "1", "to_parent_file_id": "root"}, "InvalidParameterMissing"),
        ({"file_id": "x", "to_parent_file_id": "root"}, "InvalidParameterMissing"),
        ({"file_id": "x", "to_drive_id": "1"}, "InvalidParameterMissing"),
        ({"file_id": 5, "to_drive_id": "1", "to_parent_file_id": "root"}, "InvalidParameter"),
        (
            {"file_id": "x", "to_drive_id": "1", "to_parent_file_id": "root", "auto_rename": "y"},
            "InvalidParameter",
        ),
    ],
)
def test_bad_bodies_are_400(share, bob_token, body, code):
    response = _copy(share, body, token=bob_token)
    assert response.status_code == 400, response.content
    assert response.json()["code"].startswith(code)


def test_a_bad_new_name_is_400_and_writes_nothing(share, files, bob, bob_token):
    for name, code in (("a/b", "InvalidParameter"), ("..", "InvalidParameter")):
        assert_error(_save(share, files["a"], bob, bob_token, new_name=name), 400, code)
    too_long = _save(share, files["a"], bob, bob_token, new_name="x" * 1025)
    assert_error(too_long, 400, "InvalidParameterOutOfRange", field="new_name")
    assert not File.objects.filter(drive=drive_of(bob)).exists()
    share.refresh_from_db()
    assert share.save_count == 0


def test_a_folder_past_the_copy_limit_is_refused(share, files, bob, bob_token, settings):
    settings.LOCALPDS_ARCHIVE_MAX_ENTRIES = 3
    refused = _save(share, files["shared"], bob, bob_token)
    assert_error(refused, 400, "InvalidParameterOutOfRange")
    assert not ArchiveTask.objects.exists()
    assert not File.objects.filter(drive=drive_of(bob)).exists()
