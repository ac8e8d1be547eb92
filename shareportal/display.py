"""How values from PDS are shown on every page: names without bidi tricks, file icons, times.

One mapping of file kinds to icons, for the share listings and the dashboard's file picker
alike; each icon is a `static/img/icons/<name>.svg` with its `.icon--<name>` rule in site.css.
One way of saying how far a time is ("in 7 days", "7 天后"), rounded as people count.
"""

import math
import re
from datetime import datetime
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.translation import gettext, ngettext
from markupsafe import Markup, escape

from shareportal.pds.types import FileItem

# PDS categories (docs/pds-api.md#file-object) and, for items without one, extensions, to the
# icon each gets.
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

# Explicit bidi embeddings, overrides and isolates. Ordinary right-to-left text never needs
# them; in a file name they only serve to disguise it ("invoice\u202efdp.exe" shows as
# "invoiceexe.pdf"), so names are shown without them, in their true order.
# A pattern rather than str.translate: most names have none, and a search that finds nothing
# costs a tenth of translating every character.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def shown_name(name: str) -> str:
    """A name from PDS as we show it: without bidi controls (still to be escaped)."""
    return _BIDI_CONTROLS.sub("", name) if name else ""


# Where a long name may wrap besides its spaces: after the separators of file names, which
# browsers do not break at by themselves (a hyphen they do), unless it ends the name.
_BREAK_AFTER = re.compile(r"(?<=[._+~,-])(?=.)")


def breakable(name: str) -> Markup:
    """`name` escaped, with a `<wbr>` after each separator: "IMG_2041.final.jpg" wraps as
    "IMG_ / 2041. / final. / jpg" on a narrow screen, never in the middle of a word.

    The name is escaped first, in one piece; the separators are none of the characters an
    escape writes (`&`, `#`, `;`, letters and digits), so the breaks fall where they would in
    the name itself, and an escaped character is never split.
    """
    if not name:
        return Markup()
    return Markup(_BREAK_AFTER.sub("<wbr>", str(escape(name))))  # noqa: S704 (escaped first)


def file_icon(item: FileItem) -> str:
    """The icon of a file or folder, by PDS category, else by extension."""
    if item.is_folder:
        return "folder"
    extension = (item.file_extension or item.name.rpartition(".")[2]).lower()
    if extension in ("pdf", "txt", "md", "csv", "json"):
        return _ICON_BY_EXTENSION[extension]
    return _ICON_BY_CATEGORY.get(item.category) or _ICON_BY_EXTENSION.get(extension, "file")


# Each unit with its length in seconds and the most of it said before the next unit: up to
# 59 minutes, 23 hours, 30 days (a share's "In 30 days" stays that), 11 months, then years.
_UNITS = (
    ("minute", 60, 60),
    ("hour", 3600, 24),
    ("day", 86400, 31),
    ("month", 30.436875 * 86400, 12),
    ("year", 365.2425 * 86400, math.inf),
)


def _rounded(seconds: float) -> tuple[str, int]:
    """The largest unit that reads naturally, and how many of it, rounded half up.

    Rounded, not truncated: a share made to expire in 7 days is, a few seconds later, still
    "in 7 days" (Django's `timeuntil` says 6), and 23 hours 40 minutes is "1 day".
    """
    for unit, length, most in _UNITS:
        count = math.floor(seconds / length + 0.5)
        if count < most:
            return unit, max(count, 1)
    raise AssertionError("the last unit has no limit")


def _future(unit: str, count: int) -> str:
    match unit:
        case "minute":
            return ngettext("in %(count)d minute", "in %(count)d minutes", count)
        case "hour":
            return ngettext("in %(count)d hour", "in %(count)d hours", count)
        case "day":
            return ngettext("in %(count)d day", "in %(count)d days", count)
        case "month":
            return ngettext("in %(count)d month", "in %(count)d months", count)
    return ngettext("in %(count)d year", "in %(count)d years", count)


def _past(unit: str, count: int) -> str:
    match unit:
        case "minute":
            return ngettext("%(count)d minute ago", "%(count)d minutes ago", count)
        case "hour":
            return ngettext("%(count)d hour ago", "%(count)d hours ago", count)
        case "day":
            return ngettext("%(count)d day ago", "%(count)d days ago", count)
        case "month":
            return ngettext("%(count)d month ago", "%(count)d months ago", count)
    return ngettext("%(count)d year ago", "%(count)d years ago", count)


def relative_time(value: datetime | None, now: datetime | None = None) -> str:
    """ "in 3 days" or "2 hours ago" (one unit, in the active language); "" without a time."""
    if value is None:
        return ""
    seconds = (value - (now or timezone.now())).total_seconds()
    if 0 < seconds < 60:
        # A wait of seconds (a Retry-After) is still ahead: "just now" would read as past.
        return gettext("in a moment")
    if abs(seconds) < 60:
        return gettext("just now")
    unit, count = _rounded(abs(seconds))
    words = _future(unit, count) if seconds > 0 else _past(unit, count)
    return words % {"count": count}


# Web addresses in an owner's text (a share's description): http and https only, so that no
# other scheme (javascript:, data:, ...) can become a link. An address ends at a space, a
# quote or an angle bracket; punctuation that ends a sentence is not part of it.
_LINK = re.compile(r"\bhttps?://[^\s<>\"'`\x00-\x1f\x7f]+", re.IGNORECASE)
_LINK_TRAILING = ".,;:!?*_~"


def text_links(text: str) -> list[tuple[str, str]]:
    """`text` (without bidi controls) cut into `(text, href)` pieces, href "" for plain text.

    Cutting the text, never writing markup, leaves every piece to the template's escaping, as
    search highlighting does. A closing bracket ends an address unless it closes one opened
    inside it ("(see https://example.com/a_(b))").
    """
    text = shown_name(text)
    parts: list[tuple[str, str]] = []
    at = 0
    for match in _LINK.finditer(text):
        address = _link_end(match.group())
        if not _is_web_address(address):
            continue
        if match.start() > at:
            parts.append((text[at : match.start()], ""))
        parts.append((address, address))
        at = match.start() + len(address)
    if at < len(text):
        parts.append((text[at:], ""))
    return parts


_OPENING = {")": "(", "]": "[", "}": "{"}


def _link_end(address: str) -> str:
    while address:
        last = address[-1]
        unbalanced = last in _OPENING and address.count(last) > address.count(_OPENING[last])
        if last not in _LINK_TRAILING and not unbalanced:
            break
        address = address[:-1]
    return address


def _is_web_address(address: str) -> bool:
    try:
        parts = urlsplit(address)
        host = parts.hostname
    except ValueError:  # a broken IPv6 literal, a port that is not a number
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)
