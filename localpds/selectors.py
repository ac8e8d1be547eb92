"""Reads of the embedded PDS: who may see which drive, file and share.

Each selector either returns what the caller may see or raises the `PdsApiError` PDS answers
with (docs/pds-api.md#error-codes), so views never decide permissions themselves.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple

from django.db import connection
from django.db.models import Model, Q, QuerySet

from . import listing
from .apierrors import PdsApiError
from .models import ROOT, Drive, File, ShareLink, User
from .validation import Condition, parse_rfc3339
from .wire import share_expired


def first_row[M: Model, R](queryset: QuerySet[M, R]) -> R | None:
    """The row of a lookup by a unique key, or None.

    Not `.first()`: that orders by the primary key, which a unique lookup does not need and
    which costs the ORM a third more to compile (these run on every visitor's request).
    """
    return next(iter(queryset[:1]), None)


def share_not_found(share_id: str) -> PdsApiError:
    return PdsApiError(
        404, "NotFound.ShareLink", f"The resource share_link {share_id} cannot be found."
    )


def file_not_found(file_id: str) -> PdsApiError:
    return PdsApiError(404, "NotFound.File", f"The resource file {file_id} cannot be found.")


def no_permission(resource: str) -> PdsApiError:
    return PdsApiError(
        403, "ForbiddenNoPermission", f"No Permission to access resource {resource}."
    )


# Users and drives


def user_default_drive(user: User) -> Drive | None:
    return user.drives.order_by("pk").first()


def user_for_caller(*, caller: User, user_id: str) -> User:
    """`user/get`: the caller, or (for admins) any user of the domain."""
    if not user_id or user_id == caller.user_id:
        return caller
    if not caller.is_admin:
        raise no_permission(f"user {user_id}")
    user = first_row(User.objects.filter(user_id=user_id))
    if user is None:
        raise PdsApiError(404, "NotFound.User", f"The resource user {user_id} cannot be found.")
    return user


def drive_for_caller(*, caller: User, drive_id: str) -> Drive:
    """A drive the caller owns; administrators may read every drive of the domain."""
    # Drive ids are numeric strings; anything else (or beyond 64 bits) names no drive.
    numeric = drive_id.isascii() and drive_id.isdigit() and len(drive_id) <= 18
    drive = first_row(Drive.objects.filter(pk=int(drive_id))) if numeric else None
    if drive is None:
        raise PdsApiError(404, "NotFound.Drive", f"The resource drive {drive_id} cannot be found.")
    if drive.owner_id != caller.user_id and not caller.is_admin:
        raise no_permission(f"drive {drive_id}")
    return drive


def file_in_drive(*, drive: Drive, file_id: str) -> File:
    file = first_row(File.objects.filter(drive=drive, file_id=file_id))
    if file is None:
        raise file_not_found(file_id)
    return file


def _not_a_folder() -> PdsApiError:
    return PdsApiError(
        400,
        "InvalidParameter",
        "The input parameter parent_file_id is not valid. It names a file, not a folder.",
    )


def _listable(parent: File) -> File:
    """`parent` if it is a folder; `parent_file_id` naming a file is a 400."""
    if not parent.is_folder:
        raise _not_a_folder()
    return parent


class Children(NamedTuple):
    """Which items of a drive a listing shows (`listing.children_page`).

    A folder's items (`parent_id`; None is the drive's top level), or, for a share of chosen
    items, those items (`file_ids`).
    """

    drive_id: int
    parent_id: str | None = None
    file_ids: list[str] | None = None


def _folder_checked(*, drive_id: int, file_id: str, inside: Callable[[str], bool]) -> None:
    """404 unless `file_id` is a file of the drive whose path `inside` accepts; 400 if a file."""
    found = listing.file_type_and_path(drive_id=drive_id, file_id=file_id)
    if found is None or not inside(found[1]):
        raise file_not_found(file_id)
    if found[0] != File.Type.FOLDER:
        raise _not_a_folder()


def folder_children(*, drive: Drive, parent_file_id: str) -> Children:
    """The items directly inside a folder of the drive (`root`: its top level)."""
    if parent_file_id == ROOT:
        return Children(drive.pk)
    _folder_checked(drive_id=drive.pk, file_id=parent_file_id, inside=lambda id_path: True)
    return Children(drive.pk, parent_id=parent_file_id)


# Share links seen by their owner or an administrator


def share_for_manager(*, caller: User, share_id: str) -> ShareLink:
    """A share the caller created, or any share for an administrator."""
    share = first_row(ShareLink.objects.filter(share_id=share_id))
    if share is None:
        raise share_not_found(share_id)
    if share.creator_id != caller.user_id and not caller.is_admin:
        raise no_permission(f"share_link {share_id}")
    return share


def shares_visible(
    *, caller: User, creators: list[str], include_cancelled: bool
) -> QuerySet[ShareLink]:
    """Shares the caller may list: everyone's for admins, only their own for users."""
    shares = ShareLink.objects.all()
    if not caller.is_admin:
        if any(creator != caller.user_id for creator in creators):
            raise no_permission("share_link of another creator")
        creators = [caller.user_id]
    if creators:
        shares = shares.filter(creator_id__in=creators)
    if not include_cancelled:
        shares = shares.filter(cancelled_at=None)
    return shares


