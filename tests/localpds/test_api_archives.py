"""Contract tests of `file/archive_files` and `async_task/get`, and of the ZIP they lead to."""

import io
import zipfile
from urllib.parse import urlsplit

import pytest
from django.test import Client, override_settings

from localpds.archives import safe_name
from localpds.models import ArchiveTask, File, ShareLink
from localpds.storage import blob_path, file_create, folder_create

from .api_helpers import (
    assert_error,
    call,
    drive_of,
    make_file,
    make_share,
    share_token_of,
    token_for,
)


@pytest.fixture
def files(alice):
    """alice's drive with contents on disk: shared/ (a.txt, sub/b.bin, empty/), secret.txt."""
    drive = drive_of(alice)
    shared = folder_create(drive=drive, parent=None, name="shared")
    sub = folder_create(drive=drive, parent=shared, name="sub")
    folder_create(drive=drive, parent=shared, name="empty")
    rows = {
        "shared": shared,
        "sub": sub,
        "a": file_create(drive=drive, parent=shared, name="a.txt", content=b"alpha\n"),
        "b": file_create(drive=drive, parent=sub, name="b.bin", content=bytes(range(256)) * 40),
        "secret": file_create(drive=drive, parent=None, name="secret.txt", content=b"no"),
    }
    return rows


@pytest.fixture
def share(alice, files) -> ShareLink:
    return make_share(alice, [files["shared"]])


def _archive(share: ShareLink, ids: list[str], name: str = "pack.zip", **extra):
    token = share_token_of(share)
    body = {"share_id": share.share_id, "file_ids": ids, "name": name, **extra}
    return call("file/archive_files", body, share_token=token), token


def _task(task_id: str, share_token: str = "", token: str = "") -> dict:
    response = call(
        "async_task/get", {"async_task_id": task_id}, share_token=share_token, token=token
    )
    assert response.status_code == 200, response.content
    return response.json()


def _zip_of(url: str) -> zipfile.ZipFile:
    parts = urlsplit(url)
    response = Client().get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    return zipfile.ZipFile(io.BytesIO(body))


def test_a_shared_folder_unzips_to_every_file_with_its_bytes_and_path(share, files):
    response, token = _archive(share, [files["shared"].file_id])
    assert response.status_code == 202, response.content
    task = _task(response.json()["async_task_id"], token)
    assert task["state"] == "Succeed"
    assert (task["total_process"], task["consumed_process"]) == (2, 2)
    assert task["error_code"] == "" and task["skipped_files"] == []
    assert task["created_at"] and task["finished_at"]
    archive = _zip_of(task["url"])
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == [
        "shared/",
        "shared/a.txt",
        "shared/empty/",
        "shared/sub/",
        "shared/sub/b.bin",
    ]
    for key, path in (("a", "shared/a.txt"), ("b", "shared/sub/b.bin")):
        assert archive.read(path) == blob_path(files[key]).read_bytes()


def test_the_sdk_spelling_files_is_accepted(share, files):
    token = share_token_of(share)
    body = {"share_id": share.share_id, "files": [{"file_id": files["a"].file_id}], "name": "x"}
    response = call("file/archive_files", body, share_token=token)
    assert response.status_code == 202, response.content
    task = _task(response.json()["async_task_id"], token)
    assert _zip_of(task["url"]).namelist() == ["a.txt"]
    assert ArchiveTask.objects.get().name == "x.zip"


def test_a_file_outside_the_share_is_never_in_the_zip(share, files):
    response, token = _archive(share, [files["a"].file_id, files["secret"].file_id])
    task = _task(response.json()["async_task_id"], token)
    assert task["state"] == "PartialSucceed"
    assert task["error_code"] == "PartialSucceed"
    # The outsider is named by the id the caller sent, never by its name.
    assert task["skipped_files"] == [
        {"file_id": files["secret"].file_id, "name": "", "code": "NotFound.File"}
    ]
    assert _zip_of(task["url"]).namelist() == ["a.txt"]


def test_nothing_the_share_can_read_is_a_failed_task_without_url(share, files):
    response, token = _archive(share, [files["secret"].file_id])
    task = _task(response.json()["async_task_id"], token)
    assert task["state"] == "Failed"
    assert task["error_code"] == "NotFound.File"
    assert task["url"] == ""
    share.refresh_from_db()
    assert share.download_count == 0


def test_a_file_whose_contents_are_gone_is_left_out_by_name(share, files):
    blob_path(files["b"]).unlink()
    response, token = _archive(share, [files["shared"].file_id])
    task = _task(response.json()["async_task_id"], token)
    assert task["state"] == "PartialSucceed"
    assert task["skipped_files"] == [
        {"file_id": files["b"].file_id, "name": "b.bin", "code": "NotFound.FileContent"}
    ]
    assert "shared/sub/b.bin" not in _zip_of(task["url"]).namelist()


def test_each_archive_counts_as_one_download(share, files):
    _archive(share, [files["shared"].file_id, files["a"].file_id])
    share.refresh_from_db()
    assert share.download_count == 1


