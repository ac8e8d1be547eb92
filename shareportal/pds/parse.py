"""Turn PDS's JSON answers into the dataclasses of `types.py`, or raise `BadResponse`.

Lenient where PDS is known to vary (two spellings of a field, numbers sent as strings, missing
counters, timestamps with or without fractions and offsets) and strict where the portal would
otherwise break later (a missing id, a list that is not a list).
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .errors import BadResponse
from .ids import is_share_id
from .types import (
    AnonymousShare,
    AsyncTask,
    CopyResult,
    DownloadUrl,
    FileItem,
    OAuthTokens,
    Page,
    SearchHit,
    SharedByMsg,
    ShareLink,
    ShareToken,
    SkippedFile,
    UploadPart,
    UploadStarted,
    User,
)

type Json = dict[str, Any]

# OAuth answer fields kept out of `OAuthTokens.extra`, so that the secrets only ever live in
# the attributes that are hidden from repr().
_OAUTH_SECRET_FIELDS = frozenset({"access_token", "refresh_token", "id_token"})


def _bad(message: str) -> BadResponse:
    return BadResponse(f"PDS answered an unexpected shape: {message}")


def _text(data: Json, *keys: str, required: bool = False) -> str:
    """The first of `keys` present as a string ("" when absent and not required)."""
    for key in keys:
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, str):  # Nearly always: no conversion.
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(f"{key} is not a string")
        return str(value)
    if required:
        raise _bad(f"{keys[0]} is missing")
    return ""


def _required_id(data: Json, key: str) -> str:
    value = _text(data, key, required=True)
    if not value:
        raise _bad(f"{key} is empty")
    return value


def _flag(data: Json, *keys: str) -> bool:
    """The first of `keys` present as a boolean (False when absent)."""
    for key in keys:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, bool):
            raise _bad(f"{key} is not a boolean")
        return value
    return False


def _number(data: Json, key: str) -> int | None:
    """An integer field, which some PDS versions send as a string of digits."""
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _bad(f"{key} is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        # int() refuses digits str.isdigit() accepts ("²") and more than 4,300 of them.
        try:
            return int(value)
        except ValueError:
            pass
    raise _bad(f"{key} is not a number")


def _count(data: Json, key: str) -> int:
    """A counter or limit: absent means 0."""
    return _number(data, key) or 0


def parse_time(value: object) -> datetime | None:
    """An RFC 3339 timestamp as an aware datetime; "" or None mean "no time" (never expires).

    Accepts fractions of any length, `Z`/`z` and offsets; a timestamp without an offset is
    taken as UTC, as PDS's own search syntax writes them.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _bad("a timestamp is not a string")
    try:
        parsed = datetime.fromisoformat(value.strip().upper())
        # In UTC now, so that a time at the very edge of the calendar ("0001-01-01T00:00+14:00")
        # is refused here rather than overflowing when a page shows it.
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise _bad(f"{value!r} is not an RFC 3339 timestamp") from None


def _time(data: Json, key: str) -> datetime | None:
    try:
        return parse_time(data.get(key))
    except BadResponse:
        raise _bad(f"{key} is not an RFC 3339 timestamp") from None


def _share_rules(data: Json) -> dict[str, Any]:
    """The fields both views of a share carry: what visitors may do, and how often.

    See docs/pds-api.md#anonymous-share-object and #sharelink-object.

    Read in one place, so that the visitor's and the owner's view cannot come to read them
    differently (`enable_upload` spelled `creatable`, absent limits and counters as 0).
    """
    return {
        "disable_preview": _flag(data, "disable_preview"),
        "disable_save": _flag(data, "disable_save"),
        "disable_download": _flag(data, "disable_download"),
        "enable_upload": _flag(data, "enable_upload", "creatable"),
        "require_login": _flag(data, "require_login"),
        "preview_limit": _count(data, "preview_limit"),
        "save_limit": _count(data, "save_limit"),
        "download_limit": _count(data, "download_limit"),
        "save_download_limit": _count(data, "save_download_limit"),
        "preview_count": _count(data, "preview_count"),
        "save_count": _count(data, "save_count"),
        "download_count": _count(data, "download_count"),
        "access_count": _count(data, "access_count"),
    }


