"""Reading request bodies field by field with PDS's documented limits.

Every refusal is a 400 whose message names the field, so a client can tell which input to fix.
Unknown fields are ignored, as PDS does; `null` counts as "not given".
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from .apierrors import PdsApiError, invalid_parameter, missing_parameter

# RFC 3339 date-time, with the "T" (or a space, which RFC 3339 allows) and a zone.
_RFC3339 = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
# The share search's own dates (docs/pds-api.md#search-queries) come without a zone and mean UTC.
_QUERY_DATE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$"
)


def parse_rfc3339(text: str, *, zone_required: bool = True) -> datetime | None:
    """A timezone-aware datetime for an RFC 3339 string, or None if it is not one."""
    match = (_RFC3339 if zone_required else _QUERY_DATE).match(text)
    if not match:
        return None
    day, clock, fraction, zone = match.groups()
    # fromisoformat takes at most microseconds; RFC 3339 allows any number of digits.
    fraction = (fraction or "")[:7]
    zone = "+00:00" if not zone or zone in "Zz" else zone
    try:
        value = datetime.fromisoformat(f"{day}T{clock}{fraction}{zone}")
        # Year 9999 at -23:59 is valid text but past datetime's range once made UTC.
        return value.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def is_text(value: str) -> bool:
    """Whether a JSON string is storable text: no NUL, no lone surrogate ("\\ud800" is valid
    JSON but not UTF-8, so the database driver would fail on it with a 500)."""
    if "\x00" in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


class Body:
    """The JSON object of one request, with typed readers that enforce the documented limits."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def has(self, name: str) -> bool:
        return self.data.get(name) is not None

    def string(
        self, name: str, *, default: str = "", max_len: int | None = None, required: bool = False
    ) -> str:
        value = self.data.get(name)
        if value is None or (required and value == ""):
            if required:
                raise missing_parameter(name)
            return default
        if not isinstance(value, str):
            raise invalid_parameter(name, "It must be a string.")
        if not is_text(value):
            raise invalid_parameter(
                name, "It must be text without NUL characters or lone surrogates."
            )
        if max_len is not None and len(value) > max_len:
            raise invalid_parameter(
                name,
                f"It must be at most {max_len} characters long.",
                code="InvalidParameterOutOfRange",
            )
        return value

    def boolean(self, name: str, *, default: bool = False) -> bool:
        value = self.data.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise invalid_parameter(name, "It must be a boolean (true or false).")
        return value

    def integer(
        self, name: str, *, default: int, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid_parameter(name, "It must be an integer.")
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            low = "" if minimum is None else f" from {minimum}"
            high = "" if maximum is None else f" to {maximum}"
            raise invalid_parameter(
                name, f"It must be{low}{high}.", code="InvalidParameterOutOfRange"
            )
        return value

    def choice(self, name: str, options: tuple[str, ...], *, default: str) -> str:
        value = self.string(name, default=default)
        if value == "":
            return default
        if value not in options:
            raise invalid_parameter(name, f"It must be one of {', '.join(options)}.")
        return value

    def string_list(
        self, name: str, *, min_items: int = 0, max_items: int = 100, required: bool = False
    ) -> list[str]:
        value = self.data.get(name)
        if value is None:
            if required:
                raise missing_parameter(name)
            return []
        if not isinstance(value, list) or not all(
            isinstance(v, str) and v and is_text(v) for v in value
        ):
            raise invalid_parameter(name, "It must be a list of non-empty strings.")
        if not min_items <= len(value) <= max_items:
            raise invalid_parameter(
                name,
                f"It must hold {min_items} to {max_items} items.",
                code="InvalidParameterOutOfRange",
            )
        if len(set(value)) != len(value):
            raise invalid_parameter(name, "Its items must be unique.")
        return value

    def password(self, name: str) -> str:
        value = self.string(name, max_len=64)
        if any(not 0x21 <= ord(ch) <= 0x7E for ch in value):
            raise invalid_parameter(
                name, "It may hold only visible ASCII characters (no spaces or accents)."
            )
        return value

    def expiration(self, name: str) -> datetime | None:
        """An RFC 3339 instant, or None for "" (never expires)."""
        value = self.string(name)
        if value == "":
            return None
        parsed = parse_rfc3339(value)
        if parsed is None:
            raise invalid_parameter(
                name,
                'It must be an RFC 3339 date-time such as "2030-06-28T11:33:00.000+08:00", '
                'or "" for never.',
            )
        return parsed


# The search mini-language (docs/pds-api.md#search-queries): `field op value` conditions joined
# by `and`.
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op>>=|<=|!=|=|>|<)
      | (?P<punct>[\[\],])
      | (?P<num>-?\d+(?:\.\d+)?)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Condition:
    field: str
    op: str  # one of = != > >= < <= match in
    value: Any  # str, a number, or a list of those for `in`


def _tokens(query: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(query):
        if query[pos:].strip() == "":
            break
        match = _TOKEN.match(query, pos)
        if not match:
            raise _bad_query(f"unexpected text at character {pos + 1}")
        pos = match.end()
        kind = cast(str, match.lastgroup)  # every alternative of _TOKEN is a named group
        text = match.group(kind)
        if kind == "str":
            tokens.append(("value", re.sub(r"\\(.)", r"\1", text[1:-1])))
        elif kind == "num":
            tokens.append(("value", float(text) if "." in text else int(text)))
        elif kind == "word" and text.lower() in ("and", "match", "in"):
            tokens.append((text.lower(), text.lower()))
        else:
            tokens.append((kind, text))
    return tokens


def _bad_query(reason: str) -> PdsApiError:
    return invalid_parameter("query", f"It could not be read: {reason}.")


def parse_query(query: str) -> list[Condition]:
    """The conditions of a search query; all of them must hold ("and")."""
    tokens = _tokens(query)
    conditions: list[Condition] = []
    i = 0

    def take(*kinds: str) -> tuple[str, Any]:
        nonlocal i
        if i >= len(tokens) or tokens[i][0] not in kinds:
            found = tokens[i][1] if i < len(tokens) else "the end"
            raise _bad_query(f"expected {' or '.join(kinds)}, found {found!r}")
        i += 1
        return tokens[i - 1]

    while i < len(tokens):
        if conditions:
            take("and")
        field = take("word")[1]
        op_kind, op = take("op", "match", "in")
        if op_kind == "in":
            if take("punct")[1] != "[":
                raise _bad_query("a list must start with [")
            values = [take("value")[1]]
            while i < len(tokens) and tokens[i] == ("punct", ","):
                i += 1
                values.append(take("value")[1])
            if take("punct")[1] != "]":
                raise _bad_query("a list must end with ]")
            conditions.append(Condition(field, "in", values))
        else:
            conditions.append(Condition(field, op, take("value")[1]))
    return conditions