def test_disabled_downloads_are_refused_before_any_work(share, files):
    ShareLink.objects.filter(pk=share.pk).update(disable_download=True)
    response, _ = _archive(share, [files["a"].file_id])
    assert_error(response, 403, "ShareLink.DownloadDisabled")
    assert not ArchiveTask.objects.exists()


def test_the_download_limit_is_honoured(share, files):
    ShareLink.objects.filter(pk=share.pk).update(download_limit=1, download_count=1)
    response, _ = _archive(share, [files["a"].file_id])
    assert_error(response, 403, "ShareLink.DownloadLimitExceeded")
    assert not ArchiveTask.objects.exists()


@override_settings(LOCALPDS_ARCHIVE_MAX_ENTRIES=4)
def test_too_many_entries_are_refused_before_a_task_exists(share, files):
    response, _ = _archive(share, [files["shared"].file_id])
    body = assert_error(response, 400, "ArchiveTooLarge")
    assert "4 files and folders" in body["message"]
    assert not ArchiveTask.objects.exists()
    share.refresh_from_db()
    assert share.download_count == 0


@override_settings(LOCALPDS_ARCHIVE_MAX_BYTES=1000)
def test_too_many_bytes_are_refused(share, files):
    response, _ = _archive(share, [files["shared"].file_id])
    assert "1000 bytes" in assert_error(response, 400, "ArchiveTooLarge")["message"]


@override_settings(LOCALPDS_ARCHIVE_MAX_ENTRIES=5)
def test_exactly_the_limit_passes(share, files):
    response, _ = _archive(share, [files["shared"].file_id])
    assert response.status_code == 202


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"name": "x.zip"}, 400, "InvalidParameterMissing", "file_ids"),
        ({"file_ids": [], "name": "x.zip"}, 400, "InvalidParameterOutOfRange", "file_ids"),
        ({"file_ids": [f"{n:040x}" for n in range(101)], "name": "x"}, 400, "", "file_ids"),
        ({"file_ids": ["a", "a"], "name": "x.zip"}, 400, "InvalidParameter", "file_ids"),
        ({"file_ids": "abc", "name": "x.zip"}, 400, "InvalidParameter", "file_ids"),
        ({"files": ["abc"], "name": "x.zip"}, 400, "InvalidParameter", "files"),
        ({"files": [{"file_id": 3}], "name": "x.zip"}, 400, "InvalidParameter", "files"),
        ({"file_ids": ["abc"]}, 400, "InvalidParameterMissing", "name"),
        ({"file_ids": ["abc"], "name": "  "}, 400, "InvalidParameterMissing", "name"),
        ({"file_ids": ["abc"], "name": "n" * 1025}, 400, "InvalidParameterOutOfRange", "name"),
    ],
)
def test_bad_bodies_get_a_400_naming_the_field(share, body, status, code, field):
    token = share_token_of(share)
    response = call("file/archive_files", {"share_id": share.share_id, **body}, share_token=token)
    assert_error(response, status, code or "InvalidParameterOutOfRange", field=field)


def test_a_bad_share_token_is_refused(share, files):
    body = {"share_id": share.share_id, "file_ids": [files["a"].file_id], "name": "x"}
    assert_error(
        call("file/archive_files", body, share_token="forged"), 401, "ShareLinkTokenInvalid"
    )


def test_the_task_is_followed_only_with_a_token_of_its_share(alice, share, files):
    response, _ = _archive(share, [files["a"].file_id])
    task_id = response.json()["async_task_id"]
    other = make_share(alice, [files["secret"]])
    other_token = share_token_of(other)
    assert_error(
        call("async_task/get", {"async_task_id": task_id}, share_token=other_token),
        401,
        "ShareLinkTokenInvalid",
    )
    assert_error(call("async_task/get", {"async_task_id": task_id}), 401, "ShareLinkTokenInvalid")


def test_an_unknown_task_is_not_found(share):
    token = share_token_of(share)
    response = call("async_task/get", {"async_task_id": "nope"}, share_token=token)
    assert_error(response, 404, "NotFound.AsyncTask")
    assert_error(call("async_task/get", {}), 400, "InvalidParameterMissing", field="async_task_id")


def test_an_owner_archives_by_drive_and_only_they_follow_it(alice, alice_token, bob, files):
    body = {"drive_id": drive_of(alice).drive_id, "file_ids": [files["secret"].file_id]}
    response = call("file/archive_files", {**body, "name": "mine"}, token=alice_token)
    assert response.status_code == 202, response.content
    task_id = response.json()["async_task_id"]
    task = _task(task_id, token=alice_token)
    assert _zip_of(task["url"]).read("secret.txt") == b"no"
    response = call("async_task/get", {"async_task_id": task_id}, token=token_for(bob))
    assert_error(response, 404, "NotFound.AsyncTask")


