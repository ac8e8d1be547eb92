"""Keyset pagination behind `marker` / `next_marker`.

A page is "the next `limit` rows after (sort key, primary key) of the last row served", which the
indexes in `models.py` answer directly: a late page costs what the first one does (no OFFSET),
and rows added or removed meanwhile never make a walk skip or repeat the others.

The marker is opaque to clients: URL-safe base64 of a small JSON object naming the order it was
made for, so a marker from one order cannot silently be used with another.
"""

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

from .apierrors import invalid_parameter
from .validation import is_text


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


_INT64 = range(-(2**63), 2**63)


def _decode_value(raw: Any, kind: type) -> Any:
    """A marker's value checked against what this listing could have put there.

    Markers are only base64, so a client can forge one; anything the database would choke on
    (a non-UTC-able date, a 70-bit number, a NUL or lone surrogate, a string for an integer
    key) must be a 400.
    """
    if kind is datetime:
        value = datetime.fromisoformat(raw) if isinstance(raw, str) else None
        if value is None or value.tzinfo is None:
            raise ValueError(raw)
        return value.astimezone(UTC)  # OverflowError past year 9999
    if kind is int and (isinstance(raw, bool) or not isinstance(raw, int) or raw not in _INT64):
        raise ValueError(raw)
    if kind is str and (not isinstance(raw, str) or not is_text(raw)):
        raise ValueError(raw)
    return raw


def marker_encode(order: str, after_value: Any, after_pk: str | int) -> str:
    data = {"o": order, "v": _encode_value(after_value), "k": after_pk}
    # Raw UTF-8 rather than \u escapes: markers of non-ASCII names stay short enough for URLs.
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def marker_decode(
    marker: str, order: str, kind: type, pk_kind: type = str
) -> tuple[Any, str | int]:
    """The (sort value, primary key) a marker continues after; 400 naming `marker` if bad."""
    try:
        raw = base64.urlsafe_b64decode(marker + "=" * (-len(marker) % 4))
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("o") != order:
            raise ValueError(marker)
        return _decode_value(data["v"], kind), _decode_value(data["k"], pk_kind)
    except (
        ValueError,
        KeyError,
        TypeError,
        OverflowError,
        RecursionError,
        binascii.Error,
        UnicodeDecodeError,
    ):
        raise invalid_parameter(
            "marker",
            "It is not a next_marker this listing gave out (or it was made for another order).",
        ) from None


def keyset_page(
    queryset: QuerySet,
    *,
    key: str,
    kind: type,
    descending: bool,
    marker: str,
    limit: int,
) -> tuple[list, str]:
    """One page of `queryset` ordered by (`key`, pk) and the marker of the next one ("" last)."""
    pk_field = queryset.model._meta.pk
    pk = pk_field.name
    order = f"{key}:{'desc' if descending else 'asc'}"
    if marker:
        pk_kind = int if isinstance(pk_field, models.IntegerField) else str
        value, after_pk = marker_decode(marker, order, kind, pk_kind)
        beyond = "lt" if descending else "gt"
        # The plain bound on the sort key comes first so the database can seek into the
        # (parent, key, pk) index; the OR alone makes SQLite scan every earlier row, and a late
        # page would cost more than the first.
        queryset = queryset.filter(
            Q(**{f"{key}__{beyond}e": value}),
            Q(**{f"{key}__{beyond}": value}) | Q(**{key: value, f"{pk}__{beyond}": after_pk}),
        )
    sign = "-" if descending else ""
    rows = list(queryset.order_by(f"{sign}{key}", f"{sign}{pk}")[: limit + 1])
    if len(rows) <= limit:
        return rows, ""
    last = rows[limit - 1]
    if isinstance(last, dict):  # a `.values()` queryset
        return rows[:limit], marker_encode(order, last[key], last[pk])
    return rows[:limit], marker_encode(order, getattr(last, key), getattr(last, pk))