# The search query's never-expires marker (docs/pds-api.md#share_linksearch): shares with no
# expiration compare as this.
NEVER_EXPIRES = datetime(1970, 1, 1, tzinfo=UTC)
_LOOKUPS = {"=": "exact", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
_COMPARE = {
    "=": lambda a, b: a == b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def _bad_condition(condition: Condition, reason: str) -> PdsApiError:
    return PdsApiError(
        400,
        "InvalidParameter",
        f"The input parameter query is not valid. {condition.field} {condition.op}: {reason}.",
    )


def _query_date(condition: Condition) -> datetime:
    value = (
        parse_rfc3339(condition.value, zone_required=False)
        if isinstance(condition.value, str)
        else None
    )
    if value is None:
        raise _bad_condition(condition, "expected a date such as '2022-01-18T02:50:00'")
    return value


def _share_condition(condition: Condition) -> Q:
    field, op, value = condition.field, condition.op, condition.value
    if field == "status" and op in ("=", "in"):
        statuses = value if op == "in" else [value]
        if not all(s in ShareLink.Status.values for s in statuses):
            raise _bad_condition(condition, "status is 'enabled' or 'disabled'")
        return Q(status__in=statuses)
    if field in ("share_name_for_fuzzy", "share_name") and op == "match":
        if not isinstance(value, str):
            raise _bad_condition(condition, "expected a quoted string")
        return Q(share_name__icontains=value)
    if field == "share_name" and op == "=":
        return Q(share_name=str(value))
    if field in ("created_at", "updated_at") and op in _LOOKUPS:
        return Q(**{f"{field}__{_LOOKUPS[op]}": _query_date(condition)})
    if field == "expired_time" and op in _LOOKUPS:
        when = _query_date(condition)
        query = Q(**{f"expiration__{_LOOKUPS[op]}": when})
        if _COMPARE[op](NEVER_EXPIRES, when):
            query |= Q(expiration=None)
        return query
    raise _bad_condition(condition, "this field or operator is not supported")


def shares_matching(shares: QuerySet[ShareLink], conditions: list[Condition]) -> QuerySet:
    for condition in conditions:
        shares = shares.filter(_share_condition(condition))
    return shares


def _file_condition(condition: Condition) -> Q:
    field, op, value = condition.field, condition.op, condition.value
    if not isinstance(value, str) and op != "in":
        raise _bad_condition(condition, "expected a quoted string")
    if field == "name" and op == "=":
        return Q(name=value)
    if field == "name" and op == "match":
        return Q(name__icontains=value)
    if field == "type" and op == "=" and value in File.Type.values:
        return Q(type=value)
    if field == "category" and op == "=":
        return Q(category=value)
    if field == "file_extension" and op == "=":
        return Q(file_extension=value)
    if field == "parent_file_id" and op == "=":
        return Q(parent=None) if value == ROOT else Q(parent_id=value)
    if field in ("created_at", "updated_at") and op in _LOOKUPS:
        return Q(**{f"{field}__{_LOOKUPS[op]}": _query_date(condition)})
    raise _bad_condition(condition, "this field or operator is not supported")


def files_matching(*, drive: Drive, conditions: list[Condition]) -> QuerySet[File]:
    files = File.objects.filter(drive=drive)
    for condition in conditions:
        files = files.filter(_file_condition(condition))
    return files


def _subtree(id_path: str) -> Q:
    """The file at `id_path` ("/<id>/.../<id>/") and everything inside it, on an index.

    On PostgreSQL a prefix LIKE uses the `varchar_pattern_ops` index Django makes beside
    `id_path`'s own. SQLite's LIKE is case-insensitive, so it cannot use a (binary) index; the
    same rows are the range [prefix, prefix with its last "/" made "0"): "0" follows "/" in
    every encoding, and SQLite compares text bytewise. (PostgreSQL's collations may ignore
    punctuation, so the range is not used there.)
    """
    if connection.vendor == "sqlite":
        return Q(id_path__gte=id_path, id_path__lt=id_path[:-1] + "0")
    return Q(id_path__startswith=id_path)


def share_files_matching(*, share: ShareLink, conditions: list[Condition]) -> QuerySet[File]:
    """`file/search` through a share: the files inside its subtrees matching every condition.

    The share's subtrees come first, as index ranges of `id_path`, so the database reads the
    share's rows and no others, whatever the drive holds; the conditions only narrow them, so
    no query can reach outside the share. `parent_file_id = 'root'` means the share's top, as
    in `file/list` through a share. See docs/pds-api.md#filesearch-through-a-share.
    """
    files = File.objects.filter(drive_id=share.drive_id)
    if not share.share_all_files:
        top_paths = File.objects.filter(
            drive_id=share.drive_id, file_id__in=share.file_id_list
        ).values_list("id_path", flat=True)
        scope = Q(pk__in=[])
        for id_path in top_paths:
            scope |= _subtree(id_path)
        files = files.filter(scope)
    for condition in conditions:
        if condition.field == "parent_file_id" and condition.op == "=" and condition.value == ROOT:
            top = Q(parent=None) if share.share_all_files else Q(file_id__in=share.file_id_list)
            files = files.filter(top)
        else:
            files = files.filter(_file_condition(condition))
    return files


def share_parent_paths(*, share: ShareLink, id_paths: dict[str, str]) -> dict[str, list[dict]]:
    """Per file id, the folders from the share's top down to the file's folder: `[{file_id, name}]`.

    Only folders inside the share are named (from the outermost shared item down): the
    folders above a shared item stay private, as its `parent_file_id: root` keeps them. One
    query for the names of a whole page.
    """
    top = share_top_ids(share)
    chains: dict[str, list[str]] = {}
    for file_id, id_path in id_paths.items():
        ancestors = id_path.strip("/").split("/")[:-1]
        if not share.share_all_files:
            shared_at = next((i for i, a in enumerate(ancestors) if a in top), len(ancestors))
            ancestors = ancestors[shared_at:]
        chains[file_id] = ancestors
    wanted = {a for chain in chains.values() for a in chain}
    names = (
        dict(
            File.objects.filter(drive_id=share.drive_id, file_id__in=wanted).values_list(
                "file_id", "name"
            )
        )
        if wanted
        else {}
    )
    return {
        file_id: [{"file_id": a, "name": names.get(a, "")} for a in chain]
        for file_id, chain in chains.items()
    }


# Share links seen by visitors


def share_state_error(share: ShareLink) -> PdsApiError | None:
    """Why visitors may not use this share right now, or None if they may."""
    if share.cancelled_at is not None:
        return PdsApiError(400, "ShareLink.Cancelled", "share_link is cancelled by the creator")
    if share.status != ShareLink.Status.ENABLED:
        return PdsApiError(403, "ShareLink.Forbidden", "share_link is forbidden")
    if share_expired(share):
        return PdsApiError(400, "ShareLink.Expired", "share_link is expired")
    return None


# What `share_state_error` reads, besides what the caller of `share_for_visitor` names.
SHARE_STATE_FIELDS = ("cancelled_at", "status", "expiration")
# What `share_top_files` reads of a share.
SHARE_TOP_FIELDS = ("share_all_files", "drive_id", "file_id_list")


def share_for_visitor(*, share_id: str, fields: tuple[str, ...]) -> ShareLink:
    """A share visitors may use now, with only `fields` loaded; else the error that says why.

    The visitor's operations read a few of its columns (and of its creator's:
    `creator__<field>`, joined only then), on every landing; another field is still there
    when read, at the cost of a query (the query-count tests see it).
    """
    shares = ShareLink.objects.only(*SHARE_STATE_FIELDS, *fields)
    if any(field.startswith("creator__") for field in fields):
        shares = shares.select_related("creator")
    share = first_row(shares.filter(share_id=share_id))
    if share is None:
        raise share_not_found(share_id)
    error = share_state_error(share)
    if error is not None:
        raise error
    return share


def share_top_files(share: ShareLink) -> QuerySet[File]:
    """The shared top-level items (`parent_file_id: root` through the share)."""
    if share.share_all_files:
        return File.objects.filter(drive_id=share.drive_id, parent=None)
    return File.objects.filter(drive_id=share.drive_id, file_id__in=share.file_id_list)


def _inside_share(share: ShareLink, id_path: str) -> bool:
    """Whether the file at `id_path` (of the share's drive) is inside the shared subtrees."""
    if share.share_all_files:
        return True
    # id_path lists every ancestor and the file itself ("/<id>/.../<own id>/"), so "inside a
    # shared item" is "a shared id is one of its segments": no query for the shared items'
    # own paths. Ancestors are in the file's drive, which is the share's.
    return any(f"/{top_id}/" in id_path for top_id in share.file_id_list if "/" not in top_id)


def share_file(*, share: ShareLink, file_id: str) -> File:
    """A file inside the shared subtrees; anything else is 404 whatever id was guessed."""
    file = first_row(File.objects.filter(drive_id=share.drive_id, file_id=file_id))
    if file is None or not _inside_share(share, file.id_path):
        raise file_not_found(file_id)
    return file


def share_folder_children(*, share: ShareLink, parent_file_id: str) -> Children:
    """The items of a folder inside the share (`root`: the shared top-level items)."""
    if parent_file_id == ROOT:
        if share.share_all_files:
            return Children(share.drive_id)
        return Children(share.drive_id, file_ids=list(share.file_id_list))
    _folder_checked(
        drive_id=share.drive_id,
        file_id=parent_file_id,
        inside=lambda id_path: _inside_share(share, id_path),
    )
    return Children(share.drive_id, parent_id=parent_file_id)


def share_top_ids(share: ShareLink) -> frozenset[str]:
    """The ids whose items a listing through the share reports under `root`.

    Without a query: a listed item is in the share's drive, so it is a shared top-level item
    exactly when its id is in `file_id_list`. With `share_all_files` the top items are the
    drive's own top level, whose parent is `root` already.
    """
    if share.share_all_files:
        return frozenset()
    return frozenset(share.file_id_list)
