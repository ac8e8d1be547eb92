"""Reads of a share's contents through PDS, with the share token of the visitor's session."""

from dataclasses import dataclass
from typing import TypedDict

from django.http import HttpRequest
from django.urls import reverse

from shareportal.pds import errors
from shareportal.pds.client import get_client
from shareportal.pds.ids import is_file_id
from shareportal.pds.types import FileItem, Page

from .datahosts import data_origins, data_url_trusted
from .display import RowFormats, file_icon, shown_name
from .services import (
    ShareFacts,
    folders_known,
    folders_remember,
    folders_remember_listed,
    share_call,
)

PAGE_SIZE = 50
# Our names for the sort orders (kept in the URL) and the PDS `order_by` each stands for.
ORDER_BY = {"name": "name", "size": "size", "modified": "updated_at"}
# Deeper than any real tree; it only stops a walk that PDS would send round in circles.
MAX_DEPTH = 64


class Row(TypedDict):
    """One line of a listing with everything it shows worked out; the template only places it.

    A dict rather than a dataclass: templates look up dict keys first, and a listing makes
    hundreds of lookups. Text is plain (the template escapes it); "" means "not shown".
    """

    name: str  # without bidi controls
    icon: str
    folder_href: str  # the folder's page; "" for a file
    thumbnail: str  # a signed thumbnail URL on a trusted host
    preview_href: str  # a signed preview URL on a trusted host
    download_href: str  # "" for folders and when the share disables downloads
    size: str  # "1.2 MB"; "" for folders and unknown sizes
    modified: str  # date and time (SHORT_DATETIME_FORMAT)
    modified_iso: str  # for <time datetime>


@dataclass(frozen=True)
class Crumb:
    file_id: str
    name: str


def folder_page(
    *,
    request: HttpRequest,
    facts: ShareFacts,
    folder_id: str | None,
    sort: str,
    direction: str,
    marker: str,
) -> Page[FileItem]:
    """One page of a folder of the share (`folder_id` None: the share's top items).

    The folders on the page are remembered in the session, so that opening one of them later
    needs no extra call for its breadcrumbs.
    """
    page = share_call(
        request=request,
        facts=facts,
        call=lambda token: get_client().list_files(
            parent_file_id=folder_id or "root",
            share_id=facts.share_id,
            share_token=token,
            marker=marker,
            limit=PAGE_SIZE,
            order_by=ORDER_BY[sort],
            order_direction=direction.upper(),
        ),
    )
    for item in page.items:
        _check_file_id(item.file_id)
    folders_remember_listed(
        request=request, share_id=facts.share_id, items=page.items, parent_id=folder_id
    )
    return page


def listing_rows(*, facts: ShareFacts, items: list[FileItem]) -> list[Row]:
    """The rows of a listing page, as the active language and time zone show them.

    Links are made by one `reverse()` each and the ids put in by concatenation: file ids are
    checked against `ids.FILE_ID` (nothing in them to quote), and the id is the last path segment.
    """
    placeholder = "0"
    folder_url = reverse("shares:folder", args=[facts.share_id, placeholder])
    download_url = reverse("shares:download", args=[facts.share_id, placeholder])
    folder_head, _, folder_tail = folder_url.rpartition(placeholder)
    download_head, _, download_tail = download_url.rpartition(placeholder)
    previews = not facts.disable_preview
    downloads = not facts.disable_download
    origins = data_origins()
    formats = RowFormats()
    rows: list[Row] = []
    for item in items:
        folder = item.is_folder
        image = previews and not folder and item.category == "image"
        updated = formats.local(item.updated_at) if item.updated_at else None
        rows.append(
            {
                "name": shown_name(item.name),
                "icon": file_icon(item),
                "folder_href": f"{folder_head}{item.file_id}{folder_tail}" if folder else "",
                "thumbnail": item.thumbnail
                if image and item.thumbnail and data_url_trusted(item.thumbnail, origins=origins)
                else "",
                "preview_href": item.url
                if image and item.url and data_url_trusted(item.url, origins=origins)
                else "",
                "download_href": f"{download_head}{item.file_id}{download_tail}"
                if downloads and not folder
                else "",
                "size": formats.size(item.size) if not folder and item.size is not None else "",
                "modified": formats.date(updated, "SHORT_DATETIME_FORMAT") if updated else "",
                "modified_iso": updated.isoformat() if updated else "",
            }
        )
    return rows


def _check_file_id(file_id: str) -> None:
    """Refuse a file id from PDS that our URLs cannot carry: no link could be made to it."""
    if not is_file_id(file_id):
        raise errors.BadResponse("PDS answered a file id our URLs cannot carry")


def breadcrumbs(*, request: HttpRequest, facts: ShareFacts, folder_id: str) -> list[Crumb]:
    """The folders from the share's top down to `folder_id`.

    PDS has no "path" operation, so the trail is walked upwards with `file/get`, as the official
    SDK does, but only for folders this session has not seen listed. The walk stops at a folder
    whose parent is "root" or outside the share (PDS answers that parent with NotFound).
    """
    known = folders_known(request=request, share_id=facts.share_id)
    learned: dict[str, tuple[str, str | None]] = {}

    def node(file_id: str) -> tuple[str, str | None]:
        if file_id in known:
            name, parent = known[file_id]
            return name, parent
        item = share_call(
            request=request,
            facts=facts,
            call=lambda token: get_client().get_file(
                file_id=file_id, share_id=facts.share_id, share_token=token
            ),
        )
        if not item.is_folder:
            # Some PDS versions list a file's "children" as nothing instead of refusing.
            raise errors.FileNotFound("not a folder")
        parent = item.parent_file_id if item.parent_file_id not in ("", "root") else None
        if parent is not None:
            _check_file_id(parent)  # it becomes a crumb's link
        learned[file_id] = (item.name, parent)
        return item.name, parent

    trail: list[Crumb] = []
    current = folder_id
    name, parent = node(current)
    while True:
        trail.append(Crumb(file_id=current, name=name))
        if parent is None or len(trail) >= MAX_DEPTH or parent in {c.file_id for c in trail}:
            break
        try:
            parent_name, grandparent = node(parent)
        except (errors.FileNotFound, errors.NoPermission):
            # The parent is outside the share: `current` is one of its top items.
            learned[current] = (name, None)
            break
        current, name, parent = parent, parent_name, grandparent
    if learned:
        folders_remember(request=request, share_id=facts.share_id, folders=learned)
    return trail[::-1]
