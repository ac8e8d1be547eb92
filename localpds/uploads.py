"""Uploads: `file/create`, the parts PUT to signed URLs, `file/complete` (docs/pds-api.md#uploads).

`file/create` checks everything it can before a byte is sent (the share accepts uploads into
that folder, the name, the size against the drive's quota, the parts) and records an `Upload`
with the `file_id` the file will have. Each part's bytes go straight to its signed URL on the
data origin (`views_uploads.part_put`), streamed to a file of its own under the data
directory's `uploads/<upload_id>/`. `file/complete` streams the parts in order into one blob
(`storage.blob_write`: never the whole file in memory), checks the size, and only then creates
the `File` row: until then no listing, search or archive can see the file.
"""

import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol, cast

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from . import dataurls, selectors
from .apierrors import PdsApiError, invalid_parameter
from .models import ROOT, Drive, File, ShareLink, Upload, User
from .storage import CHUNK_SIZE, InvalidName, blob_write, file_build, name_validate
from .validation import Body

# As OSS's multipart uploads, which PDS's upload URLs are: every part but the last is at least
# 5 MiB, a part at most 5 GiB, at most 10,000 parts.
MIN_PART_SIZE = 5 * 1024 * 1024
MAX_PART_SIZE = 5 * 1024**3
MAX_PARTS = 10_000
# How long a part URL may be used, and how long an unfinished upload is kept.
PART_URL_EXPIRE_SEC = 3600
UPLOAD_LIFETIME = timedelta(hours=24)
CHECK_NAME_MODES = ("refuse", "auto_rename", "ignore")


def upload_disabled() -> PdsApiError:
    return PdsApiError(403, "ShareLink.UploadDisabled", "Uploads are disabled for this share.")


def name_taken(name: str) -> PdsApiError:
    return PdsApiError(409, "AlreadyExist.File", f"The resource file {name} has already exists.")


def quota_exhausted(drive: Drive) -> PdsApiError:
    return PdsApiError(
        403,
        "QuotaExhausted.Drive",
        f"The drive {drive.drive_id} has not enough space left for this file.",
    )


def upload_not_found(upload_id: str) -> PdsApiError:
    return PdsApiError(
        404, "NotFound.UploadId", f"The resource upload_id {upload_id} cannot be found."
    )


def uploads_dir() -> Path:
    return Path(settings.LOCALPDS_DATA_DIR) / "uploads"


def _parts_dir(upload_id: str) -> Path:
    return uploads_dir() / upload_id


def part_path(upload_id: str, part_number: int) -> Path:
    return _parts_dir(upload_id) / str(part_number)


# What the body says


def _name(body: Body) -> str:
    name = body.string("name", required=True, max_len=1024)
    try:
        return name_validate(name)
    except InvalidName as exc:
        raise invalid_parameter("name", str(exc)) from None


def _part_numbers(body: Body, *, name: str = "part_info_list") -> list[dict]:
    """The `[{part_number, part_size?}]` entries, numbered 1 to n in any order."""
    value = body.data.get(name)
    if value is None:
        return [{"part_number": 1}]
    if not isinstance(value, list) or not value or not all(isinstance(p, dict) for p in value):
        raise invalid_parameter(name, 'It must be a list of {"part_number": ...} objects.')
    if len(value) > MAX_PARTS:
        raise invalid_parameter(name, f"It must have at most {MAX_PARTS} parts.")
    numbers = [part.get("part_number") for part in value]
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
        raise invalid_parameter(name, "Each part_number must be an integer.")
    return sorted(value, key=lambda part: part["part_number"])


