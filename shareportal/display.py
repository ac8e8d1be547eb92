"""How values from PDS are shown on every page: names without bidi tricks, and file icons.

One mapping of file kinds to icons, for the share listings and the dashboard's file picker
alike; each icon is a `static/img/icons/<name>.svg` with its `.icon--<name>` rule in site.css.
"""

import re

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


def file_icon(item: FileItem) -> str:
    """The icon of a file or folder, by PDS category, else by extension."""
    if item.is_folder:
        return "folder"
    extension = (item.file_extension or item.name.rpartition(".")[2]).lower()
    if extension in ("pdf", "txt", "md", "csv", "json"):
        return _ICON_BY_EXTENSION[extension]
    return _ICON_BY_CATEGORY.get(item.category) or _ICON_BY_EXTENSION.get(extension, "file")
