"""Changes the dashboard makes: share links created, changed and ended on the owner's behalf.

Each is one PDS call (docs/pds-api.md#share_linkcreate, #share_linkcancel, #share_linkupdate).
`Owner.call` may send it a second time, but only after PDS refused the first for its access
token, so nothing is ever done twice.
"""

from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from shareportal.pds.client import get_client
from shareportal.pds.types import ShareLink
from shareportal.shares.embedding import embed_sites_set
from shareportal.shares.services import share_changed

from .auth import Owner

TIME_ZONE_KEY = "dashboard_time_zone"


def share_create(*, owner: Owner, fields: dict[str, Any]) -> ShareLink:
    """A new share of files of the owner's drive."""
    return owner.call(
        lambda token: get_client().create_share_link(token, drive_id=owner.drive_id, **fields)
    )


def share_update(*, owner: Owner, share_id: str, fields: dict[str, Any]) -> ShareLink:
    """Change the given fields of a share."""
    share = owner.call(lambda token: get_client().update_share_link(token, share_id, **fields))
    share_changed(share_id=share_id)
    return share


def share_status_set(*, owner: Owner, share_id: str, status: str) -> ShareLink:
    """Disable a share (visitors are refused) or enable it again, at the same address."""
    return share_update(owner=owner, share_id=share_id, fields={"status": status})


def share_cancel(*, owner: Owner, share_id: str) -> None:
    """End a share for good."""
    owner.call(lambda token: get_client().cancel_share_link(token, share_id))
    share_changed(share_id=share_id)


def time_zone_remember(*, session: SessionBase, time_zone: str) -> None:
    """Keep the owner's last chosen time zone, to show their shares' expirations in it."""
    session[TIME_ZONE_KEY] = time_zone


def share_embed_sites_set(*, owner: Owner, share: ShareLink, origins: list[str]) -> None:
    """Store the sites that may embed the owner's share (in the portal: PDS has no such field)."""
    embed_sites_set(share_id=share.share_id, origins=origins, by=owner.user_id)
