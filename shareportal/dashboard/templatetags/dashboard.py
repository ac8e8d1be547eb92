"""Template filters of the dashboard."""

from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shareportal import display
from shareportal.pds.types import FileItem, ShareLink
from shareportal.shares.throttling import FailureSummary

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


@register.filter
def failures_of(failures: Any, share: ShareLink) -> FailureSummary | None:
    """The wrong passwords of this share in `failures` (by share id), if it had any.

    A page rendered without them (`failures` absent: the empty string) shows none.
    """
    if not isinstance(failures, dict):
        return None
    return failures.get(share.share_id)


@register.filter
def failure_words(failed: FailureSummary) -> str:
    """ "23 wrong passwords in the last 24 hours, from 7 addresses"."""
    tries = ngettext("%(count)d wrong password", "%(count)d wrong passwords", failed.tries) % {
        "count": failed.tries
    }
    addresses = ngettext("from %(count)d address", "from %(count)d addresses", failed.addresses) % {
        "count": failed.addresses
    }
    return _("%(tries)s in the last 24 hours, %(addresses)s") % {
        "tries": tries,
        "addresses": addresses,
    }


@register.filter
def failure_sentence(failed: FailureSummary) -> SafeString:
    """ "23 wrong passwords in the last 24 hours, from 7 addresses. The last one was at <time>."

    One sentence to translate, the time inside it, so that each language puts its own words
    and full stop around it.
    """
    at = timezone.localtime(failed.last_at)
    moment = format_html(
        '<time datetime="{}">{} {}</time>',
        at.isoformat(),
        date_filter(at, "DATETIME_FORMAT"),
        date_filter(at, "T"),
    )
    return format_html(
        _("%(failures)s. The last one was at %(at)s.") % {"failures": "{failures}", "at": "{at}"},
        failures=failure_words(failed),
        at=moment,
    )
