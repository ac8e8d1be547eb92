"""Reads of a share through PDS, given the share token: nothing here touches the session.

`services.share_call` runs these with the visitor's token (getting or renewing it as needed);
`listing_rows` turns a page of items into what a listing shows.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone
from markupsafe import Markup

from shareportal.display import breakable, file_icon, shown_name, text_links
from shareportal.pds import errors
from shareportal.pds.client import get_client
from shareportal.pds.ids import is_file_id
from shareportal.pds.query import quoted
from shareportal.pds.types import (
    AnonymousShare,
    DataHead,
    DownloadUrl,
    FileItem,
    Page,
    SearchHit,
)

from . import rendering
from .datahosts import data_origins, data_url_trusted

PAGE_SIZE = 50
# Our names for the sort orders (kept in the URL) and the PDS `order_by` each stands for.
ORDER_BY = {"name": "name", "size": "size", "modified": "updated_at"}


@dataclass(frozen=True)
class ShareFacts:
    """What the pages of a share need to know about it (the session keeps them)."""

    share_id: str
    name: str
    has_pwd: bool
    disable_download: bool
    disable_preview: bool
    # A `msg` share: opened with its share code, which brings its password along.
    needs_code: bool = False
    # Only for users signed in to the drive: every call carries theirs (docs/pds-api.md).
    require_login: bool = False
    disable_save: bool = False
    file_count: int | None = None  # the share's top items; None when PDS does not say
    # Visitors may upload into its folders (`enable_upload` or `creatable`).
    enable_upload: bool = False

    @classmethod
    def of(cls, share: AnonymousShare) -> "ShareFacts":
        return cls(
            share_id=share.share_id,
            name=share.share_name,
            has_pwd=share.has_pwd,
            disable_download=share.disable_download,
            disable_preview=share.disable_preview,
            needs_code=share.needs_code,
            require_login=share.require_login,
            disable_save=share.disable_save,
            file_count=share.file_count,
            enable_upload=share.enable_upload,
        )

    @property
    def locked(self) -> bool:
        """Whether a visitor needs a token of their own: got with the password or the code."""
        return self.has_pwd or self.needs_code

    @property
    def single_item(self) -> bool:
        """Whether the share is of one file or folder (as the drive counts its top items)."""
        return self.file_count == 1


class Row(NamedTuple):
    """One line of a listing with everything it shows worked out; the template only places it.

    Text is plain (the template escapes it); "" means "not shown". A named tuple: Jinja2 looks
    attributes up before keys, so `row.name` is one lookup here where a dict would cost two,
    and a listing makes one per item: a named tuple is built in a quarter of the time of a
    frozen dataclass (which sets each field through `object.__setattr__`), immutable alike.
    """

    name: str  # without bidi controls
    label: Markup  # the name escaped, with places to wrap it (`display.breakable`)
    icon: str
    folder_href: str  # the folder's page; "" for a file
    file_href: str  # the file's preview page; "" for a folder
    thumbnail: str  # a signed thumbnail URL on a trusted host
    preview_href: str  # an image's preview page (where previews are counted); "" otherwise
    download_href: str  # "" for folders and when the share disables downloads
    size: str  # "1.2 MB"; "" for folders and unknown sizes
    modified: str  # the day (SHORT_DATE_FORMAT), as file lists show it
    modified_iso: str  # the exact time, for <time datetime>
    file_id: str  # the value of the row's checkbox ("Download selected")


def share_get(*, share_id: str) -> AnonymousShare:
    """What anyone may know about the share before unlocking it."""
    return get_client().get_share_link_by_anonymous(share_id)


class Allowance(NamedTuple):
    """What a limited share still allows: `left` of `limit` (downloads, or previews)."""

    left: int
    limit: int


def _allowance(*caps: tuple[int, int]) -> Allowance | None:
    """The tightest of `(limit, used)` caps (a limit of 0 is no cap); None when none is set."""
    set_caps = [Allowance(max(0, limit - used), limit) for limit, used in caps if limit > 0]
    return min(set_caps, key=lambda cap: cap.left, default=None)


class Story(NamedTuple):
    """What the landing page tells of a share besides its name, worked out for the template."""

    description: list[tuple[str, str]]  # (text, href); href "" for plain text
    items: int | None  # how many items the page's listing stands for; None: not known
    items_at_least: bool  # `items` is only those on the first page: there are more
    downloads: Allowance | None  # None: no limit
    previews: Allowance | None


def share_story(
    *, share: AnonymousShare, folder_page: Page[FileItem] | None, unlocked: bool
) -> Story:
    """The description, the number of items and what is left of the share's limits.

    The items are the share's top ones as the drive counts them (`file_count`), or, for a share
    of one folder opened on its landing page (`folder_page`), that folder's: the drive does not
    count a folder's items, so only a first page that is the whole folder gives their number;
    a longer one gives "N or more". No total size: the anonymous answer has none, and walking
    the tree for one would cost a visitor a call per folder.
    A share with a password or a share code tells its description only to visitors who
    unlocked it.
    """
    locked = share.has_pwd or share.needs_code
    if folder_page is None:
        items, at_least = share.file_count, False
    else:
        items, at_least = len(folder_page.items), bool(folder_page.next_marker)
    downloads = _allowance(
        (share.download_limit, share.download_count),
        (share.save_download_limit, share.download_count + share.save_count),
    )
    return Story(
        description=text_links(share.description) if unlocked or not locked else [],
        items=items,
        items_at_least=at_least,
        downloads=downloads,
        previews=_allowance((share.preview_limit, share.preview_count)),
    )


def folder_page(
    *,
    share_id: str,
    token: str,
    folder_id: str | None,
    sort: str,
    direction: str,
    marker: str,
    access_token: str = "",
) -> Page[FileItem]:
    """One page of a folder of the share (`folder_id` None: the share's top items)."""
    page = get_client().list_files(
        parent_file_id=folder_id or "root",
        share_id=share_id,
        share_token=token,
        access_token=access_token,
        marker=marker,
        limit=PAGE_SIZE,
        order_by=ORDER_BY[sort],
        order_direction=direction.upper(),
    )
    for item in page.items:
        _check_file_id(item.file_id)
    return page


def folder_get(*, share_id: str, token: str, file_id: str, access_token: str = "") -> FileItem:
    """One folder of the share; FileNotFound when it is a file."""
    item = get_client().get_file(
        file_id=file_id, share_id=share_id, share_token=token, access_token=access_token
    )
    if not item.is_folder:
        # Some PDS versions list a file's "children" as nothing instead of refusing.
        raise errors.FileNotFound("not a folder")
    if item.parent_file_id not in ("", "root"):
        _check_file_id(item.parent_file_id)  # it becomes a crumb's link
    return item


def file_get(*, share_id: str, token: str, file_id: str, access_token: str = "") -> FileItem:
    """One file or folder of the share (file/get counts nothing)."""
    item = get_client().get_file(
        file_id=file_id, share_id=share_id, share_token=token, access_token=access_token
    )
    if item.parent_file_id not in ("", "root"):
        _check_file_id(item.parent_file_id)  # it becomes the "back to the folder" link
    return item


# The walk for a preview's previous and next files: at most this many `file/list` pages of
# the file's folder, by name. A file further down a huge folder shows no previous and next.
NEIGHBOUR_PAGE_SIZE = 100
NEIGHBOUR_MAX_LISTINGS = 5


class Neighbours(NamedTuple):
    """The files before and after one in its folder, by name; None at either end."""

    previous: FileItem | None
    next: FileItem | None


def file_neighbours(
    *, share_id: str, token: str, item: FileItem, access_token: str = ""
) -> Neighbours:
    """The files next to `item` in its folder, by name: the gallery's steps for an image
    (other images only), every file for anything else; folders are skipped.

    Walks the folder from its start, `NEIGHBOUR_MAX_LISTINGS` pages at most.
    """
    client = get_client()
    image = rendering.preview_kind(item) == rendering.IMAGE
    marker = ""
    previous: FileItem | None = None
    found = False
    for _ in range(NEIGHBOUR_MAX_LISTINGS):
        page = client.list_files(
            parent_file_id=item.parent_file_id or "root",
            share_id=share_id,
            share_token=token,
            access_token=access_token,
            marker=marker,
            limit=NEIGHBOUR_PAGE_SIZE,
            order_by="name",
            order_direction="ASC",
        )
        for other in page.items:
            if other.is_folder or (image and rendering.preview_kind(other) != rendering.IMAGE):
                continue
            _check_file_id(other.file_id)
            if found:
                return Neighbours(previous, other)
            if other.file_id == item.file_id:
                found = True
            else:
                previous = other
        if not page.next_marker:
            break
        marker = page.next_marker
    return Neighbours(previous if found else None, None)


def preview_report(*, share_id: str, token: str, access_token: str = "") -> None:
    """Count one preview of the share; LimitReached past its preview limit."""
    get_client().report_event(
        share_id=share_id, share_token=token, sub_type="preview", access_token=access_token
    )


def file_head_read(*, url: str) -> DataHead:
    """The first `TEXT_PREVIEW_BYTES` of a file, read by the portal from its signed URL.

    Only from a trusted data host: the URL comes from the drive's answer, and the portal
    must not be made to fetch any other address.
    """
    if not data_url_trusted(url):
        raise errors.BadResponse("PDS gave a preview URL on a host that is not trusted")
    return get_client().read_data_head(url, max_bytes=rendering.TEXT_PREVIEW_BYTES)


def download_url_get(
    *, share_id: str, token: str, file_id: str, access_token: str = ""
) -> DownloadUrl:
    """A signed URL to the file's bytes (PDS counts it against the share's download limit)."""
    return get_client().get_download_url(
        file_id=file_id, share_id=share_id, share_token=token, access_token=access_token
    )


def listing_rows(
    *, facts: ShareFacts, items: list[FileItem], current_app: str = "shares", view_query: str = ""
) -> list[Row]:
    """The rows of a listing page, as the active language and time zone show them.

    A row shows the day an item changed, as Google Drive and Dropbox list files; the exact time
    is in its `<time datetime>`. The rows of a folder share few days (files come in batches, and
    a listing sorted by time lists each day's together), so each day is formatted once per page:
    Django's formats cost more than the rest of a row.

    A folder's and a file's pages are under their share's (`urls.py` nests `folder/<id>/`,
    `file/<id>/` and `download/<id>/` in `s/<share_id>/`), so the share's URL is reversed once
    per page rather than once per row; file ids are checked against `ids.FILE_ID`, with nothing
    to quote.
    `current_app` is the namespace instance the links stay in (`embed` inside the embed view),
    and `view_query` ("?view=grid" or "") keeps the listing's layout on the folders' links.
    """
    share_url = reverse("shares:share", args=[facts.share_id], current_app=current_app)
    previews = not facts.disable_preview
    downloads = not facts.disable_download
    origins = data_origins()
    zone = timezone.get_current_timezone()
    days: dict[date, str] = {}
    rows: list[Row] = []
    for item in items:
        folder = item.is_folder
        image = previews and not folder and item.category == "image"
        updated = timezone.localtime(item.updated_at, zone) if item.updated_at else None
        day = updated.date() if updated else None
        if day and day not in days:
            days[day] = formats.date_format(day, "SHORT_DATE_FORMAT")
        name = shown_name(item.name)
        file_href = "" if folder else f"{share_url}file/{item.file_id}/"
        rows.append(
            Row(
                name=name,
                label=breakable(name),
                icon=file_icon(item),
                folder_href=f"{share_url}folder/{item.file_id}/{view_query}" if folder else "",
                file_href=file_href,
                thumbnail=item.thumbnail
                if image and item.thumbnail and data_url_trusted(item.thumbnail, origins=origins)
                else "",
                preview_href=file_href if image else "",
                download_href=f"{share_url}download/{item.file_id}/"
                if downloads and not folder
                else "",
                size=filesizeformat(item.size) if not folder and item.size is not None else "",
                modified=days[day] if day else "",
                modified_iso=updated.isoformat() if updated else "",
                file_id=item.file_id,
            )
        )
    return rows


def _check_file_id(file_id: str) -> None:
    """Refuse a file id from PDS that our URLs cannot carry: no link could be made to it."""
    if not is_file_id(file_id):
        raise errors.BadResponse("PDS answered a file id our URLs cannot carry")


# Search inside a share (docs/pds-api.md#filesearch-through-a-share).

SEARCH_PAGE_SIZE = 50
# The walk that stands in for a drive without share search: at most this many `file/list`
# pages (of 100 items) and items per search, so that a search of a huge share costs a visitor
# a few seconds at worst, not minutes.
WALK_MAX_LISTINGS = 25
WALK_MAX_ITEMS = 2500
WALK_PAGE_SIZE = 100


def search_page(
    *, share_id: str, token: str, text: str, marker: str, access_token: str = ""
) -> Page[SearchHit]:
    """One page of the share's files whose name contains `text`, by name (the drive's search).

    Raises `SearchUnsupported` when the drive does not search shares.
    """
    page = get_client().search_share_files(
        share_id=share_id,
        share_token=token,
        access_token=access_token,
        query=f"name match {quoted(text)}",
        marker=marker,
        limit=SEARCH_PAGE_SIZE,
    )
    for hit in page.items:
        _check_file_id(hit.item.file_id)
        for file_id, _name in hit.parent_path:
            _check_file_id(file_id)
    return page


def first_image(*, share_id: str, token: str) -> FileItem | None:
    """The share's first image by name, anywhere in it, or None: for link previews.

    One call: the drive's share search for images, or, on a drive without it, the share's top
    items alone (a walk of the tree for a thumbnail would cost too much).
    """
    client = get_client()
    try:
        page = client.search_share_files(
            share_id=share_id, share_token=token, query="category = 'image'", limit=1
        )
        items = [hit.item for hit in page.items]
    except errors.SearchUnsupported:
        items = client.list_files(share_id=share_id, share_token=token, limit=PAGE_SIZE).items
    return next((i for i in items if not i.is_folder and i.category == "image"), None)


class Walk(NamedTuple):
    """What the walk of a share found: every match in the order met, and whether it stopped
    at its limits before the share's end (then there may be more)."""

    hits: list[SearchHit]
    complete: bool


def search_walk(*, share_id: str, token: str, text: str, access_token: str = "") -> Walk:
    """The share's files whose name contains `text`, found by listing its folders.

    For a drive without share search. Breadth first from the share's top, each folder by name,
    so the nearest matches come first; it stops after `WALK_MAX_LISTINGS` listings or
    `WALK_MAX_ITEMS` items. Matching is case-insensitive, as the drive's `match` is.
    """
    client = get_client()
    wanted = text.casefold()
    hits: list[SearchHit] = []
    # Folders still to list: (folder id, None for the top; the path down to it; its marker).
    queue: list[tuple[str | None, tuple[tuple[str, str], ...], str]] = [(None, (), "")]
    listings = items = 0
    while queue:
        if listings >= WALK_MAX_LISTINGS or items >= WALK_MAX_ITEMS:
            return Walk(hits, complete=False)
        folder_id, path, marker = queue.pop(0)
        page = client.list_files(
            parent_file_id=folder_id or "root",
            share_id=share_id,
            share_token=token,
            access_token=access_token,
            marker=marker,
            limit=WALK_PAGE_SIZE,
            order_by="name",
            order_direction="ASC",
        )
        listings += 1
        items += len(page.items)
        if page.next_marker:
            # The rest of this folder before going deeper, as a visitor would read it.
            queue.insert(0, (folder_id, path, page.next_marker))
        for item in page.items:
            _check_file_id(item.file_id)
            if wanted in item.name.casefold():
                hits.append(SearchHit(item=item, parent_path=path))
            if item.is_folder:
                queue.append((item.file_id, (*path, (item.file_id, item.name)), ""))
    return Walk(hits, complete=True)


class Place(NamedTuple):
    name: str  # without bidi controls
    href: str


class SearchRow(NamedTuple):
    """A search result: its listing row, its name cut around the match, and where it is."""

    row: Row
    parts: list[tuple[str, bool]]  # (text, is the match); the template escapes each
    places: list[Place]  # the share's folders down to the item's, the share itself first
    place_href: str  # the item's folder


def highlight_parts(name: str, text: str) -> list[tuple[str, bool]]:
    """`name` cut into (text, matched) pieces around every case-insensitive match of `text`.

    Cutting the text, never writing markup, leaves each piece to the template's escaping. `re`
    folds case character by character, so positions stay those of `name` (lower-casing the
    whole name first would not: "İ".lower() is two characters).
    """
    if not text:
        return [(name, False)]
    parts: list[tuple[str, bool]] = []
    at = 0
    for match in re.finditer(re.escape(text), name, re.IGNORECASE):
        if match.start() > at:
            parts.append((name[at : match.start()], False))
        parts.append((match.group(), True))
        at = match.end()
    if at < len(name):
        parts.append((name[at:], False))
    return parts


def search_rows(
    *,
    facts: ShareFacts,
    hits: list[SearchHit],
    text: str,
    current_app: str = "shares",
    view_query: str = "",
) -> list[SearchRow]:
    """The rows of a page of results, each with its folder path linked, highlighted by `text`.

    `current_app` and `view_query` are the namespace instance and the layout the links keep,
    as for `listing_rows`.
    """
    share_url = reverse("shares:share", args=[facts.share_id], current_app=current_app)
    rows = listing_rows(
        facts=facts,
        items=[hit.item for hit in hits],
        current_app=current_app,
        view_query=view_query,
    )
    found = []
    # A share of one folder opens into it on its landing page: the share's place stands for
    # that folder, which is not named a second time.
    skip = 1 if facts.single_item else 0
    for hit, row in zip(hits, rows, strict=True):
        places = [Place(shown_name(facts.name), share_url + view_query)] + [
            Place(shown_name(name), f"{share_url}folder/{file_id}/{view_query}")
            for file_id, name in hit.parent_path[skip:]
        ]
        parent = hit.item.parent_file_id
        if hit.parent_path:
            place_href = places[-1].href
        elif parent not in ("", "root") and is_file_id(parent):
            # A drive that does not say the path: the folder's own page still says it.
            place_href = f"{share_url}folder/{parent}/{view_query}"
        else:
            place_href = share_url + view_query
        found.append(SearchRow(row, highlight_parts(row.name, text), places, place_href))
    return found
