"""`file/list|get|get_download_url|search` for owners and through share tokens.

See docs/pds-api.md#files.

The security core: a share token reads only inside its share, whatever file id is guessed.
"""

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest

from localpds import dataurls
from localpds.models import ShareLink

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


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def via_share(operation: str, share: ShareLink, token: str, **body):
    return call(f"file/{operation}", {"share_id": share.share_id, **body}, share_token=token)


def as_owner(operation: str, user, **body):
    return call(
        f"file/{operation}", {"drive_id": drive_of(user).drive_id, **body}, token=token_for(user)
    )


def signature_valid(url: str, kind: str) -> bool:
    parts = urlsplit(url)
    file_id = parts.path.split("/")[2]
    query = dict(pair.split("=") for pair in parts.query.split("&"))
    return dataurls.verify(file_id, kind, query["e"], query["s"])


# Owner side


def test_the_owner_lists_the_top_of_the_drive(alice, tree):
    assert sorted(names(as_owner("list", alice, parent_file_id="root"))) == [
        "other",
        "secret.txt",
        "shared",
    ]


def test_the_owner_lists_a_folder_with_the_file_wire_fields(alice, tree):
    response = as_owner(
        "list", alice, parent_file_id=tree.shared.file_id, order_by="name", fields="url"
    )

    items = {item["name"]: item for item in response.json()["items"]}
    assert list(items) == ["photo.jpg", "sub", "top.txt"]
    photo = items["photo.jpg"]
    assert photo["file_id"] == tree.photo.file_id
    assert photo["type"] == "file"
    assert photo["parent_file_id"] == tree.shared.file_id
    assert photo["drive_id"] == drive_of(alice).drive_id
    assert photo["domain_id"] == "localpds"
    assert photo["size"] == 100
    assert photo["content_type"] == photo["mime_type"] == "image/jpeg"
    assert photo["file_extension"] == "jpg"
    assert photo["category"] == "image"
    assert photo["status"] == "available"
    assert photo["content_hash_name"] == "sha1"
    assert photo["created_at"].endswith("Z")
    assert signature_valid(photo["thumbnail"], "thumbnail")
    assert signature_valid(photo["url"], "preview")
    assert signature_valid(photo["download_url"], "download")
    assert "share_id" not in photo
    folder = items["sub"]
    assert folder["type"] == "folder"
    assert "size" not in folder and "url" not in folder
    assert items["top.txt"]["thumbnail"] == ""


