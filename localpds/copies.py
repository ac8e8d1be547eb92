"""`file/copy`: a file or folder copied into a drive, from the caller's drive or through a share.

See docs/pds-api.md#filecopy. Saving a share's items into one's own drive ("Save to my drive")
is this copy made with the share's `x-share-token` and the user's Bearer token together: the
share's `disable_save`, `save_limit` and `save_download_limit` govern it and it counts one
`save_count`. File contents are blobs named by their SHA-1 (`storage`), written once and never
changed or removed, so a copy shares its original's blobs: only rows are written, and no byte
is read or duplicated.

A folder is copied whole in the request (its subtree read in one indexed prefix query, at most
`LOCALPDS_ARCHIVE_MAX_ENTRIES` items, written in one bulk insert) and answered as an
asynchronous task that has already succeeded, the way `file/archive_files` plans its ZIP:
clients follow it with `async_task/get` as the contract says, and find it done.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from . import selectors, storage
from .apierrors import PdsApiError, invalid_parameter
from .models import ROOT, ArchiveTask, Drive, File, ShareLink, User


def _save_disabled() -> PdsApiError:
    return PdsApiError(403, "ShareLink.SaveDisabled", "Saving is disabled for this share.")


def share_count_save(*, share: ShareLink) -> None:
    """Count one save through the share, or refuse: saving off, or a limit reached."""
    if share.disable_save:
        raise _save_disabled()
    within_limits = (Q(save_limit=0) | Q(save_count__lt=F("save_limit"))) & (
        Q(save_download_limit=0) | Q(save_download_limit__gt=F("download_count") + F("save_count"))
    )
    counted = ShareLink.objects.filter(within_limits, pk=share.pk).update(
        save_count=F("save_count") + 1
    )
    if not counted:
        raise PdsApiError(403, "ShareLink.SaveLimitExceeded", "The share's save limit is reached.")


def target_folder(*, drive: Drive, parent_file_id: str) -> File | None:
    """The folder a copy goes into (None: the top of the drive); 404 or 400 otherwise."""
    if parent_file_id == ROOT:
        return None
    parent = selectors.file_in_drive(drive=drive, file_id=parent_file_id)
    if not parent.is_folder:
        raise invalid_parameter("to_parent_file_id", "It names a file, not a folder.")
    return parent


def _free_name(*, drive: Drive, parent: File | None, name: str, folder: bool) -> str:
    """`name`, or "name (2).ext" and so on when the folder already holds it."""
    taken = set(
        File.objects.filter(drive=drive, parent=parent, name__startswith=_stem(name, folder))
        .values_list("name", flat=True)
        .iterator()
    )
    if name not in taken:
        return name
    stem = _stem(name, folder)
    suffix = name[len(stem) :]
    number = 2
    while f"{stem} ({number}){suffix}" in taken:
        number += 1
    return f"{stem} ({number}){suffix}"


def _stem(name: str, folder: bool) -> str:
    path = PurePosixPath(name)
    return name if folder or not path.stem or not path.suffix else name[: -len(path.suffix)]


def _copy_row(source: File, *, drive: Drive, parent_id: str | None, parent_path: str) -> File:
    file_id = File._meta.get_field("file_id").get_default()
    now = timezone.now()
    return File(
        file_id=file_id,
        drive=drive,
        parent_id=parent_id,
        id_path=f"{parent_path}{file_id}/",
        name=source.name,
        type=source.type,
        size=source.size,
        content_type=source.content_type,
        file_extension=source.file_extension,
        category=source.category,
        content_hash=source.content_hash,
        description=source.description,
        created_at=now,
        updated_at=now,
    )


def file_copy(
    *,
    source: File,
    user: User,
    to_drive: Drive,
    to_parent: File | None,
    new_name: str,
    auto_rename: bool,
    share: ShareLink | None = None,
) -> tuple[File, ArchiveTask | None]:
    """Copy `source` into `to_parent` of `to_drive`; a folder's copy comes with its task.

    Runs inside the operation's transaction: a refusal after the save was counted leaves
    neither the count nor any row behind.
    """
    if share is not None and share.disable_save:
        raise _save_disabled()
    if (
        source.is_folder
        and to_parent is not None
        and to_parent.drive_id == source.drive_id
        and to_parent.id_path.startswith(source.id_path)
    ):
        raise invalid_parameter("to_parent_file_id", "A folder cannot be copied into itself.")
    try:
        name = storage.name_validate(new_name or source.name)
    except storage.InvalidName as exc:
        raise invalid_parameter("new_name", str(exc)) from None
    if auto_rename:
        name = _free_name(drive=to_drive, parent=to_parent, name=name, folder=source.is_folder)
    elif File.objects.filter(drive=to_drive, parent=to_parent, name=name).exists():
        raise PdsApiError(
            409, "AlreadyExist.File", f"The target folder already holds an item named {name}."
        )
    subtree: list[File] = []
    if source.is_folder:
        limit = settings.LOCALPDS_ARCHIVE_MAX_ENTRIES
        # One indexed prefix read, parents before children (a parent's id_path is shorter).
        subtree = list(
            File.objects.filter(drive_id=source.drive_id, id_path__startswith=source.id_path)
            .exclude(pk=source.pk)
            .order_by("id_path")[:limit]
        )
        if len(subtree) + 1 > limit:
            raise PdsApiError(
                400,
                "InvalidParameterOutOfRange",
                f"The input parameter file_id is not valid. The folder holds more than "
                f"{limit} items with itself, more than one copy may take.",
            )
    if share is not None:
        share_count_save(share=share)

    top = _copy_row(
        source,
        drive=to_drive,
        parent_id=to_parent.file_id if to_parent else None,
        parent_path=to_parent.id_path if to_parent else "/",
    )
    top.name = name
    rows = [top]
    copied = {source.file_id: top}
    for item in sorted(subtree, key=lambda f: f.id_path.count("/")):
        parent = copied[str(item.parent_id)]
        row = _copy_row(item, drive=to_drive, parent_id=parent.file_id, parent_path=parent.id_path)
        copied[item.file_id] = row
        rows.append(row)
    File.objects.bulk_create(rows, batch_size=500)
    size = sum(row.size for row in rows if not row.is_folder)
    if size:
        Drive.objects.filter(pk=to_drive.pk).update(total_size=F("total_size") + size)
    if not source.is_folder:
        return top, None
    now = timezone.now()
    task = ArchiveTask(
        kind=ArchiveTask.Kind.COPY,
        share=share,
        user=user,
        drive=to_drive,
        name=name,
        state=ArchiveTask.State.SUCCEED,
        result_file_id=top.file_id,
        total_process=len(rows),
        consumed_process=len(rows),
        total_size=size,
        created_at=now,
        started_at=now,
        finished_at=now,
    )
    task.save(force_insert=True)
    return top, task