def anonymous_share(data: Json, *, share_id: str) -> AnonymousShare:
    """`share_link/get_by_anonymous` of the share asked for.

    See docs/pds-api.md#share_linkget_by_anonymous.

    The answer does not usually repeat the share id; when it does, the id asked for still wins,
    so that callers keep keying the share by the id they were given.
    """
    return AnonymousShare(
        share_id=share_id,
        share_name=_text(data, "share_name", required=True),
        description=_text(data, "description"),
        creator_id=_text(data, "creator_id"),
        creator_name=_text(data, "creator_name"),
        creator_phone=_text(data, "creator_phone"),
        avatar=_text(data, "avatar"),
        expiration=_time(data, "expiration"),
        updated_at=_time(data, "updated_at"),
        has_pwd=_flag(data, "has_pwd"),
        **_share_rules(data),
        file_count=_number(data, "file_count"),
        share_policy=_text(data, "share_policy") or "url",
    )


def shared_by_msg(data: Json) -> SharedByMsg:
    """`share_link/get_share_id` (docs/pds-api.md#share_linkget_share_id)."""
    share_id = _required_id(data, "share_id")
    # The portal builds the share's address from it: one of another shape has none.
    if not is_share_id(share_id):
        raise _bad("share_id is not a share id")
    return SharedByMsg(share_id=share_id, share_pwd=_text(data, "share_pwd"))


def share_token(data: Json) -> ShareToken:
    """`share_link/get_share_token` (docs/pds-api.md#share_linkget_share_token).

    `expires_in` defaults to PDS's default, 7200 s.
    """
    expires_in = _number(data, "expires_in")
    return ShareToken(
        share_token=_required_id(data, "share_token"),
        expires_in=7200 if expires_in is None else expires_in,
        expire_time=_time(data, "expire_time"),
    )


def share_link(data: Json) -> ShareLink:
    """The ShareLink object (docs/pds-api.md#sharelink-object)."""
    file_id_list = data.get("file_id_list") or []
    if not isinstance(file_id_list, list) or not all(isinstance(i, str) for i in file_id_list):
        raise _bad("file_id_list is not a list of ids")
    expiration = _time(data, "expiration")
    expired = data.get("expired")
    if expired is None:
        expired = expiration is not None and expiration <= datetime.now(UTC)
    elif not isinstance(expired, bool):
        raise _bad("expired is not a boolean")
    return ShareLink(
        share_id=_required_id(data, "share_id"),
        share_name=_text(data, "share_name"),
        description=_text(data, "description"),
        share_pwd=_text(data, "share_pwd"),
        drive_id=_text(data, "drive_id"),
        file_id_list=list(file_id_list),
        expiration=expiration,
        expired=expired,
        status=_text(data, "status") or "enabled",
        creator=_text(data, "creator"),
        created_at=_time(data, "created_at"),
        updated_at=_time(data, "updated_at"),
        share_policy=_text(data, "share_policy") or "url",
        share_msg=_text(data, "share_msg"),
        share_url=_text(data, "share_url"),
        **_share_rules(data),
    )


def file_item(data: Json) -> FileItem:
    """One File object (docs/pds-api.md#file-object)."""
    return FileItem(
        file_id=_required_id(data, "file_id"),
        name=_text(data, "name", required=True),
        type=_text(data, "type", required=True),
        parent_file_id=_text(data, "parent_file_id"),
        drive_id=_text(data, "drive_id"),
        share_id=_text(data, "share_id"),
        size=_number(data, "size"),
        content_type=_text(data, "content_type", "mime_type"),
        file_extension=_text(data, "file_extension"),
        category=_text(data, "category"),
        created_at=_time(data, "created_at"),
        updated_at=_time(data, "updated_at"),
        thumbnail=_text(data, "thumbnail"),
        url=_text(data, "url"),
    )


def search_hit(data: Json) -> SearchHit:
    """An item of `file/search` through a share, with its `parent_path` when the drive sent it.

    See docs/pds-api.md#filesearch-through-a-share.
    """
    raw = data.get("parent_path")
    if raw is None:
        raw = []
    if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
        raise _bad("parent_path is not a list of objects")
    path = tuple((_required_id(p, "file_id"), _text(p, "name")) for p in raw)
    return SearchHit(item=file_item(data), parent_path=path)


def page[T](data: Json, item: Callable[[Json], T]) -> Page[T]:
    """`{items, next_marker}` (docs/pds-api.md#paging); an absent or empty marker: the last page."""
    items = data.get("items")
    if not isinstance(items, list):
        raise _bad("items is not a list")
    if not all(isinstance(i, dict) for i in items):
        raise _bad("an item is not an object")
    return Page(items=[item(i) for i in items], next_marker=_text(data, "next_marker"))


