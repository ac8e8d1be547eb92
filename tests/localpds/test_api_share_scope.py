"""Attacks on the security core: a share token reads only inside its share, and an access
token only inside its owner's drives, whatever ids and fields a caller combines."""

import pytest

from localpds.models import File, ShareLink

from .api_helpers import (
    assert_error,
    call,
    drive_of,
    make_file,
    make_share,
    share_token_of,
    token_for,
)

pytestmark = [pytest.mark.urls("localpds.urls"), pytest.mark.django_db]

OPERATIONS = ("get", "get_download_url", "list")


def through(share: ShareLink, operation: str, file_id: str, *, token: str = "", **extra):
    field = "parent_file_id" if operation == "list" else "file_id"
    body = {"share_id": share.share_id, field: file_id, **extra}
    return call(f"file/{operation}", body, share_token=token or share_token_of(share))


@pytest.mark.parametrize("operation", OPERATIONS)
def test_the_parent_of_a_shared_folder_stays_out_of_reach(alice, tree, operation):
    share = make_share(alice, [tree.sub])

    response = through(share, operation, tree.shared.file_id)

    assert_error(response, 404, "NotFound.File")


def test_a_shared_subfolder_reports_root_as_its_parent(alice, tree):
    share = make_share(alice, [tree.sub])

    listed = through(share, "list", "root").json()["items"]
    got = through(share, "get", tree.sub.file_id).json()

    assert [(i["file_id"], i["parent_file_id"]) for i in listed] == [(tree.sub.file_id, "root")]
    assert got["parent_file_id"] == "root"
    assert tree.shared.file_id not in str(listed) + str(got)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_token_does_not_reach_another_share_of_the_same_owner(alice, tree, operation):
    mine = make_share(alice, [tree.shared])
    make_share(alice, [tree.other])

    response = through(mine, operation, tree.hidden.file_id)

    assert_error(response, 404, "NotFound.File")


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_token_of_one_share_with_the_id_of_another_is_refused(alice, tree, operation):
    mine = make_share(alice, [tree.shared])
    theirs = make_share(alice, [tree.other])

    response = through(theirs, operation, tree.hidden.file_id, token=share_token_of(mine))

    assert_error(response, 401, "ShareLinkTokenInvalid")


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_drive_id_beside_a_share_token_is_ignored(alice, tree, operation):
    share = make_share(alice, [tree.shared])
    target = tree.other.file_id if operation == "list" else tree.secret.file_id

    response = through(share, operation, target, drive_id=drive_of(alice).drive_id)

    assert_error(response, 404, "NotFound.File")


def test_listing_the_root_with_a_drive_id_still_lists_only_the_share(alice, tree):
    share = make_share(alice, [tree.top])

    response = through(share, "list", "root", drive_id=drive_of(alice).drive_id)

    assert [i["file_id"] for i in response.json()["items"]] == [tree.top.file_id]


def test_a_file_outside_the_share_is_404_even_when_listed_as_a_folder(alice, tree):
    # Inside the share, listing a file says "not a folder"; outside it must not say anything.
    share = make_share(alice, [tree.shared])

    assert_error(through(share, "list", tree.top.file_id), 400, "InvalidParameter")
    assert_error(through(share, "list", tree.secret.file_id), 404, "NotFound.File")


def test_a_bearer_token_does_not_stand_in_for_a_share_token(alice, bob, tree):
    share = make_share(alice, [tree.shared])
    body = {"share_id": share.share_id, "parent_file_id": "root"}

    for token in (token_for(bob), token_for(alice)):
        assert_error(call("file/list", body, token=token), 401, "ShareLinkTokenInvalid")


def test_a_deleted_shared_item_disappears_from_the_share(alice, tree):
    share = make_share(alice, [tree.shared, tree.secret])
    token = share_token_of(share)
    gone = [tree.secret.file_id, tree.shared.file_id, tree.deep.file_id]
    # Deleting the shared folder takes its whole subtree with it.
    File.objects.filter(pk__in=gone[:2]).delete()

    assert through(share, "list", "root", token=token).json()["items"] == []
    for file_id in gone:
        assert_error(through(share, "get", file_id, token=token), 404, "NotFound.File")


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_share_of_all_files_stays_inside_its_drive(alice, bob, tree, operation):
    share = make_share(alice, [], share_all_files=True)
    bobs_folder = make_file(drive_of(bob), "bob", folder=True)
    bobs_file = make_file(drive_of(bob), "bob.txt", parent=bobs_folder)
    target = bobs_folder.file_id if operation == "list" else bobs_file.file_id

    assert_error(through(share, operation, target), 404, "NotFound.File")


@pytest.mark.parametrize(
    ("operation", "field"),
    [
        ("list", {"parent_file_id": "root"}),
        ("get", {"file_id": "secret"}),
        ("get_download_url", {"file_id": "secret"}),
        ("search", {"query": "name = 'secret.txt'"}),
    ],
)
def test_a_user_cannot_read_another_users_drive_by_naming_it(alice, bob, tree, operation, field):
    field = {k: tree.secret.file_id if v == "secret" else v for k, v in field.items()}
    body = {"drive_id": drive_of(alice).drive_id, **field}

    response = call(f"file/{operation}", body, token=token_for(bob))

    assert_error(response, 403, "ForbiddenNoPermission")


@pytest.mark.parametrize("operation", ["get", "get_download_url"])
def test_a_user_cannot_read_another_users_file_through_their_own_drive(alice, bob, tree, operation):
    body = {"drive_id": drive_of(bob).drive_id, "file_id": tree.secret.file_id}

    response = call(f"file/{operation}", body, token=token_for(bob))

    assert_error(response, 404, "NotFound.File")
