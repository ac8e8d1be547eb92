"""Template filters of the share pages: relative times, initials, trusted data URLs, names."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from shareportal.display import shown_name

from ..datahosts import data_url_trusted

register = template.Library()


@register.filter
def relative(value: datetime | None) -> str:
    """ "in 3 days" or "2 hours ago", two units at most; "" without a time."""
    if value is None:
        return ""
    now = timezone.now()
    if abs((value - now).total_seconds()) < 60:
        return _("just now")
    if value > now:
        return _("in %(time)s") % {"time": timeuntil(value, now, depth=1)}
    return _("%(time)s ago") % {"time": timesince(value, now, depth=1)}


@register.filter
def initial(name: str) -> str:
    """The first letter or digit of a (masked) name, for an avatar without a picture."""
    for char in name or "":
        if char.isalnum():
            return char.upper()
    return "?"


@register.filter
def trusted(url: str) -> bool:
    """Whether a signed data URL is on a host the configuration trusts (`PDS_DATA_ORIGINS`)."""
    return bool(url) and data_url_trusted(url)


@register.filter
def shown(name: str) -> str:
    """A name from PDS as we show it: without bidi controls (and still autoescaped)."""
    return shown_name(name)
