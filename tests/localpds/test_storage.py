"""Storage of the embedded PDS: blobs on disk, file and folder rows, users and their drives."""

import hashlib
import io

import pytest
from django.contrib.auth.hashers import check_password

from localpds.models import Drive, File, User
from localpds.storage import (
    InvalidName,
    blob_open,
    blob_path,
    file_create,
    folder_create,
    user_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def drive():
    return user_create(user_name="carol", password="pw-carol", role="user").drives.get()


def test_user_create_hashes_the_password_and_gives_a_default_drive():
    user = user_create(user_name="dave", password="s3cret!", role="admin", nick_name="Dave")
    assert user.role == "admin"
    assert user.password != "s3cret!"
    assert check_password("s3cret!", user.password)
    assert Drive.objects.filter(owner=user).count() == 1


def test_user_create_refuses_an_unknown_role():
    with pytest.raises(ValueError, match="role"):
        user_create(user_name="eve", password="x", role="root")
    assert not User.objects.filter(user_name="eve").exists()


def test_file_contents_land_on_disk_named_by_their_sha1(drive, settings):
    row = file_create(drive=drive, parent=None, name="notes.txt", content=b"hello\n")
    digest = hashlib.sha1(b"hello\n").hexdigest()
    assert row.content_hash == digest.upper()
    assert row.size == 6
    assert blob_path(row).read_bytes() == b"hello\n"
    assert blob_path(row).is_relative_to(settings.LOCALPDS_BLOB_DIR)
    assert digest in blob_path(row).name
    with blob_open(row) as handle:
        assert handle.read() == b"hello\n"


def test_identical_contents_are_stored_once(drive, settings):
    first = file_create(drive=drive, parent=None, name="a.txt", content=b"same bytes")
    second = file_create(drive=drive, parent=None, name="b.txt", content=io.BytesIO(b"same bytes"))
    assert first.pk != second.pk
    assert blob_path(first) == blob_path(second)
    blobs = [p for p in settings.LOCALPDS_BLOB_DIR.rglob("*") if p.is_file()]
    assert len(blobs) == 1


def test_a_file_object_is_streamed_into_the_blob(drive):
    big = bytes(range(256)) * 10_000
    row = file_create(drive=drive, parent=None, name="big.bin", content=io.BytesIO(big))
    assert row.size == len(big)
    assert blob_path(row).read_bytes() == big


def test_id_path_lists_every_ancestor_then_the_file_itself(drive):
    a = folder_create(drive=drive, parent=None, name="a")
    b = folder_create(drive=drive, parent=a, name="b")
    c = file_create(drive=drive, parent=b, name="c.txt", content=b"c")
    assert a.id_path == f"/{a.file_id}/"
    assert b.id_path == f"/{a.file_id}/{b.file_id}/"
    assert c.id_path == f"/{a.file_id}/{b.file_id}/{c.file_id}/"
    assert File.objects.get(pk=c.pk).id_path == c.id_path
    assert c.parent_file_id == b.file_id
    assert a.parent_file_id == "root"


def test_the_drive_total_size_counts_stored_files(drive):
    file_create(drive=drive, parent=None, name="a.txt", content=b"12345")
    file_create(drive=drive, parent=None, name="b.txt", content=b"123")
    drive.refresh_from_db()
    assert drive.total_size == 8


@pytest.mark.parametrize(
    ("name", "category", "content_type", "extension"),
    [
        ("Photo.JPG", "image", "image/jpeg", "jpg"),
        ("clip.mp4", "video", "video/mp4", "mp4"),
        ("song.mp3", "audio", "audio/mpeg", "mp3"),
        ("report.pdf", "doc", "application/pdf", "pdf"),
        ("README.md", "doc", "text/markdown", "md"),
        ("backup.zip", "zip", "application/zip", "zip"),
        ("archive.tar.gz", "zip", "application/gzip", "gz"),
        ("app.apk", "app", "application/vnd.android.package-archive", "apk"),
        ("Makefile", "others", "application/octet-stream", ""),
        (".bashrc", "others", "application/octet-stream", ""),
    ],
)
def test_type_and_category_follow_the_name(drive, name, category, content_type, extension):
    row = file_create(drive=drive, parent=None, name=name, content=b"x")
    assert (row.category, row.content_type, row.file_extension) == (
        category,
        content_type,
        extension,
    )


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "nul\x00byte", "x" * 1025])
def test_bad_names_are_refused_and_nothing_is_stored(drive, settings, name):
    with pytest.raises(InvalidName):
        file_create(drive=drive, parent=None, name=name, content=b"orphan?")
    with pytest.raises(InvalidName):
        folder_create(drive=drive, parent=None, name=name)
    assert not File.objects.exists()
    assert not [p for p in settings.LOCALPDS_BLOB_DIR.rglob("*") if p.is_file()]


def test_names_may_be_long_hostile_and_non_ascii(drive):
    for name in ["x" * 1024, "<script>alert(1)<\\script>", "\u202egpj.exe", "🎉 ünïcødé"]:
        assert file_create(drive=drive, parent=None, name=name, content=b"").name == name


def test_a_file_cannot_be_put_inside_a_file_or_another_drive(drive):
    not_a_folder = file_create(drive=drive, parent=None, name="f.txt", content=b"")
    with pytest.raises(ValueError, match="folder"):
        file_create(drive=drive, parent=not_a_folder, name="g.txt", content=b"")
    other = user_create(user_name="frank", password="pw", role="user").drives.get()
    folder = folder_create(drive=other, parent=None, name="theirs")
    with pytest.raises(ValueError, match="drive"):
        folder_create(drive=drive, parent=folder, name="mine")
