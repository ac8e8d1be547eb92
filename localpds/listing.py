"""`file/list` in plain SQL: the reads every visitor's folder page makes.

A listing through a share is three lookups by index: the share its token names, the parent
folder, and one page of that folder's items. The database answers the three in tens of
microseconds; Django's ORM spent about 0.8 ms building and compiling them on each call (it
compiles a queryset anew every time), which made them the drive's largest cost per page. So
these three are written out here as SQL, against the tables and indexes of `models.py`, with
the same rows, order, markers and errors as the ORM's versions they replace. Everything else
in the drive stays in the ORM.

The SQL is portable between SQLite and PostgreSQL: `%s` parameters, quoted names from the
models' metadata, and values adapted by Django's own `connection.ops`.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.utils.dateparse import parse_datetime

from .apierrors import PdsApiError
from .models import File, ShareLink
from .pagination import marker_decode, marker_encode
from .wire import FILE_FIELDS, rfc3339_sql

# The orders `file/list` offers (docs/pds-api.md#filelist); each has its own index, ending in
# the primary key that breaks ties, so a page is a seek into it.
ORDER_KINDS: dict[str, type] = {
    "name": str,
    "size": int,
    "created_at": datetime,
    "updated_at": datetime,
}


def _q(model: type[Model], field: str | None = None) -> str:
    """The quoted name of `model`'s table, or of its `field`'s column."""
    if field is None:
        return connection.ops.quote_name(model._meta.db_table)
    found = model._meta.get_field(field)
    if not isinstance(found, Field) or found.column is None:
        raise LookupError(f"{model.__name__}.{field} has no column")
    return connection.ops.quote_name(found.column)


FILES, FILE_ID, DRIVE, PARENT = _q(File), _q(File, "file_id"), _q(File, "drive"), _q(File, "parent")
# What a listing reads of each item: the fields `file_wirer` writes, both timestamps as the
# wire's text, and the sort key as stored (for the next marker).
ROW_COLUMNS = ", ".join(
    [f"{_q(File, name)} AS {connection.ops.quote_name(name)}" for name in FILE_FIELDS]
    + [
        f"{rfc3339_sql(connection.vendor, _q(File, 'created_at'))} AS created_text",
        f"{rfc3339_sql(connection.vendor, _q(File, 'updated_at'))} AS updated_text",
    ]
)
FOLDER_CHECK_SQL = (
    f"SELECT {_q(File, 'type')}, {_q(File, 'id_path')} FROM {FILES}"  # noqa: S608 (names only)
    f" WHERE {DRIVE} = %s AND {FILE_ID} = %s"
)


class _RowReader:
    """Reads some columns of a model's rows into instances, as the ORM would, without it.

    The values go through the converters the ORM applies (a JSON list, an aware datetime, a
    boolean from SQLite's integer); columns not read are deferred and load on access.
    """

    def __init__(self, model: type[Model], names: Sequence[str]) -> None:
        wanted = set(names)
        # `Model.from_db` takes the values in the order of the model's concrete fields.
        self.fields = [
            f for f in model._meta.concrete_fields if f.name in wanted or f.attname in wanted
        ]
        if len(self.fields) != len(wanted):
            raise LookupError(f"{model.__name__} has no column for some of {sorted(wanted)}")
        self.model = model
        self.attnames = [f.attname for f in self.fields]
        self.columns = ", ".join(_q(model, f.name) for f in self.fields)
        self.converters = []
        for f in self.fields:
            col = f.get_col(model._meta.db_table)
            funcs = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
            self.converters.append((col, funcs))

    def instance(self, row: Sequence[Any]) -> Any:
        values = []
        for value, (col, funcs) in zip(row, self.converters, strict=True):
            for func in funcs:
                value = func(value, col, connection)
            values.append(value)
        return self.model.from_db(connection.alias, self.attnames, values)


# What is read of a share opened by a token (its state, and what file operations through it
# need); a third of its columns, so the check on every visitor request loads less.
# Another field is still there when read, at the cost of a query (the query-count tests see it).
TOKEN_SHARE_FIELDS = (
    "share_id",
    "drive_id",
    "file_id_list",
    "share_all_files",
    "cancelled_at",
    "status",
    "expiration",
    "pwd_version",
    "disable_preview",
    "disable_download",
    "disable_save",
    "require_login",
)
_TOKEN_SHARE = _RowReader(ShareLink, TOKEN_SHARE_FIELDS)
TOKEN_SHARE_SQL = (
    f"SELECT {_TOKEN_SHARE.columns} FROM {_q(ShareLink)}"  # noqa: S608 (names only)
    f" WHERE {_q(ShareLink, 'share_id')} = %s"
)


def token_share(share_id: str) -> ShareLink | None:
    """The share a share token names, with `TOKEN_SHARE_FIELDS` read, or None."""
    with connection.cursor() as cursor:
        cursor.execute(TOKEN_SHARE_SQL, [share_id])
        row = cursor.fetchone()
    return _TOKEN_SHARE.instance(row) if row else None


def file_type_and_path(*, drive_id: int, file_id: str) -> tuple[str, str] | None:
    """The `type` and `id_path` of a file of the drive, or None: what a parent check needs."""
    with connection.cursor() as cursor:
        cursor.execute(FOLDER_CHECK_SQL, [drive_id, file_id])
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def _db_value(kind: type, value: Any) -> Any:
    if kind is datetime:
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _py_value(kind: type, value: Any) -> Any:
    """A sort key's value as the ORM would give it (for the next marker)."""
    if kind is datetime and not isinstance(value, datetime):
        # SQLite keeps timestamps as naive UTC text.
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError(value)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
    return value


def children_page(
    *,
    drive_id: int,
    parent_id: str | None = None,
    file_ids: Sequence[str] | None = None,
    file_type: str = "",
    category: str | None = None,
    order_by: str,
    descending: bool,
    marker: str,
    limit: int,
) -> tuple[list[dict[str, Any]], str]:
    """One page of a folder's items as `file_wirer` rows, and the next page's marker ("" last).

    The items are those of `parent_id` (None: the drive's top level), or the files named by
    `file_ids` (a share's chosen top-level items). `order_by` is one of `ORDER_KINDS`; ties
    are broken by `file_id`, and the marker is the one `pagination.keyset_page` makes, so a
    walk may move between this and the ORM's listings.
    """
    kind = ORDER_KINDS[order_by]  # a KeyError, not SQL, for any other name
    key, pk = _q(File, order_by), FILE_ID
    # Only quoted names from the models and fixed operators go into the SQL; every value is a
    # parameter.
    where = [f"{DRIVE} = %s"]
    params: list[Any] = [drive_id]
    if file_ids is not None:
        if not file_ids:
            return [], ""
        where.append(f"{pk} IN ({', '.join(['%s'] * len(file_ids))})")
        params += file_ids
    elif parent_id is None:
        where.append(f"{PARENT} IS NULL")
    else:
        where.append(f"{PARENT} = %s")
        params.append(parent_id)
    if file_type:
        where.append(f"{_q(File, 'type')} = %s")
        params.append(file_type)
    if category is not None:
        where.append(f"{_q(File, 'category')} = %s")
        params.append(category)
    order = f"{order_by}:{'desc' if descending else 'asc'}"
    if marker:
        value, after_pk = marker_decode(marker, order, kind)
        beyond = "<" if descending else ">"
        # The plain bound on the sort key first, so the database seeks into the
        # (drive, parent, key, file_id) index instead of scanning every earlier row.
        where.append(
            f"{key} {beyond}= %s AND ({key} {beyond} %s OR ({key} = %s AND {pk} {beyond} %s))"
        )
        value = _db_value(kind, value)
        params += [value, value, value, after_pk]
    direction = "DESC" if descending else "ASC"
    sql = (
        f"SELECT {ROW_COLUMNS}, {key} AS sort_key FROM {FILES}"  # noqa: S608 (names only)
        f" WHERE {' AND '.join(where)}"
        f" ORDER BY {key} {direction}, {pk} {direction} LIMIT {int(limit) + 1}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if len(rows) <= limit:
        return rows, ""
    last = rows[limit - 1]
    try:
        after_value = _py_value(kind, last["sort_key"])
    except ValueError:
        raise PdsApiError(500, "InternalError", "A stored timestamp cannot be read.") from None
    return rows[:limit], marker_encode(order, after_value, last["file_id"])
