"""Storage of the embedded PDS: file and folder rows, their contents on disk, users and drives.

Contents live under `settings.LOCALPDS_BLOB_DIR`, one blob per distinct content, named by its
SHA-1 (which is also the file's wire `content_hash`), so identical contents are stored once.
A blob is written to a temporary file and renamed into place: a reader never sees half a blob.
"""

import hashlib
import mimetypes
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path, PurePath
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Drive, File, User, new_file_id

MAX_NAME_LENGTH = 1024
CHUNK_SIZE = 1024 * 1024

# A private table built from Python's defaults only (not /etc/mime.types), so that the same name
# gets the same type on every machine and the demo data is deterministic.
_MIME = mimetypes.MimeTypes()
for _type, _ext in [
    ("text/markdown", ".md"),
    ("text/markdown", ".markdown"),
    ("image/heic", ".heic"),
    ("image/webp", ".webp"),
    ("audio/flac", ".flac"),
    ("audio/mp4", ".m4a"),
    ("audio/ogg", ".ogg"),
    ("video/webm", ".webm"),
    ("video/x-matroska", ".mkv"),
    ("application/x-7z-compressed", ".7z"),
    ("application/vnd.rar", ".rar"),
    ("application/vnd.android.package-archive", ".apk"),
]:
    _MIME.add_type(_type, _ext)

# Compressed files are their container type, never a transfer encoding: a browser must not
# silently unpack them (FileResponse makes the same choice).
_ENCODING_TYPES = {
    "gzip": "application/gzip",
    "bzip2": "application/x-bzip2",
    "xz": "application/x-xz",
    "br": "application/x-brotli",
    "compress": "application/x-compress",
}

# PDS's categories: image, video, audio, doc, zip, app; anything else is "others".
_EXTENSIONS_BY_CATEGORY = {
    "image": "jpg jpeg png gif bmp webp heic heif tif tiff svg ico raw dng cr2 nef arw",
    "video": "mp4 mov m4v mkv avi webm flv f4v wmv 3gp ts mts m2ts mpeg mpg rm rmvb vob",
    "audio": "mp3 wav flac aac ogg oga opus m4a wma ape aiff amr mid midi",
    "doc": (
        "pdf doc docx dot dotx xls xlsx xlsm csv ppt pptx pps ppsx txt md markdown rtf odt ods "
        "odp epub mobi pages numbers key wps et dps html htm xml json log tex"
    ),
    "zip": "zip rar 7z tar gz tgz bz2 tbz xz txz zst lz lzma cab iso",
    "app": "apk ipa exe msi dmg deb rpm pkg appimage jar bat sh",
}
_CATEGORY_BY_EXTENSION = {
    extension: category
    for category, extensions in _EXTENSIONS_BY_CATEGORY.items()
    for extension in extensions.split()
}


class InvalidName(ValueError):
    """A file or folder name that the drive cannot store."""


# Characters that reorder text (a name like "invoice\u202egpj.exe" shows as "invoiceexe.jpg"):
# a saved file must not get a name that lies about its type.
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


def name_validate(name: str) -> str:
    """Return `name` if a file or folder may carry it, else raise InvalidName saying why."""
    if not isinstance(name, str) or not name:
        raise InvalidName("The name must not be empty.")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidName(f"The name must be at most {MAX_NAME_LENGTH} characters.")
    if "/" in name or "\x00" in name:
        raise InvalidName("The name must not contain '/' or NUL characters.")
    if name in (".", ".."):
        raise InvalidName("The name must not be '.' or '..'.")
    return name


def file_extension_of(name: str) -> str:
    """The lowercase extension without its dot ("" if none), as PDS reports `file_extension`."""
    suffix = PurePath(name).suffix
    return suffix[1:].lower()[:64] if suffix else ""


def content_type_of(name: str) -> str:
    content_type, encoding = _MIME.guess_type(name, strict=False)
    if encoding:
        return _ENCODING_TYPES.get(encoding, "application/octet-stream")
    return content_type or "application/octet-stream"


def category_of(name: str) -> str:
    return _CATEGORY_BY_EXTENSION.get(file_extension_of(name), "others")


def blob_dir() -> Path:
    return Path(settings.LOCALPDS_BLOB_DIR)


def _blob_path_for(content_hash: str) -> Path:
    # Two levels of fan-out keep directories small on drives with many files.
    digest = content_hash.lower()
    return blob_dir() / digest[:2] / digest[2:4] / digest


def blob_path(file: File) -> Path:
    """Where the contents of `file` live on disk."""
    return _blob_path_for(file.content_hash)


def blob_open(file: File) -> BinaryIO:
    """Open the contents of `file` for reading (binary); the caller closes it."""
    return blob_path(file).open("rb")