def _part_sizes(body: Body, size: int) -> list[int]:
    """Each part's size: as given (`part_size`), or `size` split evenly over the parts."""
    parts = _part_numbers(body)
    if [part["part_number"] for part in parts] != list(range(1, len(parts) + 1)):
        raise invalid_parameter("part_info_list", "The part numbers must run from 1 to n.")
    given = [part.get("part_size") for part in parts]
    if all(value is None for value in given):
        chunk = max(1, math.ceil(size / len(parts)))
        sizes = [chunk] * (len(parts) - 1) + [size - chunk * (len(parts) - 1)]
    elif all(isinstance(value, int) and not isinstance(value, bool) for value in given):
        sizes = [int(value) for value in given if value is not None]
        if sum(sizes) != size:
            raise invalid_parameter("part_info_list", "The part sizes must add up to size.")
    else:
        raise invalid_parameter("part_info_list", "Give part_size for every part or for none.")
    if len(sizes) > 1 and (min(sizes[:-1]) < MIN_PART_SIZE or sizes[-1] < 1):
        raise invalid_parameter(
            "part_info_list",
            f"Every part but the last must be at least {MIN_PART_SIZE} bytes, and none empty.",
        )
    if max(sizes) > MAX_PART_SIZE or min(sizes) < 0:
        raise invalid_parameter("part_info_list", f"A part must be at most {MAX_PART_SIZE} bytes.")
    return sizes


# Where it goes


def _share_parent(share: ShareLink, parent_file_id: str) -> File | None:
    """The folder of the share a visitor uploads into; None for the whole drive's top."""
    if not share.creatable:
        raise upload_disabled()
    if parent_file_id == ROOT:
        if share.share_all_files:
            parent = None
        else:
            # The share's top is a list of items, not a folder: a file put "there" would land
            # outside the share. Uploads go into one of its folders.
            raise selectors.no_permission("the top of a share of chosen items; use a folder")
    else:
        parent = selectors.share_file(share=share, file_id=parent_file_id)
        if not parent.is_folder:
            raise invalid_parameter("parent_file_id", "It names a file, not a folder.")
    allowed = [file_id for file_id in share.creatable_file_id_list if "/" not in file_id]
    if allowed and (parent is None or not any(f"/{i}/" in parent.id_path for i in allowed)):
        raise selectors.no_permission(f"folder {parent_file_id}: uploads go to other folders")
    return parent


def _drive_parent(drive: Drive, parent_file_id: str) -> File | None:
    if parent_file_id == ROOT:
        return None
    parent = selectors.file_in_drive(drive=drive, file_id=parent_file_id)
    if not parent.is_folder:
        raise invalid_parameter("parent_file_id", "It names a file, not a folder.")
    return parent


def _names_in(drive_id: int, parent: File | None, like: str) -> set[str]:
    """Names in the folder equal to `like` or starting with its stem (for auto_rename)."""
    stem = PurePosixPath(like).stem or like
    return set(
        File.objects.filter(drive_id=drive_id, parent=parent, name__startswith=stem).values_list(
            "name", flat=True
        )
    )


def _free_name(name: str, used: set[str]) -> str:
    """`name`, or "name (2).ext", "name (3).ext"... whichever the folder does not have."""
    if name not in used:
        return name
    path = PurePosixPath(name)
    stem, suffix = (path.stem, path.suffix) if path.stem else (name, "")
    number = 2
    while True:
        candidate = f"{stem} ({number}){suffix}"
        if candidate not in used and len(candidate) <= 1024:
            return candidate
        number += 1


def _named(*, drive_id: int, parent: File | None, name: str, mode: str) -> str:
    """The name the file gets in its folder under `check_name_mode`, or AlreadyExist.File."""
    if mode == "ignore":
        return name
    used = _names_in(drive_id, parent, name)
    if name not in used:
        return name
    if mode == "refuse":
        raise name_taken(name)
    return _free_name(name, used)


def _quota_check(drive_id: int, size: int) -> None:
    drive = Drive.objects.get(pk=drive_id)
    if drive.quota and drive.total_size + size > drive.quota:
        raise quota_exhausted(drive)


# The operations


def _reap() -> None:
    """Forget uploads left unfinished for longer than UPLOAD_LIFETIME, and their parts."""
    stale = Upload.objects.filter(created_at__lt=timezone.now() - UPLOAD_LIFETIME)
    for upload_id in stale.values_list("upload_id", flat=True)[:100]:
        shutil.rmtree(_parts_dir(upload_id), ignore_errors=True)
        Upload.objects.filter(pk=upload_id).delete()


