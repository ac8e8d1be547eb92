"""Template filters of the share pages: relative times, icons, initials, trusted data URLs."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from shareportal.pds.types import FileItem

from ..datahosts import data_url_trusted

register = template.Library()

# PDS categories (§2.1) and, for items without one, extensions, to the icon each gets.
_ICON_BY_CATEGORY = {
    "image": "image",
    "video": "video",
    "audio": "audio",
    "doc": "doc",
    "zip": "archive",
    "app": "app",
}
_ICON_BY_EXTENSION = {
    "pdf": "pdf",
    "txt": "text",
    "md": "text",
    "csv": "text",
    "json": "text",
    "zip": "archive",
    "gz": "archive",
    "tar": "archive",
    "7z": "archive",
    "rar": "archive",
}


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
def icon(item: FileItem) -> str:
    """The icon of a file or folder, by PDS category, else by extension."""
    if item.is_folder:
        return "folder"
    extension = (item.file_extension or item.name.rpartition(".")[2]).lower()
    if extension in ("pdf", "txt", "md", "csv", "json"):
        return _ICON_BY_EXTENSION[extension]
    return _ICON_BY_CATEGORY.get(item.category) or _ICON_BY_EXTENSION.get(extension, "file")


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


# Explicit bidi embeddings, overrides and isolates. Ordinary right-to-left text never needs
# them; in a file name they only serve to disguise it ("invoice\u202efdp.exe" shows as
# "invoiceexe.pdf"), so names are shown without them, in their true order.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


@register.filter
def shown(name: str) -> str:
    """A name from PDS as we show it: without bidi controls (and still autoescaped)."""
    return (name or "").translate(_BIDI_CONTROLS)