def blob_write(content: bytes | BinaryIO) -> tuple[str, int]:
    """Store `content` (bytes or a binary file object); return its SHA-1 (upper hex) and size.

    Streams in chunks, so a large file never sits in memory. Storing contents that already
    exist costs the hashing only.
    """
    if isinstance(content, bytes | bytearray | memoryview):
        # Contents in memory can be hashed first, so storing them again writes nothing.
        content_hash = hashlib.sha1(content, usedforsecurity=False).hexdigest().upper()
        if _blob_path_for(content_hash).exists():
            return content_hash, len(content)
    root = blob_dir()
    root.mkdir(parents=True, exist_ok=True)
    sha1 = hashlib.sha1(usedforsecurity=False)
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=root, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as tmp:
            chunks: Iterable[bytes]
            if isinstance(content, bytes | bytearray | memoryview):
                chunks = [bytes(content)]
            else:
                chunks = iter(lambda: content.read(CHUNK_SIZE), b"")
            for chunk in chunks:
                sha1.update(chunk)
                size += len(chunk)
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        content_hash = sha1.hexdigest().upper()
        final = _blob_path_for(content_hash)
        if final.exists():
            os.unlink(tmp_name)
        else:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp_name, 0o644)
            os.replace(tmp_name, final)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    return content_hash, size


def _id_path(parent: File | None, file_id: str) -> str:
    return f"{parent.id_path if parent else '/'}{file_id}/"


def _check_parent(drive: Drive, parent: File | None) -> None:
    if parent is None:
        return
    if parent.drive_id != drive.pk:
        raise ValueError("The parent folder belongs to another drive.")
    if not parent.is_folder:
        raise ValueError("The parent must be a folder.")


def folder_build(
    *,
    drive: Drive,
    parent: File | None,
    name: str,
    created_at: datetime | None = None,
    file_id: str | None = None,
) -> File:
    """An unsaved folder row, complete (id_path included), for `save()` or `bulk_create`."""
    _check_parent(drive, parent)
    file_id = file_id or new_file_id()
    when = created_at or timezone.now()
    return File(
        file_id=file_id,
        drive=drive,
        parent=parent,
        id_path=_id_path(parent, file_id),
        name=name_validate(name),
        type=File.Type.FOLDER,
        created_at=when,
        updated_at=when,
    )


def file_build(
    *,
    drive: Drive,
    parent: File | None,
    name: str,
    content_hash: str,
    size: int,
    created_at: datetime | None = None,
    file_id: str | None = None,
) -> File:
    """An unsaved file row for contents already stored (see `blob_write`), for `bulk_create`."""
    _check_parent(drive, parent)
    file_id = file_id or new_file_id()
    when = created_at or timezone.now()
    name = name_validate(name)
    return File(
        file_id=file_id,
        drive=drive,
        parent=parent,
        id_path=_id_path(parent, file_id),
        name=name,
        type=File.Type.FILE,
        size=size,
        content_hash=content_hash,
        content_type=content_type_of(name),
        file_extension=file_extension_of(name),
        category=category_of(name),
        created_at=when,
        updated_at=when,
    )


def folder_create(
    *,
    drive: Drive,
    parent: File | None,
    name: str,
    created_at: datetime | None = None,
    file_id: str | None = None,
) -> File:
    """Create a folder in `parent` (None: the top of the drive)."""
    folder = folder_build(
        drive=drive, parent=parent, name=name, created_at=created_at, file_id=file_id
    )
    folder.save(force_insert=True)
    return folder


def file_create(
    *,
    drive: Drive,
    parent: File | None,
    name: str,
    content: bytes | BinaryIO,
    created_at: datetime | None = None,
    file_id: str | None = None,
) -> File:
    """Store `content` and create a file row for it in `parent` (None: the top of the drive)."""
    # Validate before writing anything, so a bad name leaves no orphan blob behind.
    name_validate(name)
    _check_parent(drive, parent)
    content_hash, size = blob_write(content)
    row = file_build(
        drive=drive,
        parent=parent,
        name=name,
        content_hash=content_hash,
        size=size,
        created_at=created_at,
        file_id=file_id,
    )
    with transaction.atomic():
        row.save(force_insert=True)
        Drive.objects.filter(pk=drive.pk).update(total_size=F("total_size") + size)
    return row


def file_replace_content(*, file: File, content: bytes | BinaryIO) -> File:
    """Give an existing file new contents, keeping its id and place."""
    content_hash, size = blob_write(content)
    old_size = file.size
    file.content_hash = content_hash
    file.size = size
    file.updated_at = timezone.now()
    with transaction.atomic():
        file.save(update_fields=["content_hash", "size", "updated_at"])
        Drive.objects.filter(pk=file.drive_id).update(total_size=F("total_size") + size - old_size)
    return file


def user_create(
    *,
    user_name: str,
    password: str,
    role: str = User.Role.USER,
    nick_name: str = "",
    user_id: str | None = None,
) -> User:
    """Create a user (password hashed) and their default drive."""
    if role not in User.Role.values:
        raise ValueError(f"Unknown role {role!r}: use one of {', '.join(User.Role.values)}.")
    with transaction.atomic():
        user = User.objects.create(
            **({"user_id": user_id} if user_id else {}),
            user_name=user_name,
            nick_name=nick_name or user_name,
            role=role,
            password=make_password(password) if password else "",
        )
        Drive.objects.create(owner=user, drive_name=f"{user.nick_name}'s drive")
    return user


def default_drive(user: User) -> Drive:
    """The user's default drive (their first), created if they have none yet."""
    drive = user.drives.order_by("pk").first()
    return drive or Drive.objects.create(owner=user, drive_name=f"{user.nick_name}'s drive")
