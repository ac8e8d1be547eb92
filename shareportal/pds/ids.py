"""The shapes of the ids the portal accepts from PDS and carries in its URLs, and the limits
of the other opaque values both apps pass back to PDS, written once.

URL converters, forms and the checks of PDS's answers all use these, so that an id one part
accepts is never refused (or worse, mangled) by another.
"""

import re

# Share ids as PDS makes them (docs/pds-api.md#share-urls-and-ids). Anything else in a URL never
# matches, so it gets our 404 without PDS being asked.
SHARE_ID_PATTERN = "[A-Za-z0-9_-]{4,64}"
# File ids: PDS's are `[a-z0-9]{1,50}`; other drives (the embedded one) use longer ones. Case,
# `_` and `-` are allowed too, never a dot (browsers resolve "." and ".." path segments) nor a
# slash (the picker's hidden fields use it as a separator).
FILE_ID_PATTERN = "[A-Za-z0-9_-]{1,128}"

# PDS markers are opaque; the embedded PDS's carry the last row's sort value: a name of 1,024
# characters makes one of about 1,450 once encoded, more for non-Latin scripts. Longer than a
# request line can carry (4 KiB in gunicorn) is not one PDS gave us.
MARKER_MAX_LENGTH = 4096
# Share passwords: at most 64 visible ASCII characters (docs/pds-api.md#share_linkcreate).
SHARE_PASSWORD_MAX_LENGTH = 64

SHARE_ID = re.compile(SHARE_ID_PATTERN)
FILE_ID = re.compile(FILE_ID_PATTERN)


def is_share_id(value: str) -> bool:
    """Whether `value` is a share id the portal accepts."""
    return SHARE_ID.fullmatch(value) is not None


def is_file_id(value: str) -> bool:
    """Whether `value` is a file id the portal's URLs and forms can carry."""
    return FILE_ID.fullmatch(value) is not None