def download_url(data: Json) -> DownloadUrl:
    """`file/get_download_url` (docs/pds-api.md#fileget_download_url).

    The internet URL, or the CDN one when only that is set.
    """
    url = _text(data, "url") or _text(data, "cdn_url")
    if not url:
        raise _bad("url is missing")
    return DownloadUrl(url=url, expiration=_time(data, "expiration"), size=_number(data, "size"))


def user(data: Json) -> User:
    """`user/get` (docs/pds-api.md#userget)."""
    return User(
        user_id=_required_id(data, "user_id"),
        user_name=_text(data, "user_name"),
        nick_name=_text(data, "nick_name"),
        avatar=_text(data, "avatar"),
        email=_text(data, "email"),
        role=_text(data, "role") or "user",
        status=_text(data, "status") or "enabled",
        domain_id=_text(data, "domain_id"),
        default_drive_id=_text(data, "default_drive_id"),
    )


def default_drive_id(data: Json) -> str:
    """The user's own drive from `drive/list_my_drives`: the first one a user owns, else the first.

    Team drives are listed too; the owner's personal drive is the one whose `owner_type` is
    `user`. An answer without any drive yields "".
    """
    drives = page(data, lambda d: d).items
    personal = [d for d in drives if d.get("owner_type", "user") == "user"]
    for drive in personal or drives:
        return _required_id(drive, "drive_id")
    return ""


def oauth_tokens(data: Json) -> OAuthTokens:
    """The token answer of `oauth/token` (docs/pds-api.md#oauthtoken).

    `expires_in` defaults to the usual 7200 s.
    """
    expires_in = _number(data, "expires_in")
    return OAuthTokens(
        access_token=_required_id(data, "access_token"),
        refresh_token=_text(data, "refresh_token"),
        expires_in=7200 if expires_in is None else expires_in,
        token_type=_text(data, "token_type") or "Bearer",
        user_id=_text(data, "user_id"),
        role=_text(data, "role"),
        default_drive_id=_text(data, "default_drive_id"),
        extra={k: v for k, v in data.items() if k not in _OAUTH_SECRET_FIELDS},
    )


ASYNC_TASK_STATES = frozenset({"Running", "Succeed", "PartialSucceed", "Failed"})


def async_task_id(data: Json) -> str:
    """`file/archive_files`'s answer (docs/pds-api.md#filearchive_files)."""
    return _required_id(data, "async_task_id")


def copy_result(data: Json) -> CopyResult:
    """`file/copy`'s answer (docs/pds-api.md#filecopy): 201 a File, 202 its task."""
    return CopyResult(
        file_id=_required_id(data, "file_id"),
        drive_id=_text(data, "drive_id"),
        async_task_id=_text(data, "async_task_id"),
    )


def async_task(data: Json) -> AsyncTask:
    """`async_task/get` (docs/pds-api.md#async_taskget); `status` is the older spelling."""
    state = _text(data, "state", "status", required=True)
    if state not in ASYNC_TASK_STATES:
        raise _bad(f"state {state!r} is not a task state")
    skipped = data.get("skipped_files") or []
    if not isinstance(skipped, list) or not all(isinstance(item, dict) for item in skipped):
        raise _bad("skipped_files is not a list of objects")
    return AsyncTask(
        async_task_id=_required_id(data, "async_task_id"),
        state=state,
        url=_text(data, "url"),
        total_process=_count(data, "total_process"),
        consumed_process=_count(data, "consumed_process"),
        error_code=_text(data, "error_code", "err_code"),
        error_message=_text(data, "error_message", "message"),
        total_size=_count(data, "total_size"),
        skipped=tuple(
            SkippedFile(
                file_id=_text(item, "file_id"), name=_text(item, "name"), code=_text(item, "code")
            )
            for item in skipped
        ),
    )


def upload_started(data: Json) -> UploadStarted:
    """`file/create` (docs/pds-api.md#filecreate)."""
    parts = data.get("part_info_list")
    if not isinstance(parts, list) or not all(isinstance(part, dict) for part in parts):
        raise _bad("part_info_list is not a list of parts")
    return UploadStarted(
        file_id=_required_id(data, "file_id"),
        upload_id=_required_id(data, "upload_id"),
        file_name=_text(data, "file_name") or _text(data, "name"),
        parent_file_id=_text(data, "parent_file_id"),
        parts=[
            UploadPart(
                part_number=_number(part, "part_number") or 0,
                part_size=_number(part, "part_size") or 0,
                upload_url=_required_id(part, "upload_url"),
            )
            for part in parts
        ],
    )