def test_the_zip_url_is_signed_and_dies_with_its_share(share, files):
    response, token = _archive(share, [files["a"].file_id])
    url = _task(response.json()["async_task_id"], token)["url"]
    parts = urlsplit(url)
    assert Client().get(f"{parts.path}?{parts.query}x").status_code == 403
    assert Client().get(parts.path).status_code == 403
    ShareLink.objects.filter(pk=share.pk).update(status=ShareLink.Status.DISABLED)
    assert Client().get(f"{parts.path}?{parts.query}").status_code == 410


def test_hostile_names_are_made_safe_and_duplicates_renamed(alice):
    drive = drive_of(alice)
    # The drive itself refuses ".." as a name; a row another PDS (or an import) made may have it.
    top = make_file(drive, "..", folder=True)
    file_create(drive=drive, parent=top, name="..\\..\\evil.sh", content=b"1")
    file_create(drive=drive, parent=top, name="Same.txt", content=b"2")
    file_create(drive=drive, parent=top, name="same.txt", content=b"3")
    file_create(drive=drive, parent=top, name="wörd\u202etxt.exe", content=b"4")
    share = make_share(alice, [top])
    response, token = _archive(share, [top.file_id])
    archive = _zip_of(_task(response.json()["async_task_id"], token)["url"])
    names = archive.namelist()
    assert all(not n.startswith("/") and ".." not in n.split("/") for n in names), names
    assert sorted(names) == sorted(
        ["_/", "_/.._.._evil.sh", "_/Same.txt", "_/same (2).txt", "_/wördtxt.exe"]
    )
    # Non-ASCII names are written as UTF-8 with the language-encoding flag (bit 11).
    info = archive.getinfo("_/wördtxt.exe")
    assert info.flag_bits & 0x800
    assert {archive.read("_/Same.txt"), archive.read("_/same (2).txt")} == {b"2", b"3"}


@pytest.mark.parametrize(
    ("name", "safe"),
    [("..", "_"), (".", "_"), ("a/b", "a_b"), ("c:\\x", "c__x"), ("x\x00y\n", "xy"), ("ok.", "ok")],
)
def test_safe_name(name, safe):
    assert safe_name(name) == safe


def test_more_than_65535_entries_make_a_zip64_archive(alice, settings):
    """ZIP64 of equivalent strength to a 4 GiB file: past the 16-bit entry count."""
    settings.LOCALPDS_ARCHIVE_MAX_ENTRIES = 70_000
    drive = drive_of(alice)
    top = folder_create(drive=drive, parent=None, name="many")
    one = file_create(drive=drive, parent=top, name="f-0.txt", content=b"x")
    rows = []
    for n in range(1, 65_600):
        row = File(
            drive=drive,
            parent=top,
            name=f"f-{n}.txt",
            type=File.Type.FILE,
            size=1,
            content_hash=one.content_hash,
            created_at=one.created_at,
            updated_at=one.updated_at,
        )
        row.id_path = f"{top.id_path}{row.file_id}/"
        rows.append(row)
    File.objects.bulk_create(rows, batch_size=5000)
    share = make_share(alice, [top])
    response, token = _archive(share, [top.file_id])
    task = _task(response.json()["async_task_id"], token)
    assert task["total_process"] == 65_600
    archive = _zip_of(task["url"])
    infos = archive.infolist()
    assert len(infos) == 65_601
    assert archive.read("many/f-65599.txt") == b"x"
    # The end of the archive holds the ZIP64 end-of-central-directory record and its locator.
    raw = archive.fp
    raw.seek(-(22 + 20 + 56), io.SEEK_END)
    assert raw.read(4) == b"PK\x06\x06"


def test_a_file_past_4_gib_is_announced_and_headed_as_zip64(alice, settings):
    """A sparse 4 GiB + 1 byte blob (no disk used); only the ZIP's first bytes are read."""
    import struct

    drive = drive_of(alice)
    size = 2**32 + 1
    digest = "b" * 40
    path = settings.LOCALPDS_BLOB_DIR / digest[:2] / digest[2:4] / digest
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(size)
    big = make_file(drive, "big.bin", size=size)
    File.objects.filter(pk=big.pk).update(content_hash=digest)
    share = make_share(alice, [big])
    response, token = _archive(share, [big.file_id])
    task = _task(response.json()["async_task_id"], token)
    assert task["total_size"] == size
    parts = urlsplit(task["url"])
    stream = Client().get(f"{parts.path}?{parts.query}")
    # Local header, the data, the data descriptor, the central directory and the end records.
    assert int(stream["Content-Length"]) > size
    head = b""
    chunks = iter(stream.streaming_content)
    while len(head) < 30:
        head += next(chunks)
    signature, version = struct.unpack("<IH", head[:6])
    assert signature == 0x04034B50
    assert version >= 45  # ZIP64 needs 4.5
    name_length, extra_length = struct.unpack("<HH", head[26:30])
    while len(head) < 30 + name_length + extra_length:
        head += next(chunks)
    assert head[30 : 30 + name_length] == b"big.bin"
    extra = head[30 + name_length : 30 + name_length + extra_length]
    assert struct.unpack("<H", extra[:2])[0] == 0x0001  # the ZIP64 extended information
    stream.close()
