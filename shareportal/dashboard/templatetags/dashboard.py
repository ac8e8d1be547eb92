"""Template filters of the dashboard."""

from django import template
from django.utils import timezone

from shareportal import display
from shareportal.pds.types import FileItem, ShareLink

from ..selectors import share_public_url

register = template.Library()


@register.filter
def public_url(share: ShareLink) -> str:
    """The address visitors open for this share."""
    return share_public_url(share.share_id)


@register.filter
def is_expired(share: ShareLink) -> bool:
    """Whether the share is past its expiration, by PDS's word or by the clock."""
    return share.expired or (share.expiration is not None and share.expiration <= timezone.now())


@register.filter
def file_icon(item: FileItem) -> str:
    """The icon of a file or folder of the picker, as the share listings draw it."""
    return display.file_icon(item)
