"""ZIP downloads of a share: asking the drive for an archive and following it.

`file/archive_files` and `async_task/get` (docs/pds-api.md#filearchive_files) run with the
visitor's share token, like every read (`services.share_call`). The progress page's URL holds
no bare task id but a reference signed with SECRET_KEY that binds the task to its share (and
expires with the drive's task, in an hour): a task id cannot be guessed, forged or carried to
another share, and following it still takes the share itself (a password share's visitor
must have unlocked it). No session is needed, so a share without a password still gives its
visitors none (`services`).
"""

from django.core import signing
from django.http import HttpRequest

from shareportal.pds import errors
from shareportal.pds.client import get_client
from shareportal.pds.types import AsyncTask

from . import services
from .selectors import ShareFacts

# The most items one archive may name (docs/pds-api.md#filearchive_files), as many as a share
# may hold at its top: "Download selected" refuses more before asking the drive.
MAX_ITEMS = 100
SALT = "shareportal.shares.archives"
# The embedded drive keeps a task an hour; a reference is no use longer than that.
REF_MAX_AGE = 60 * 60


class TooManyItems(Exception):
    """More than MAX_ITEMS at the top of the share: "Download all" cannot name them all."""


def archive_start(
    *, request: HttpRequest, facts: ShareFacts, file_ids: list[str], name: str
) -> str:
    """Ask the drive for a ZIP of `file_ids`, remember the task in the session, return its id.

    Raises ArchiveTooLarge past the drive's limits, and the share's own refusals (downloads
    disabled, the download limit reached) like a single download does.
    """
    task_id = services.share_call(
        request=request,
        facts=facts,
        call=lambda token, access_token: get_client().archive_files(
            file_ids=file_ids,
            name=name,
            share_id=facts.share_id,
            share_token=token,
            access_token=access_token,
        ),
    )
    return signing.dumps({"s": facts.share_id, "t": task_id}, salt=SALT)


def _task_id(ref: str, share_id: str) -> str:
    """The task a reference names, if we signed it for this share within the hour."""
    try:
        data = signing.loads(ref, salt=SALT, max_age=REF_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired too
        raise errors.FileNotFound("not an archive reference of ours") from None
    if (
        not isinstance(data, dict)
        or data.get("s") != share_id
        or not isinstance(data.get("t"), str)
    ):
        raise errors.FileNotFound("an archive reference of another share")
    return data["t"]


def archive_task_get(*, request: HttpRequest, facts: ShareFacts, ref: str) -> AsyncTask:
    """Where the archive `ref` names stands; FileNotFound for a reference not of this share."""
    task_id = _task_id(ref, facts.share_id)
    return services.share_call(
        request=request,
        facts=facts,
        call=lambda token, access_token: get_client().get_async_task(
            async_task_id=task_id, share_token=token, access_token=access_token
        ),
    )


def share_top_ids(*, request: HttpRequest, facts: ShareFacts) -> list[str]:
    """The ids of the share's top items, for "Download all", or TooManyItems past MAX_ITEMS.

    Read page by page (the folders among them are remembered, so that a refusal can offer
    them one by one).
    """
    ids: list[str] = []
    marker = ""
    while True:
        page = services.folder_page_open(
            request=request,
            facts=facts,
            folder_id=None,
            sort="name",
            direction="asc",
            marker=marker,
        )
        ids.extend(item.file_id for item in page.items)
        if len(ids) > MAX_ITEMS:
            raise TooManyItems
        if not page.next_marker:
            return ids
        marker = page.next_marker


def folder_names(*, share_id: str, folder_ids: list[str]) -> list[tuple[str, str]]:
    """`(file_id, name)` of those folders seen listed (`services.folders_known`), in order."""
    known = services.folders_known(share_id=share_id)
    return [(fid, known[fid][0]) for fid in folder_ids if fid in known]


def folders_known_top(*, share_id: str) -> list[tuple[str, str]]:
    """`(file_id, name)` of the folders seen listed at the top of the share."""
    known = services.folders_known(share_id=share_id)
    return sorted(
        ((fid, name) for fid, (name, parent) in known.items() if parent is None),
        key=lambda pair: pair[1].casefold(),
    )
