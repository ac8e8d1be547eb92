"""Reads of the dashboard: the owner's shares and drive, through the PDS client.

Each takes the owner's access token; views run them through `Owner.call`, which renews the
token when it must, so that nothing here touches the session.
"""

from django.conf import settings

from shareportal.pds.client import get_client
from shareportal.pds.query import quoted
from shareportal.pds.types import FileItem, Page, ShareLink
from shareportal.shares.embedding import embed_sites_get
from shareportal.shares.throttling import FailureSummary, password_failures_recent

SHARES_PAGE_SIZE = 25
FILES_PAGE_SIZE = 50


def share_search_query(*, name: str, status: str) -> str:
    """The `share_link/search` query for a name fragment and a status, or "".

    See docs/pds-api.md#search-queries.
    """
    clauses = []
    if name:
        clauses.append(f"share_name_for_fuzzy match {quoted(name)}")
    if status:
        clauses.append(f"status in ['{status}']")
    return " and ".join(clauses)


def share_links_page(
    *, token: str, creator: str, name: str = "", status: str = "", marker: str = ""
) -> Page[ShareLink]:
    """One page of shares of `creator`, filtered by name and status.

    Without a filter this is `share_link/list` with the creator, as the SDK document describes;
    with one it is `share_link/search`, the only operation that filters.
    """
    query = share_search_query(name=name, status=status)
    if query:
        return get_client().search_share_links(
            token, creators=[creator], query=query, marker=marker, limit=SHARES_PAGE_SIZE
        )
    return get_client().list_share_links(
        token, creator=creator, marker=marker, limit=SHARES_PAGE_SIZE
    )


def share_link_get(*, token: str, share_id: str) -> ShareLink:
    """One of the owner's shares, password included (docs/pds-api.md#share_linkget)."""
    return get_client().get_share_link(token, share_id)


def drive_folder_page(
    *, token: str, drive_id: str, folder_id: str, marker: str = ""
) -> Page[FileItem]:
    """One page of a folder of the owner's own drive, by name."""
    return get_client().list_files(
        parent_file_id=folder_id,
        drive_id=drive_id,
        access_token=token,
        marker=marker,
        limit=FILES_PAGE_SIZE,
    )


def share_public_url(share_id: str) -> str:
    """The address visitors open: always the portal's own page (docs/pds-api.md#share-urls-and-ids).

    PDS's `share_url` is not used: on a real PDS domain it points at the drive's own web app.
    """
    return f"{settings.PUBLIC_BASE_URL}/s/{share_id}/"


def password_failures(*, shares: list[ShareLink]) -> dict[str, FailureSummary]:
    """Wrong passwords tried on these shares in the last 24 hours, by share id.

    Read from the portal's own record, not the drive's; {} when there is none, or when it
    cannot be read, so that the list shows regardless.
    """
    return password_failures_recent(share.share_id for share in shares)


def share_embed_sites(*, share_id: str) -> list[str]:
    """The sites the owner chose to let embed a share, as chosen (the form shows them)."""
    return embed_sites_get(share_id)
