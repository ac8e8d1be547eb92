"""Writing values into PDS's search queries (docs/pds-api.md#search-queries)."""


def quoted(value: str) -> str:
    """`value` as a single-quoted query string: a quote or backslash typed by someone stays part
    of the value rather than ending it (`it's` is `'it\\'s'`)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