@pytest.mark.parametrize(
    ("when", "wire"),
    [
        (datetime(2025, 3, 1, 9, 0, tzinfo=UTC), "2025-03-01T09:00:00.000Z"),
        (datetime(2025, 3, 1, 9, 0, 5, 123999, tzinfo=UTC), "2025-03-01T09:00:05.123Z"),
        (
            datetime(2025, 3, 1, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
            "2025-03-02T04:59:59.999Z",
        ),
    ],
)
def test_a_listing_writes_timestamps_as_file_get_does(alice, tree, when, wire):
    file = make_file(drive_of(alice), "dated.txt", parent=tree.sub, created_at=when)

    listed = as_owner("list", alice, parent_file_id=tree.sub.file_id).json()["items"]
    item = next(item for item in listed if item["file_id"] == file.file_id)
    got = as_owner("get", alice, file_id=file.file_id).json()
    assert item["created_at"] == item["updated_at"] == got["created_at"] == wire


def test_data_urls_are_absolute_on_the_pds_host(alice, tree):
    item = as_owner("get", alice, file_id=tree.top.file_id).json()

    assert item["url"].startswith("http://testserver/data/")


def test_the_owner_filters_a_listing_by_type(alice, tree):
    response = as_owner("list", alice, parent_file_id=tree.shared.file_id, type="folder")

    assert names(response) == ["sub"]


@pytest.mark.parametrize(
    ("fields", "status", "code", "field"),
    [
        ({}, 400, "InvalidParameterMissing", "parent_file_id"),
        ({"parent_file_id": "root", "limit": 0}, 400, "InvalidParameterOutOfRange", "limit"),
        ({"parent_file_id": "root", "limit": 101}, 400, "InvalidParameterOutOfRange", "limit"),
        ({"parent_file_id": "root", "order_by": "colour"}, 400, "InvalidParameter", "order_by"),
        (
            {"parent_file_id": "root", "order_direction": "SIDEWAYS"},
            400,
            "InvalidParameter",
            "order_direction",
        ),
        ({"parent_file_id": "root", "type": "link"}, 400, "InvalidParameter", "type"),
        ({"parent_file_id": "root", "marker": "%%%"}, 400, "InvalidParameter", "marker"),
        (
            {"parent_file_id": "root", "url_expire_sec": 5},
            400,
            "InvalidParameterOutOfRange",
            "url_expire_sec",
        ),
        ({"parent_file_id": "0" * 40}, 404, "NotFound.File", ""),
    ],
)
def test_owner_list_refuses_bad_fields(alice, tree, fields, status, code, field):
    assert_error(as_owner("list", alice, **fields), status, code, field=field)


def test_listing_a_file_as_a_folder_is_refused(alice, tree):
    response = as_owner("list", alice, parent_file_id=tree.top.file_id)

    assert_error(response, 400, "InvalidParameter", field="parent_file_id")


def test_the_owner_needs_a_drive_id_to_list(alice, tree):
    response = call("file/list", {"parent_file_id": "root"}, token=token_for(alice))

    assert_error(response, 400, "InvalidParameterMissing", field="drive_id")


def test_another_users_drive_is_forbidden(alice, bob, tree):
    body = {"drive_id": drive_of(alice).drive_id, "parent_file_id": "root"}

    assert_error(call("file/list", body, token=token_for(bob)), 403, "ForbiddenNoPermission")


def test_an_admin_may_read_any_drive(alice, root_admin, tree):
    body = {"drive_id": drive_of(alice).drive_id, "file_id": tree.secret.file_id}

    assert call("file/get", body, token=token_for(root_admin)).status_code == 200


def test_file_api_without_credentials_is_refused(alice, tree):
    body = {"drive_id": drive_of(alice).drive_id, "parent_file_id": "root"}

    assert_error(call("file/list", body), 401, "AccessTokenInvalid")


def test_the_owner_gets_one_file(alice, tree):
    response = as_owner("get", alice, file_id=tree.deep.file_id)

    assert response.json()["name"] == "deep.txt"
    assert response.json()["parent_file_id"] == tree.sub.file_id


def test_get_of_a_file_in_another_drive_is_404(alice, bob, tree):
    bobs = make_file(drive_of(bob), "bob.txt")

    assert_error(as_owner("get", alice, file_id=bobs.file_id), 404, "NotFound.File")


def test_the_owner_gets_a_download_url(alice, tree):
    response = as_owner("get_download_url", alice, file_id=tree.top.file_id, expire_sec=60)

    body = response.json()
    assert response.status_code == 200
    assert signature_valid(body["url"], "download")
    assert body["method"] == "GET"
    assert body["size"] == 100
    assert body["expiration"].endswith("Z")
    assert body["content_hash_name"] == "sha1"


def test_a_folder_has_no_download_url(alice, tree):
    response = as_owner("get_download_url", alice, file_id=tree.shared.file_id)

    assert_error(response, 400, "InvalidParameter", field="file_id")


@pytest.mark.parametrize("expire_sec", [0, 115201, "900"])
def test_download_url_expire_sec_is_bounded(alice, tree, expire_sec):
    response = as_owner("get_download_url", alice, file_id=tree.top.file_id, expire_sec=expire_sec)

    assert response.status_code == 400
    assert "expire_sec" in response.json()["message"]


def test_search_by_exact_name(alice, tree):
    assert names(as_owner("search", alice, query="name = 'deep.txt'")) == ["deep.txt"]


def test_search_by_partial_name_and_type(alice, tree):
    response = as_owner("search", alice, query="name match 'e' and type = 'folder'")

    assert names(response) == ["other", "shared"]


def test_search_inside_one_folder_with_total(alice, tree):
    query = f"parent_file_id = '{tree.shared.file_id}' and type = 'file'"

    response = as_owner("search", alice, query=query, return_total_count=True)

    assert names(response) == ["photo.jpg", "top.txt"]
    assert response.json()["total_count"] == 2


def test_search_orders_as_asked(alice, tree):
    response = as_owner("search", alice, query="type = 'file'", order_by="name DESC")

    assert names(response) == ["top.txt", "secret.txt", "photo.jpg", "hidden.txt", "deep.txt"]


def test_search_pages_with_a_marker(alice, tree):
    first = as_owner("search", alice, query="type = 'file'", limit=3).json()
    second = as_owner(
        "search", alice, query="type = 'file'", limit=3, marker=first["next_marker"]
    ).json()

    assert [i["name"] for i in first["items"] + second["items"]] == [
        "deep.txt",
        "hidden.txt",
        "photo.jpg",
        "secret.txt",
        "top.txt",
    ]
    assert second["next_marker"] == ""


def test_search_never_crosses_into_another_drive(alice, bob, tree):
    make_file(drive_of(bob), "deep.txt")

    assert len(names(as_owner("search", alice, query="name = 'deep.txt'"))) == 1


@pytest.mark.parametrize(
    ("query", "code"),
    [
        (None, "InvalidParameterMissing"),
        ("name ~ 'x'", "InvalidParameter"),
        ("owner = 'me'", "InvalidParameter"),
        ("name = 'a' and", "InvalidParameter"),
    ],
)
def test_search_refuses_a_query_it_cannot_read(alice, tree, query, code):
    assert_error(as_owner("search", alice, query=query), 400, code, field="query")


# Through a share token


def test_root_of_a_share_lists_exactly_the_shared_items(alice, tree):
    share = make_share(alice, [tree.shared, tree.secret])

    response = via_share("list", share, share_token_of(share), parent_file_id="root")

    items = response.json()["items"]
    assert sorted(i["file_id"] for i in items) == sorted([tree.shared.file_id, tree.secret.file_id])
    assert all(i["share_id"] == share.share_id for i in items)
    # The shared items' real parents stay private.
    assert all(i["parent_file_id"] == "root" for i in items)
    assert all("download_url" not in i for i in items)


def test_a_subfolder_is_listed_by_its_real_id(alice, tree):
    share = make_share(alice, [tree.shared])
    token = share_token_of(share)

    top = via_share("list", share, token, parent_file_id=tree.shared.file_id, order_by="name")
    nested = via_share("list", share, token, parent_file_id=tree.sub.file_id)

    assert names(top) == ["photo.jpg", "sub", "top.txt"]
    assert all(i["share_id"] == share.share_id for i in top.json()["items"])
    assert nested.json()["items"][0]["file_id"] == tree.deep.file_id
    assert nested.json()["items"][0]["parent_file_id"] == tree.sub.file_id


def test_a_nested_file_inside_the_share_opens(alice, tree):
    share = make_share(alice, [tree.shared])
    token = share_token_of(share)

    assert via_share("get", share, token, file_id=tree.deep.file_id).json()["name"] == "deep.txt"
    assert via_share("get_download_url", share, token, file_id=tree.deep.file_id).status_code == 200


@pytest.mark.parametrize("outside", ["secret", "other", "hidden", "bobs", "guess"])
@pytest.mark.parametrize("operation", ["get", "get_download_url", "list"])
def test_nothing_outside_the_shared_subtrees_can_be_reached(alice, bob, tree, outside, operation):
    share = make_share(alice, [tree.shared])
    token = share_token_of(share)
    targets = {
        "secret": tree.secret.file_id,
        "other": tree.other.file_id,
        "hidden": tree.hidden.file_id,
        "bobs": make_file(drive_of(bob), "bob.txt").file_id,
        "guess": "f" * 40,
    }
    field = "parent_file_id" if operation == "list" else "file_id"

    response = via_share(operation, share, token, **{field: targets[outside]})

    assert_error(response, 404, "NotFound.File")
    assert ShareLink.objects.get(pk=share.pk).download_count == 0


def test_a_shared_file_does_not_open_its_siblings(alice, tree):
    share = make_share(alice, [tree.top])
    token = share_token_of(share)

    assert_error(via_share("get", share, token, file_id=tree.photo.file_id), 404, "NotFound.File")
    assert_error(
        via_share("list", share, token, parent_file_id=tree.shared.file_id), 404, "NotFound.File"
    )


def test_a_drive_id_in_the_body_does_not_widen_a_share(alice, tree):
    share = make_share(alice, [tree.shared])
    body = {
        "share_id": share.share_id,
        "drive_id": drive_of(alice).drive_id,
        "file_id": tree.secret.file_id,
    }

    response = call("file/get", body, share_token=share_token_of(share))

    assert_error(response, 404, "NotFound.File")


def test_a_share_of_all_files_reaches_the_whole_drive(alice, tree):
    share = make_share(alice, [], share_all_files=True)
    token = share_token_of(share)

    root = via_share("list", share, token, parent_file_id="root")

    assert sorted(names(root)) == ["other", "secret.txt", "shared"]
    assert via_share("get", share, token, file_id=tree.hidden.file_id).status_code == 200


def test_share_id_without_a_token_is_refused(alice, tree):
    share = make_share(alice, [tree.shared])

    response = call("file/list", {"share_id": share.share_id, "parent_file_id": "root"})

    assert_error(response, 401, "ShareLinkTokenInvalid")


def test_a_share_listing_without_previews_carries_no_urls(alice, tree):
    share = make_share(alice, [tree.shared], disable_preview=True)

    response = via_share(
        "list", share, share_token_of(share), parent_file_id=tree.shared.file_id, fields="*"
    )

    items = response.json()["items"]
    assert {item["name"] for item in items} == {"photo.jpg", "sub", "top.txt"}
    for item in items:
        assert not item.get("url") and not item.get("thumbnail")


@pytest.mark.parametrize("fields", ["", "exif", "dir_size, exif"])
def test_a_listing_signs_preview_urls_only_when_its_fields_ask_for_them(alice, tree, fields):
    share = make_share(alice, [tree.shared])
    token = share_token_of(share)

    plain = via_share("list", share, token, parent_file_id=tree.shared.file_id, fields=fields)
    asked = via_share("list", share, token, parent_file_id=tree.shared.file_id, fields="exif,url")
    every = via_share("list", share, token, parent_file_id=tree.shared.file_id, fields="*")

    assert plain.status_code == asked.status_code == every.status_code == 200
    photo = {
        answer: next(i for i in r.json()["items"] if i["name"] == "photo.jpg")
        for answer, r in (("plain", plain), ("asked", asked), ("every", every))
    }
    assert "url" not in photo["plain"]
    assert signature_valid(photo["plain"]["thumbnail"], "thumbnail")  # not an extra
    assert signature_valid(photo["asked"]["url"], "preview")
    assert signature_valid(photo["every"]["url"], "preview")


@pytest.mark.parametrize("fields", [["url"], 7, {"url": True}])
def test_fields_that_are_not_a_string_are_refused(alice, tree, fields):
    share = make_share(alice, [tree.shared])

    response = via_share(
        "list", share, share_token_of(share), parent_file_id=tree.shared.file_id, fields=fields
    )

    assert_error(response, 400, "InvalidParameter")


def test_a_share_without_downloads_still_offers_previews_but_no_download_url(alice, tree):
    share = make_share(alice, [tree.shared], disable_download=True)

    response = via_share(
        "list", share, share_token_of(share), parent_file_id=tree.shared.file_id, fields="url"
    )

    photo = next(i for i in response.json()["items"] if i["name"] == "photo.jpg")
    assert signature_valid(photo["thumbnail"], "thumbnail")
    assert signature_valid(photo["url"], "preview")
    assert not photo.get("download_url")


def test_a_share_listing_carries_preview_urls_but_no_download_urls(alice, tree):
    share = make_share(alice, [tree.shared])

    response = via_share(
        "list", share, share_token_of(share), parent_file_id=tree.shared.file_id, fields="url"
    )

    photo = next(i for i in response.json()["items"] if i["name"] == "photo.jpg")
    assert signature_valid(photo["thumbnail"], "thumbnail")
    assert signature_valid(photo["url"], "preview")
    assert "download_url" not in photo


def test_an_svg_gets_a_preview_url_but_no_thumbnail_pillow_cannot_draw(alice, tree):
    make_file(
        drive_of(alice),
        "map.svg",
        parent=tree.shared,
        category="image",
        content_type="image/svg+xml",
    )
    share = make_share(alice, [tree.shared])

    response = via_share(
        "list", share, share_token_of(share), parent_file_id=tree.shared.file_id, fields="url"
    )

    svg = next(i for i in response.json()["items"] if i["name"] == "map.svg")
    assert svg["thumbnail"] == ""
    assert signature_valid(svg["url"], "preview")


# Counters and limits through a share


def test_a_download_through_a_share_is_counted(alice, tree):
    share = make_share(alice, [tree.shared])
    token = share_token_of(share)

    response = via_share("get_download_url", share, token, file_id=tree.top.file_id)

    assert signature_valid(response.json()["url"], "download")
    assert ShareLink.objects.get(pk=share.pk).download_count == 1


def test_downloads_can_be_disabled(alice, tree):
    share = make_share(alice, [tree.shared], disable_download=True)

    response = via_share("get_download_url", share, share_token_of(share), file_id=tree.top.file_id)

    assert_error(response, 403, "ShareLink.DownloadDisabled")
    assert ShareLink.objects.get(pk=share.pk).download_count == 0


def test_the_download_limit_is_enforced(alice, tree):
    share = make_share(alice, [tree.shared], download_limit=2)
    token = share_token_of(share)

    results = [
        via_share("get_download_url", share, token, file_id=tree.top.file_id).status_code
        for _ in range(3)
    ]

    assert results == [200, 200, 403]
    response = via_share("get_download_url", share, token, file_id=tree.top.file_id)
    assert_error(response, 403, "ShareLink.DownloadLimitExceeded")
    assert ShareLink.objects.get(pk=share.pk).download_count == 2


def test_the_save_download_limit_counts_saves_too(alice, tree):
    share = make_share(alice, [tree.shared], save_download_limit=3, save_count=2)
    token = share_token_of(share)

    first = via_share("get_download_url", share, token, file_id=tree.top.file_id)
    second = via_share("get_download_url", share, token, file_id=tree.top.file_id)

    assert first.status_code == 200
    assert_error(second, 403, "ShareLink.DownloadLimitExceeded")


def test_opening_a_file_through_a_share_counts_nothing(alice, tree):
    # Previews are counted by share_link/report_event, which the share pages send for each
    # preview they show; file/get also serves pages that preview nothing.
    share = make_share(alice, [tree.shared], preview_limit=1)
    token = share_token_of(share)

    for _ in range(2):
        assert via_share("get", share, token, file_id=tree.top.file_id).status_code == 200

    assert ShareLink.objects.get(pk=share.pk).preview_count == 0


def test_a_share_without_previews_still_answers_file_get_without_preview_urls(alice, tree):
    share = make_share(alice, [tree.shared], disable_preview=True)

    response = via_share("get", share, share_token_of(share), file_id=tree.photo.file_id)

    assert response.status_code == 200
    assert not response.json().get("url") and not response.json().get("thumbnail")


def test_the_owner_is_not_counted(alice, tree):
    share = make_share(alice, [tree.shared], download_limit=1)

    as_owner("get_download_url", alice, file_id=tree.top.file_id)
    as_owner("get", alice, file_id=tree.top.file_id)

    share.refresh_from_db()
    assert (share.download_count, share.preview_count) == (0, 0)


@pytest.mark.parametrize("drive_id", ["99999999999999999999999", "\uff11\uff12", "-1", "abc"])
def test_a_drive_id_that_names_no_drive_is_404(alice, drive_id):
    body = {"drive_id": drive_id, "parent_file_id": "root"}

    assert_error(call("file/list", body, token=token_for(alice)), 404, "NotFound.Drive")


@pytest.mark.parametrize("order_by", ["colour ASC", "name UP", "name ASC extra"])
def test_search_refuses_an_order_it_cannot_use(alice, tree, order_by):
    response = as_owner("search", alice, query="type = 'file'", order_by=order_by)

    assert_error(response, 400, "InvalidParameter", field="order_by")
