""" "Save to my drive": copying a share's items into the signed-in visitor's own drive.

Each item picked is one `file/copy` (docs/pds-api.md#filecopy) made with the share's token and
the visitor's access token together (`services.signed_in_share_call`), into the folder the
visitor chose in their drive, renamed when the name is taken there. A file is copied at once;
a folder's copy is an asynchronous task, followed with `async_task/get` like a ZIP's. The
progress page's URL holds no bare task id but a reference signed with SECRET_KEY that binds the
tasks to the share and to the visitor, and expires with the drive's tasks (an hour).
"""

from dataclasses import dataclass

from django.core import signing
from django.http import HttpRequest

from shareportal.pds import errors
from shareportal.pds.client import get_client
from shareportal.pds.types import AsyncTask, CopyResult, FileItem, Page

from . import services
from .selectors import ShareFacts

# As many items as "Download selected" may name: a page's worth of picks.
MAX_ITEMS = 100
SALT = "shareportal.shares.saving"
REF_MAX_AGE = 60 * 60
# Folders of the visitor's drive shown per page of the destination picker.
FOLDERS_PAGE_SIZE = 100


@dataclass(frozen=True)
class Saved:
    """Where a save stands: its folder tasks (None while one runs) and where it went."""

    tasks: list[AsyncTask]
    folder_name: str
    items: int

    @property
    def running(self) -> bool:
        return any(not task.finished for task in self.tasks)

    @property
    def failed(self) -> bool:
        return any(task.state == "Failed" for task in self.tasks)


def _visitor(request: HttpRequest) -> services.Owner:
    visitor = services.visitor_of(request)
    if visitor is None:
        raise services.SignInNeeded
    return visitor


def drive_folders(*, request: HttpRequest, folder_id: str, marker: str) -> Page[FileItem]:
    """One page of a folder of the visitor's own drive (the destination picker), by name."""
    visitor = _visitor(request)
    try:
        return visitor.call(
            lambda token: get_client().list_files(
                parent_file_id=folder_id,
                drive_id=visitor.drive_id,
                access_token=token,
                marker=marker,
                limit=FOLDERS_PAGE_SIZE,
            )
        )
    except services.SignInRequired as exc:
        services.visitor_forget(request=request)
        raise services.SignInNeeded from exc


def save_start(
    *,
    request: HttpRequest,
    facts: ShareFacts,
    file_ids: list[str],
    to_parent_file_id: str,
    folder_name: str,
) -> str:
    """Copy `file_ids` of the share into the visitor's folder; return the progress reference.

    Raises the share's refusals (saving disabled, its save limit reached) as the drive gives
    them; items copied before a refusal stay copied, and the reference covers them.
    """
    visitor = _visitor(request)
    tasks: list[str] = []
    for file_id in file_ids:

        def copy(token: str, access_token: str, file_id: str = file_id) -> CopyResult:
            return get_client().copy_file(
                file_id=file_id,
                share_id=facts.share_id,
                share_token=token,
                access_token=access_token,
                to_drive_id=visitor.drive_id,
                to_parent_file_id=to_parent_file_id,
                auto_rename=True,
            )

        result = services.signed_in_share_call(request=request, facts=facts, call=copy)
        if result.async_task_id:
            tasks.append(result.async_task_id)
    return signing.dumps(
        {
            "s": facts.share_id,
            "u": visitor.user_id,
            "t": tasks,
            "n": folder_name,
            "i": len(file_ids),
        },
        salt=SALT,
    )


def saved_get(*, request: HttpRequest, facts: ShareFacts, ref: str) -> Saved:
    """Where the save `ref` names stands; FileNotFound for a reference not of this share and
    visitor."""
    visitor = _visitor(request)
    try:
        data = signing.loads(ref, salt=SALT, max_age=REF_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired too
        raise errors.FileNotFound("not a save reference of ours") from None
    if (
        not isinstance(data, dict)
        or data.get("s") != facts.share_id
        or data.get("u") != visitor.user_id
    ):
        raise errors.FileNotFound("a save reference of another share or visitor")

    def follow(task_id: str) -> AsyncTask:
        return services.signed_in_share_call(
            request=request,
            facts=facts,
            call=lambda token, access_token: get_client().get_async_task(
                async_task_id=task_id, share_token=token, access_token=access_token
            ),
        )

    tasks = [follow(task_id) for task_id in data["t"]]
    return Saved(tasks=tasks, folder_name=data["n"], items=data["i"])