def upload_create(
    *, body: Body, share: ShareLink | None, user: User | None, drive: Drive | None
) -> Upload:
    """Check and record an upload (`file/create`); see docs/pds-api.md#filecreate."""
    file_type = body.choice("type", ("file", "folder"), default="file")
    if file_type != "file":
        raise invalid_parameter("type", "Only files can be uploaded (type: file).")
    name = _name(body)
    mode = body.choice("check_name_mode", CHECK_NAME_MODES, default="ignore")
    limit = settings.LOCALPDS_MAX_UPLOAD_BYTES
    size = body.integer("size", default=-1, minimum=0, maximum=limit)
    if size < 0:
        raise invalid_parameter("size", "It is required: the file's size in bytes.")
    parent_file_id = body.string("parent_file_id", required=True, max_len=64)
    if share is not None:
        parent = _share_parent(share, parent_file_id)
        drive_id = share.drive_id
    else:
        assert drive is not None
        parent = _drive_parent(drive, parent_file_id)
        drive_id = drive.pk
    sizes = _part_sizes(body, size)
    name = _named(drive_id=drive_id, parent=parent, name=name, mode=mode)
    _quota_check(drive_id, size)
    _reap()
    return Upload.objects.create(
        drive_id=drive_id,
        parent=parent,
        share=share,
        user=user if share is None else None,
        name=name,
        check_name_mode=mode,
        size=size,
        part_sizes=sizes,
        created_at=timezone.now(),
    )


def upload_for_caller(*, body: Body, share: ShareLink | None, user: User | None) -> Upload:
    """The unfinished upload `file_id` + `upload_id` name, if this caller may go on with it.

    Through a share: uploads made through that share, while it still accepts them. An owner:
    their own uploads (an administrator: anyone's). Any other caller is told it does not exist.
    """
    file_id = body.string("file_id", required=True, max_len=64)
    upload_id = body.string("upload_id", required=True, max_len=64)
    upload = selectors.first_row(
        Upload.objects.filter(
            upload_id=upload_id,
            file_id=file_id,
            created_at__gte=timezone.now() - UPLOAD_LIFETIME,
        )
    )
    if upload is None:
        raise upload_not_found(upload_id)
    if share is not None:
        if upload.share_id != share.share_id:
            raise upload_not_found(upload_id)
        if not share.creatable:
            raise upload_disabled()
    elif user is None or (upload.user_id != user.user_id and not user.is_admin):
        raise upload_not_found(upload_id)
    return upload


def part_urls(request: HttpRequest, upload: Upload, numbers: list[int] | None = None) -> list:
    """`part_info_list` of an answer: each part's number, size and signed PUT URL."""
    expires = int(time.time()) + PART_URL_EXPIRE_SEC
    wanted = numbers or list(range(1, len(upload.part_sizes) + 1))
    return [
        {
            "part_number": number,
            "part_size": upload.part_sizes[number - 1],
            "upload_url": dataurls.upload_url(request, upload.upload_id, number, expires),
            "internal_upload_url": "",
            "content_type": "",
        }
        for number in wanted
    ]


def requested_parts(body: Body, upload: Upload) -> list[int]:
    """The part numbers `file/get_upload_url` asks for (all when none are named)."""
    if body.data.get("part_info_list") is None:
        return []
    numbers = [part["part_number"] for part in _part_numbers(body)]
    if any(not 1 <= number <= len(upload.part_sizes) for number in numbers):
        raise invalid_parameter(
            "part_info_list", f"Part numbers run from 1 to {len(upload.part_sizes)}."
        )
    return numbers


@dataclass(frozen=True)
class UploadedPart:
    part_number: int
    part_size: int
    etag: str


