"""Template filters of the dashboard."""

from django import template
from django.utils import timezone

from shareportal.pds.types import ShareLink

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
