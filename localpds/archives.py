"""ZIP archives of files and folders: `file/archive_files` and `async_task/get`.

See docs/pds-api.md#filearchive_files. Asking for an archive resolves the named items (through
the share when a visitor asks), walks their folders and checks the limits: that is the whole
of the work, done before the answer, and recorded as an `ArchiveTask` with each file's safe
path in the ZIP. The ZIP is streamed from that plan by zipstream-ng when its signed data URL is
fetched (`views_data.archive`): stored, not compressed, ZIP64 where needed, never held in
memory or written to disk.
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.utils import timezone
from zipstream import ZipStream

from . import selectors, services
from .apierrors import PdsApiError
from .models import ArchiveTask, File, ShareLink, User
from .sharetokens import share_token_share
from .storage import BIDI_CONTROLS, blob_dir

# How long a task can be followed and its ZIP fetched (each URL still expires on its own).
TASK_LIFETIME = timedelta(hours=1)
# Characters no path component may keep: separators (a name must not make a folder of its
# own), and what Windows cannot store in a name, so that the ZIP unpacks everywhere.
_UNSAFE = dict.fromkeys(map(ord, '/\\:*?"<>|'), "_")


def safe_name(name: str) -> str:
    """One path component that cannot climb out of its folder or lie about its type."""
    name = name.translate(BIDI_CONTROLS).translate(_UNSAFE)
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cc").strip()
    # "." and ".." would walk the tree when unpacked; trailing dots vanish on Windows.
    name = name.rstrip(". ")
    return name or "_"


def _unique(name: str, used: set[str], *, folder: bool) -> str:
    """`name`, or "name (2).ext" and so on if the folder already has it (in any case)."""
    if name.casefold() not in used:
        used.add(name.casefold())
        return name
    path = PurePosixPath(name)
    stem, suffix = (name, "") if folder or not path.stem else (path.stem, path.suffix)
    number = 2
    while f"{stem} ({number}){suffix}".casefold() in used:
        number += 1
    unique = f"{stem} ({number}){suffix}"
    used.add(unique.casefold())
    return unique


def too_large(message: str) -> PdsApiError:
    return PdsApiError(400, "ArchiveTooLarge", message)


def _blob_exists(content_hash: str) -> bool:
    digest = content_hash.lower()
    return (blob_dir() / digest[:2] / digest[2:4] / digest).is_file()


@dataclass
class Plan:
    """What goes into one ZIP: entries `[path, content hash ("" for a folder), size]`."""

    max_entries: int
    max_bytes: int
    entries: list[list] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    files: int = 0
    size: int = 0

    def add(self, path: str, row: tuple) -> None:
        file_id, _, name, kind, size, content_hash = row
        if kind == File.Type.FOLDER:
            self.entries.append([path + "/", "", 0])
        elif not _blob_exists(content_hash):
            self.skipped.append({"file_id": file_id, "name": name, "code": "NotFound.FileContent"})
            return
        else:
            self.entries.append([path, content_hash, size])
            self.files += 1
            self.size += size
        if len(self.entries) > self.max_entries:
            raise too_large(
                f"The archive would hold more than {self.max_entries} files and folders."
            )
        if self.size > self.max_bytes:
            raise too_large(f"The archive would be larger than {self.max_bytes} bytes.")


_ROW = ("file_id", "parent_id", "name", "type", "size", "content_hash")


def _walk(plan: Plan, folder: File, path: str) -> None:
    """Add everything under `folder` (already added at `path`), parents before children."""
    # One indexed prefix read of the subtree, bounded by the limit: a huge folder costs at
    # most the limit's rows before it is refused.
    rows = (
        File.objects.filter(drive_id=folder.drive_id, id_path__startswith=folder.id_path)
        .exclude(pk=folder.pk)
        .order_by("name", "file_id")
        .values_list(*_ROW)[: plan.max_entries + 1]
    )
    if len(rows) + len(plan.entries) > plan.max_entries:
        raise too_large(f"The archive would hold more than {plan.max_entries} files and folders.")
    children: dict[str, list[tuple]] = {}
    for row in rows:
        children.setdefault(row[1], []).append(row)
    stack = [(folder.file_id, path)]
    while stack:
        parent_id, parent_path = stack.pop()
        used: set[str] = set()
        for row in children.get(parent_id, ()):
            is_folder = row[3] == File.Type.FOLDER
            child_path = f"{parent_path}/{_unique(safe_name(row[2]), used, folder=is_folder)}"
            plan.add(child_path, row)
            if is_folder:
                stack.append((row[0], child_path))


def _resolve(
    *, file_ids: list[str], share: ShareLink | None, drive_id: int
) -> tuple[list[File], list[dict]]:
    """The named items the caller may read, and the others (left out, never revealed)."""
    found, skipped = [], []
    for file_id in file_ids:
        try:
            if share is not None:
                found.append(selectors.share_file(share=share, file_id=file_id))
            else:
                file = selectors.first_row(File.objects.filter(drive_id=drive_id, file_id=file_id))
                if file is None:
                    raise selectors.file_not_found(file_id)
                found.append(file)
        except PdsApiError as error:
            skipped.append({"file_id": file_id, "name": "", "code": error.code})
    return found, skipped


def archive_create(
    *,
    file_ids: list[str],
    name: str,
    drive_id: int,
    share: ShareLink | None = None,
    user: User | None = None,
) -> ArchiveTask:
    """Plan a ZIP of `file_ids` and record it; through a share it counts as one download.

    Raises before any work when the share disables downloads, and once the plan passes a
    limit (ArchiveTooLarge) or the share's download limit is reached.
    """
    if share is not None and share.disable_download:
        raise PdsApiError(
            403, "ShareLink.DownloadDisabled", "Downloads are disabled for this share."
        )
    now = timezone.now()
    ArchiveTask.objects.filter(created_at__lt=now - TASK_LIFETIME).delete()
    roots, skipped = _resolve(file_ids=file_ids, share=share, drive_id=drive_id)
    plan = Plan(
        max_entries=settings.LOCALPDS_ARCHIVE_MAX_ENTRIES,
        max_bytes=settings.LOCALPDS_ARCHIVE_MAX_BYTES,
        skipped=skipped,
    )
    used: set[str] = set()
    for root in roots:
        is_folder = root.is_folder
        path = _unique(safe_name(root.name), used, folder=is_folder)
        plan.add(path, tuple(getattr(root, name) for name in _ROW))
        if is_folder:
            _walk(plan, root, path)
    plan.entries.sort(key=lambda entry: entry[0].rstrip("/").split("/"))

    task = ArchiveTask(
        share=share,
        user=user,
        drive_id=drive_id,
        name=name,
        entries=plan.entries,
        skipped=plan.skipped,
        total_process=plan.files,
        consumed_process=plan.files,
        total_size=plan.size,
        created_at=now,
        started_at=now,
        finished_at=now,
    )
    if not plan.entries:
        task.state = ArchiveTask.State.FAILED
        task.error_code = "NotFound.File"
        task.error_message = "None of the items named could be put into the archive."
    else:
        if share is not None:
            services.share_count_download(share=share)
        task.state = ArchiveTask.State.PARTIAL if plan.skipped else ArchiveTask.State.SUCCEED
        if plan.skipped:
            task.error_code = "PartialSucceed"
            task.error_message = (
                f"{len(plan.skipped)} of the items could not be put into the archive."
            )
    task.save(force_insert=True)
    return task


def task_for_caller(*, async_task_id: str, share_token: str, user: User | None) -> ArchiveTask:
    """A live task its caller may follow: a token of its share, or its owner (or an admin).

    A visitor's copy needs both: the share's token and its user's Bearer token.

    Any other caller is told it does not exist, as for a file outside a share.
    """
    not_found = PdsApiError(
        404, "NotFound.AsyncTask", f"The resource async_task {async_task_id} cannot be found."
    )
    task = selectors.first_row(
        ArchiveTask.objects.defer("entries").filter(
            async_task_id=async_task_id, created_at__gte=timezone.now() - TASK_LIFETIME
        )
    )
    if task is None:
        raise not_found
    if task.share_id is not None:
        share_token_share(token=share_token, share_id=task.share_id, user=user)
        # A save into a drive is its user's: the share's other visitors may not follow it.
        if task.kind == ArchiveTask.Kind.COPY and (user is None or task.user_id != user.user_id):
            raise not_found
    elif user is None or (task.user_id != user.user_id and not user.is_admin):
        raise not_found
    return task


def task_live(async_task_id: str) -> ArchiveTask | None:
    """The task a signed archive URL names, with its plan, if it has not expired."""
    return selectors.first_row(
        ArchiveTask.objects.filter(
            async_task_id=async_task_id, created_at__gte=timezone.now() - TASK_LIFETIME
        )
    )


def zip_stream(task: ArchiveTask) -> ZipStream:
    """The task's ZIP as a sized stream (its length is known before the first byte).

    Raises FileNotFoundError when a planned file's contents have gone since.
    """
    stream = ZipStream(sized=True)
    for path, content_hash, _ in task.entries:
        if not content_hash:
            stream.mkdir(path)
            continue
        digest = content_hash.lower()
        stream.add_path(str(blob_dir() / digest[:2] / digest[2:4] / digest), arcname=path)
    return stream
