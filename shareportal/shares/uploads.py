"""Visitors' uploads into a share that accepts them: `file/create` and `file/complete`.

The portal only asks the drive (with the visitor's share token, `services.share_call`, which
never leaves the server) for an upload and its signed part URLs, and later to finish it. The
browser PUTs the bytes straight to those URLs on the drive's data host
(docs/pds-api.md#uploads): no byte passes through the portal. What the browser holds between
the two calls is a reference signed with SECRET_KEY that binds the upload to its share, as
for ZIP downloads (`archives`), so it can be neither forged nor carried to another share.
"""

import math
from dataclasses import dataclass

from django.core import signing
from django.http import HttpRequest

from shareportal.display import shown_name
from shareportal.pds import errors
from shareportal.pds.client import get_client
from shareportal.pds.types import FileItem, Page, UploadStarted

from . import services
from .datahosts import data_url_trusted
from .selectors import ShareFacts
from .services import Crumb

# Every part but the last is this size: PDS's (OSS's) smallest, so a file of several MB goes
# up in a few parts the browser can send and retry one by one.
PART_SIZE = 5 * 1024 * 1024
MAX_PARTS = 10_000
MAX_SIZE = PART_SIZE * MAX_PARTS
MAX_NAME_LENGTH = 1024
SALT = "shareportal.shares.uploads"
# The drive keeps an unfinished upload a day; its part URLs live an hour.
REF_MAX_AGE = 24 * 60 * 60


class UntrustedUploadHost(Exception):
    """The drive gave part URLs on a host outside PDS_DATA_ORIGINS: the browser may not PUT
    there (the page's CSP would refuse it too), so nothing is handed out."""


@dataclass(frozen=True)
class Started:
    """What the browser needs to send a file: its reference, its name, and where each part goes."""

    ref: str
    name: str
    parts: list[dict]


def part_sizes(size: int) -> list[int]:
    """The file cut into PART_SIZE parts, the last one shorter (one empty part if empty)."""
    count = max(1, math.ceil(size / PART_SIZE))
    return [PART_SIZE] * (count - 1) + [size - PART_SIZE * (count - 1)]


def upload_start(
    *, request: HttpRequest, facts: ShareFacts, folder_id: str, name: str, size: int, rename: bool
) -> Started:
    """Ask the drive for an upload of `name` into the folder (`root`: the share's top).

    Raises the drive's refusals as typed errors: NameTaken (unless `rename`), QuotaExhausted,
    FeatureDisabled (the share takes no uploads), InvalidParameter, and the share's own.
    """
    started: UploadStarted = services.share_call(
        request=request,
        facts=facts,
        call=lambda token, access: get_client().create_file(
            parent_file_id=folder_id,
            name=name,
            size=size,
            part_sizes=part_sizes(size),
            check_name_mode="auto_rename" if rename else "refuse",
            share_id=facts.share_id,
            share_token=token,
            access_token=access,
        ),
    )
    if not all(data_url_trusted(part.upload_url) for part in started.parts):
        raise UntrustedUploadHost(facts.share_id)
    ref = signing.dumps(
        {"s": facts.share_id, "f": started.file_id, "u": started.upload_id}, salt=SALT
    )
    parts = [
        {"number": part.part_number, "size": part.part_size, "url": part.upload_url}
        for part in started.parts
    ]
    return Started(ref=ref, name=started.file_name or name, parts=parts)


def upload_finish(*, request: HttpRequest, facts: ShareFacts, ref: str) -> FileItem:
    """Ask the drive to assemble the parts; the file is in the share's listing from then on."""
    try:
        data = signing.loads(ref, salt=SALT, max_age=REF_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired too
        raise errors.FileNotFound("not an upload reference of ours") from None
    if not isinstance(data, dict) or data.get("s") != facts.share_id:
        raise errors.FileNotFound("an upload reference of another share")
    return services.share_call(
        request=request,
        facts=facts,
        call=lambda token, access: get_client().complete_file(
            file_id=str(data["f"]),
            upload_id=str(data["u"]),
            share_id=facts.share_id,
            share_token=token,
            access_token=access,
        ),
    )


def upload_context(
    *,
    facts: ShareFacts,
    page: Page[FileItem],
    folder_id: str | None = None,
    folder: Crumb | None = None,
) -> dict | None:
    """What the drop zone of a page needs (None: the share takes no uploads).

    On a folder's page files go into that folder. On the landing page they go into the
    share's top, which the drive accepts for a share of a whole drive only; a share of one
    folder (the usual upload share), whose landing page opens into it (`folder`), takes them
    into that folder, and the page says so.
    """
    if not facts.enable_upload:
        return None
    target, into = folder_id or "root", ""
    if folder is not None:  # the landing page of a share of one folder, opened into it
        return {"folder": folder.file_id, "into": shown_name(folder.name), "max_size": MAX_SIZE}
    if folder_id is None and len(page.items) == 1 and not page.next_marker:
        only = page.items[0]
        if only.type == "folder":
            target, into = only.file_id, shown_name(only.name)
    return {"folder": target, "into": into, "max_size": MAX_SIZE}