def parts_uploaded(upload: Upload) -> list[UploadedPart]:
    """The parts whose bytes have arrived whole, in part-number order."""
    found = []
    for number, expected in enumerate(upload.part_sizes, start=1):
        path = part_path(upload.upload_id, number)
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        if stat.st_size == expected:
            found.append(UploadedPart(number, expected, f'"{int(stat.st_mtime_ns):x}"'))
    return found


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class PartRefused(Exception):
    """A part PUT that cannot be stored: `status` and a plain message for the uploader."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def part_write(*, upload: Upload, part_number: int, declared: int, stream: Readable) -> str:
    """Store one part's bytes from `stream`, exactly its size, in chunks; return its ETag.

    Written to a temporary file and renamed into place, so a part is either whole or absent:
    a dropped connection leaves nothing that `list_uploaded_parts` would count.
    """
    if not 1 <= part_number <= len(upload.part_sizes):
        raise PartRefused(404, "This upload has no such part.")
    expected = upload.part_sizes[part_number - 1]
    if declared != expected:
        raise PartRefused(400, f"This part must be exactly {expected} bytes, not {declared}.")
    folder = _parts_dir(upload.upload_id)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    received = 0
    try:
        with os.fdopen(fd, "wb") as tmp:
            while received < expected:
                chunk = stream.read(min(CHUNK_SIZE, expected - received))
                if not chunk:
                    break
                received += len(chunk)
                tmp.write(chunk)
        if received != expected:
            raise PartRefused(400, f"This part must be exactly {expected} bytes.")
        final = part_path(upload.upload_id, part_number)
        os.replace(tmp_name, final)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    return f'"{final.stat().st_mtime_ns:x}"'


class _Parts:
    """The parts of an upload read one after the other, as one binary stream."""

    def __init__(self, paths: list[Path]) -> None:
        self._paths = paths
        self._handle: BinaryIO | None = None

    def read(self, size: int = -1) -> bytes:
        while True:
            if self._handle is None:
                if not self._paths:
                    return b""
                self._handle = self._paths.pop(0).open("rb")
            chunk = self._handle.read(size)
            if chunk:
                return chunk
            self._handle.close()
            self._handle = None

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


def upload_complete(*, upload: Upload) -> File:
    """Assemble the parts into the file and make it visible (`file/complete`).

    Every part must have arrived whole; their total must be the declared size. The name is
    checked again (another file may have taken it meanwhile) and so is the quota.
    """
    missing = [
        number
        for number, expected in enumerate(upload.part_sizes, start=1)
        if not _whole(part_path(upload.upload_id, number), expected)
    ]
    if missing:
        raise invalid_parameter(
            "upload_id",
            f"Part {missing[0]} of the upload has not been uploaded whole yet.",
            code="InvalidParameter.UploadIncomplete",
        )
    paths = [part_path(upload.upload_id, n) for n in range(1, len(upload.part_sizes) + 1)]
    stream = _Parts(paths)
    try:
        # A file-like reader of the parts: blob_write only ever calls read(size).
        content_hash, size = blob_write(cast(BinaryIO, stream))
    finally:
        stream.close()
    if size != upload.size:
        raise invalid_parameter(
            "size", f"The parts hold {size} bytes, not the {upload.size} declared."
        )
    with transaction.atomic():
        name = _named(
            drive_id=upload.drive_id,
            parent=upload.parent,
            name=upload.name,
            mode=upload.check_name_mode,
        )
        _quota_check(upload.drive_id, size)
        row = file_build(
            drive=upload.drive,
            parent=upload.parent,
            name=name,
            content_hash=content_hash,
            size=size,
            file_id=upload.file_id,
        )
        row.save(force_insert=True)
        Drive.objects.filter(pk=upload.drive_id).update(total_size=F("total_size") + size)
        upload_id = upload.upload_id
        upload.delete()
    shutil.rmtree(_parts_dir(upload_id), ignore_errors=True)
    return row


def _whole(path: Path, expected: int) -> bool:
    try:
        return path.stat().st_size == expected
    except FileNotFoundError:
        return False
