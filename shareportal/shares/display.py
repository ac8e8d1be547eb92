"""How values from PDS are shown: names, icons, dates and sizes, as cheap as a listing needs.

A listing shows 50 rows a page, so Django's `|date` and `|filesizeformat` would look up and
parse the locale's format for every value. `RowFormats` looks them up once per listing and
compiles them; each value then costs a few string operations, with the filters' exact output.
"""

import functools
import re
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import dateformat, timezone, translation
from django.utils.dates import MONTHS, MONTHS_3, MONTHS_ALT, MONTHS_AP, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import get_format
from django.utils.html import avoid_wrapping
from django.utils.translation import gettext

from shareportal.pds.types import FileItem

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

# Explicit bidi embeddings, overrides and isolates. Ordinary right-to-left text never needs
# them; in a file name they only serve to disguise it ("invoice\u202efdp.exe" shows as
# "invoiceexe.pdf"), so names are shown without them, in their true order.
# A pattern rather than str.translate: most names have none, and a search that finds nothing
# costs a tenth of translating every character.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def shown_name(name: str) -> str:
    """A name from PDS as we show it: without bidi controls (still to be escaped)."""
    return _BIDI_CONTROLS.sub("", name) if name else ""


def file_icon(item: FileItem) -> str:
    """The icon of a file or folder, by PDS category, else by extension."""
    if item.is_folder:
        return "folder"
    extension = (item.file_extension or item.name.rpartition(".")[2]).lower()
    if extension in ("pdf", "txt", "md", "csv", "json"):
        return _ICON_BY_EXTENSION[extension]
    return _ICON_BY_CATEGORY.get(item.category) or _ICON_BY_EXTENSION.get(extension, "file")


type DateFormatter = Callable[[datetime], str]


def _month_names(names: dict) -> list[str]:
    return [""] + [str(names[month]) for month in range(1, 13)]


def _field(char: str) -> Callable[[datetime], object]:
    """What one format character of Django's date syntax writes for a datetime.

    The common ones are done here with their translations looked up once; the rest are asked
    of Django's `DateFormat`, so that every format a locale may use still works.
    """
    match char:
        case "d":
            return lambda v: f"{v.day:02d}"
        case "j":
            return lambda v: v.day
        case "m":
            return lambda v: f"{v.month:02d}"
        case "n":
            return lambda v: v.month
        case "y":
            return lambda v: f"{v.year % 100:02d}"
        case "Y":
            return lambda v: f"{v.year:04d}"
        case "G":
            return lambda v: v.hour
        case "H":
            return lambda v: f"{v.hour:02d}"
        case "g":
            return lambda v: v.hour % 12 or 12
        case "h":
            return lambda v: f"{v.hour % 12 or 12:02d}"
        case "i":
            return lambda v: f"{v.minute:02d}"
        case "s":
            return lambda v: f"{v.second:02d}"
        case "b" | "E" | "F" | "M" | "N":
            table = {"b": MONTHS_3, "E": MONTHS_ALT, "F": MONTHS, "M": MONTHS_3, "N": MONTHS_AP}
            names = _month_names(table[char])
            if char == "M":
                names = [name.title() for name in names]
            return lambda v: names[v.month]
        case "D" | "l":
            days = [str(day) for day in (WEEKDAYS_ABBR if char == "D" else WEEKDAYS).values()]
            return lambda v: days[v.weekday()]
        case "a" | "A":
            am, pm = (
                (gettext("a.m."), gettext("p.m."))
                if char == "a"
                else (gettext("AM"), gettext("PM"))
            )
            return lambda v: pm if v.hour > 11 else am
        case "f":
            return _twelve_hour
        case "P":
            am, pm = gettext("a.m."), gettext("p.m.")
            midnight, noon = gettext("midnight"), gettext("noon")

            def p(v: datetime) -> str:
                if v.minute == 0 and v.hour in (0, 12):
                    return noon if v.hour else midnight
                return f"{_twelve_hour(v)} {pm if v.hour > 11 else am}"

            return p
        case "c":
            return datetime.isoformat
        case _:
            return lambda v: getattr(dateformat.DateFormat(v), char)()


def _twelve_hour(v: datetime) -> object:
    hour = v.hour % 12 or 12
    return f"{hour}:{v.minute:02d}" if v.minute else hour


@functools.lru_cache(maxsize=128)
def _compiled(format_string: str, language: str | None) -> DateFormatter:
    """`format_string` (Django's date syntax) as a function, for the active `language`."""
    pieces: list[str | Callable[[datetime], object]] = []
    for index, piece in enumerate(dateformat.re_formatchars.split(format_string)):
        if index % 2:
            pieces.append(_field(piece))
        elif piece:
            pieces.append(dateformat.re_escaped.sub(r"\1", piece))

    def format_date(value: datetime) -> str:
        return "".join([p if type(p) is str else str(p(value)) for p in pieces])

    return format_date


class RowFormats:
    """The active locale's date and size formats, looked up once, for the rows of one listing.

    Each result equals what `{{ value|date:name }}` or `{{ value|filesizeformat }}` would
    render in the same request (the language and time zone active when this is made).
    """

    def __init__(self) -> None:
        self._language = translation.get_language()
        self._zone = timezone.get_current_timezone() if settings.USE_TZ else None
        self._formats: dict[str, DateFormatter] = {}
        self._decimal = str(get_format("DECIMAL_SEPARATOR"))
        # With thousands separators Django would group "1000.5 KB"; leave that to Django.
        self._grouping = settings.USE_THOUSAND_SEPARATOR
        self._units = [gettext("%s KB"), gettext("%s MB"), gettext("%s GB"), gettext("%s TB")]

    def local(self, value: datetime) -> datetime:
        """`value` in the current time zone, as templates show it."""
        return value.astimezone(self._zone) if self._zone and value.tzinfo else value

    def date(self, value: datetime, name: str) -> str:
        """`value|date:name` for an aware datetime already made `local()`."""
        formatter = self._formats.get(name)
        if formatter is None:
            formatter = _compiled(str(get_format(name)), self._language)
            self._formats[name] = formatter
        return formatter(value)

    def size(self, size: int) -> str:
        """`size|filesizeformat`: "1.2\u00a0MB"; rare cases are left to Django itself."""
        if size < 1024 or size >= 1 << 50 or self._grouping:
            return filesizeformat(size)
        if size < 1 << 20:
            unit, amount = 0, size / 1024
        elif size < 1 << 30:
            unit, amount = 1, size / (1 << 20)
        elif size < 1 << 40:
            unit, amount = 2, size / (1 << 30)
        else:
            unit, amount = 3, size / (1 << 40)
        number = f"{round(amount, 1):.1f}".replace(".", self._decimal)
        return avoid_wrapping(self._units[unit] % number)
