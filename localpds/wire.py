"""Model rows as PDS's JSON objects: ShareLink (docs/pds-api.md#sharelink-object), the
anonymous share (#anonymous-share-object), File (#file-object), User (#user-object) and Drive
(#drive-object).

Field names follow the SDK's share-link document and OpenAPI 2022-03-01; where they differ both
spellings are sent (docs/pds-api.md#field-spellings: the union), e.g. `creatable` and
`enable_upload`.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import NotSupportedError
from django.db.models import CharField, Func
from django.utils import timezone

from . import dataurls
from .models import ROOT, ArchiveTask, Drive, File, ShareLink, User

# Categories that get a `thumbnail` (Pillow renders images); every file gets a preview `url`
# unless its share disables previews.
THUMBNAIL_CATEGORIES = ("image",)
# Images Pillow cannot draw: an SVG is a document, and its thumbnail would be a 404.
NO_THUMBNAIL_TYPES = frozenset({"image/svg+xml"})


def rfc3339(value: datetime | None) -> str:
    """`2019-08-20T06:51:27.292Z`: UTC with milliseconds, as PDS writes its timestamps."""
    if value is None:
        return ""
    value = value.astimezone(UTC)
    if value.year < 1000:
        # isoformat pads the year to four digits; strftime's %Y does not, and that is the
        # format these dates have always had.
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    # Half the cost of strftime, and a listing writes two per item.
    return value.isoformat(timespec="milliseconds")[:-6] + "Z"


def epoch_ms(value: datetime | None) -> int:
    return 0 if value is None else int(value.timestamp() * 1000)


def share_expired(share: ShareLink) -> bool:
    return share.expiration is not None and share.expiration <= timezone.now()


def share_url(share: ShareLink) -> str:
    return f"{settings.LOCALPDS_PORTAL_URL}/s/{share.share_id}/"


def share_wire(share: ShareLink) -> dict:
    """The owner's ShareLink object (docs/pds-api.md#sharelink-object).

    The union of the SDK's IShareLinkItem and OpenAPI's model.
    """
    return {
        "share_id": share.share_id,
        "share_pwd": share.share_pwd,
        "has_pwd": bool(share.share_pwd),
        "share_name": share.share_name,
        "description": share.description,
        "domain_id": settings.LOCALPDS_DOMAIN_ID,
        "drive_id": str(share.drive_id),
        "file_id_list": list(share.file_id_list),
        "file_id": share.file_id_list[0] if share.file_id_list else "",
        "share_all_files": share.share_all_files,
        "expiration": rfc3339(share.expiration),
        "expired": share_expired(share),
        "status": share.status,
        "creator": share.creator_id,
        "created_at": rfc3339(share.created_at),
        "updated_at": rfc3339(share.updated_at),
        "share_url": share_url(share),
        "share_policy": share.share_policy,
        "share_msg": share.share_msg,
        "creatable": share.creatable,
        "enable_upload": share.creatable,
        "creatable_file_id_list": list(share.creatable_file_id_list),
        "require_login": share.require_login,
        "office_editable": share.office_editable,
        "disable_preview": share.disable_preview,
        "disable_save": share.disable_save,
        "disable_download": share.disable_download,
        "preview_limit": share.preview_limit,
        "save_limit": share.save_limit,
        "download_limit": share.download_limit,
        "save_download_limit": share.save_download_limit,
        "access_count": share.access_count,
        "preview_count": share.preview_count,
        "save_count": share.save_count,
        "download_count": share.download_count,
        "report_count": share.report_count,
        "video_preview_count": share.video_preview_count,
    }


def mask(text: str, *, keep: int) -> str:
    """`alice` -> `al***ce`: enough for the owner's friends to recognise, not to identify."""
    if not text:
        return ""
    if len(text) <= 2 * keep:
        return text[0] + "***"
    return f"{text[:keep]}***{text[-keep:]}"


def mask_phone(phone: str) -> str:
    """`13612345600` -> `136****00`, the shape PDS documents."""
    if len(phone) < 6:
        return "***" if phone else ""
    return f"{phone[:3]}****{phone[-2:]}"


# What `anonymous_share_wire` reads of a share and of its creator.
ANONYMOUS_SHARE_FIELDS = (
    "share_name",
    "description",
    "expiration",
    "updated_at",
    "share_pwd",
    "share_policy",
    "disable_preview",
    "disable_save",
    "disable_download",
    "require_login",
    "creatable",
    "office_editable",
    "preview_limit",
    "save_limit",
    "download_limit",
    "save_download_limit",
    "preview_count",
    "save_count",
    "download_count",
    "report_count",
    "video_preview_count",
    "access_count",
    "creator__nick_name",
    "creator__user_name",
    "creator__phone",
    "creator__avatar",
)


def anonymous_share_wire(share: ShareLink, *, file_count: int) -> dict:
    """What anyone holding the share id may know: never the password itself.

    See docs/pds-api.md#anonymous-share-object.
    """
    creator = share.creator
    return {
        "share_id": share.share_id,
        "share_name": share.share_name,
        "description": share.description,
        "creator_id": creator.user_id,
        "creator_name": mask(creator.nick_name or creator.user_name, keep=2),
        "creator_phone": mask_phone(creator.phone),
        "avatar": creator.avatar,
        "expiration": rfc3339(share.expiration),
        "updated_at": rfc3339(share.updated_at),
        "has_pwd": bool(share.share_pwd),
        "need_check_pwd": bool(share.share_pwd),
        "file_count": file_count,
        "share_policy": share.share_policy,
        "disable_preview": share.disable_preview,
        "disable_save": share.disable_save,
        "disable_download": share.disable_download,
        "require_login": share.require_login,
        "creatable": share.creatable,
        "enable_upload": share.creatable,
        "office_editable": share.office_editable,
        "preview_limit": share.preview_limit,
        "save_limit": share.save_limit,
        "download_limit": share.download_limit,
        "save_download_limit": share.save_download_limit,
        "preview_count": share.preview_count,
        "save_count": share.save_count,
        "download_count": share.download_count,
        "report_count": share.report_count,
        "video_preview_count": share.video_preview_count,
        "access_count": share.access_count,
    }


# How each database writes a timestamp column as `rfc3339` does (UTC, milliseconds cut, `Z`).
# Django stores SQLite timestamps as naive UTC text, `YYYY-MM-DD HH:MM:SS[.ffffff]`.
_RFC3339_SQL = {
    "sqlite": "replace(substr({0}, 1, 19), ' ', 'T') || substr({0} || '.000', 20, 4) || 'Z'",
    "postgresql": """to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')""",
}


def rfc3339_sql(vendor: str, column: str) -> str:
    """SQL reading `column` (a timestamp) as the wire's text, for the database `vendor`."""
    try:
        return _RFC3339_SQL[vendor].format(column)
    except KeyError:
        raise NotSupportedError(f"Rfc3339 has no SQL for {vendor}.") from None


class Rfc3339(Func):
    """A timestamp column as `rfc3339` writes it (UTC, milliseconds cut, `Z`), in the database.

    A listing writes two timestamps per item: read as the wire's text, they are not parsed
    into aware datetimes one by one only to be formatted again. Milliseconds are cut, not
    rounded, as `isoformat` does.
    """

    output_field = CharField()

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **kwargs: Any) -> Any:
        template = rfc3339_sql(connection.vendor, "%(expressions)s")
        return super().as_sql(compiler, connection, template=template, **kwargs)


# What `file_wire` reads of a File: a listing fetches just these, as dicts (no model rows),
# with its timestamps as text (FILE_TIMES).
FILE_FIELDS = (
    "file_id",
    "name",
    "type",
    "parent_id",
    "drive_id",
    "description",
    "size",
    "content_type",
    "file_extension",
    "category",
    "content_hash",
)


FILE_TIMES = {"created_text": Rfc3339("created_at"), "updated_text": Rfc3339("updated_at")}


def file_row(file: File) -> dict:
    """A File as the dict a listing's `.values(*FILE_FIELDS, **FILE_TIMES)` gives."""
    row = {name: getattr(file, name) for name in FILE_FIELDS}
    row["created_text"] = rfc3339(file.created_at)
    row["updated_text"] = rfc3339(file.updated_at)
    return row


def file_wire(
    file: File,
    *,
    signer: dataurls.Signer,
    share: ShareLink | None = None,
    top_ids: frozenset[str] = frozenset(),
) -> dict:
    """One File (docs/pds-api.md#file-object); see `file_wirer`."""
    return file_wirer(signer=signer, share=share, top_ids=top_ids)(file_row(file))


def file_wirer(
    *,
    signer: dataurls.Signer,
    share: ShareLink | None = None,
    top_ids: frozenset[str] = frozenset(),
    url: bool = True,
) -> Callable[[Mapping[str, Any]], dict]:
    """What turns a row of `FILE_FIELDS` and `FILE_TIMES` into a File, for each item listed.

    See docs/pds-api.md#file-object. `url` (the preview URL) is an extra of `file/list`, sent
    only when its `fields` asks for it, as PDS does: most listings never open a preview, and
    signing one per item was most of a listing's cost.

    Through a share: `share_id` set, no `download_url`, and the shared top-level items report
    `parent_file_id: "root"` so their real parent stays private. What is the same for every
    item (the domain, the share's flags) is worked out here once; the data URLs are signed by
    `signer`, which has the key, origin and expiry of the whole request.
    """
    domain_id = settings.LOCALPDS_DOMAIN_ID
    share_id = share.share_id if share is not None else None
    previews = share is None or not share.disable_preview
    # The preview `url` serves the whole file inline, also when the share disables downloads:
    # a video or a PDF cannot be previewed otherwise. Its owner chose previews; the share
    # pages say that what is shown can still be saved by a determined visitor.
    download_urls = share is None
    folder = File.Type.FOLDER.value
    sign = signer.url

    def wire(row: Mapping[str, Any]) -> dict:
        file_id = row["file_id"]
        data = {
            "file_id": file_id,
            "name": row["name"],
            "type": row["type"],
            "parent_file_id": row["parent_id"] or ROOT,
            "drive_id": str(row["drive_id"]),
            "domain_id": domain_id,
            "status": "available",
            "created_at": row["created_text"],
            "updated_at": row["updated_text"],
            "description": row["description"],
        }
        if share_id is not None:
            data["share_id"] = share_id
            if file_id in top_ids:
                data["parent_file_id"] = ROOT
        if row["type"] == folder:
            return data
        content_type = row["content_type"]
        category = row["category"]
        data["size"] = row["size"]
        data["content_type"] = content_type
        data["mime_type"] = content_type
        data["file_extension"] = row["file_extension"]
        data["category"] = category
        data["content_hash"] = row["content_hash"].upper()
        data["content_hash_name"] = "sha1"
        data["thumbnail"] = (
            sign(file_id, "thumbnail")
            if previews
            and category in THUMBNAIL_CATEGORIES
            and content_type not in NO_THUMBNAIL_TYPES
            else ""
        )
        if url:
            data["url"] = sign(file_id, "preview") if previews else ""
        if download_urls:
            data["download_url"] = sign(file_id, "download")
        return data

    return wire


def user_wire(user: User, *, default_drive_id: str) -> dict:
    """A User (docs/pds-api.md#user-object).

    Its timestamps are epoch milliseconds, unlike files and shares.
    """
    return {
        "user_id": user.user_id,
        "user_name": user.user_name,
        "nick_name": user.nick_name,
        "avatar": user.avatar,
        "email": user.email,
        "phone": user.phone,
        "role": user.role,
        "status": user.status,
        "description": user.description,
        "domain_id": settings.LOCALPDS_DOMAIN_ID,
        "default_drive_id": default_drive_id,
        "creator": "",
        "created_at": epoch_ms(user.created_at),
        "updated_at": epoch_ms(user.updated_at),
        "last_login_time": epoch_ms(user.last_login_time),
        "user_data": {},
    }


def drive_wire(drive: Drive) -> dict:
    return {
        "drive_id": drive.drive_id,
        "drive_name": drive.drive_name,
        "drive_type": "normal",
        "description": drive.description,
        "domain_id": settings.LOCALPDS_DOMAIN_ID,
        "owner": drive.owner_id,
        "owner_type": "user",
        "status": "enabled",
        "total_size": drive.total_size,
        "created_at": rfc3339(drive.created_at),
        "updated_at": rfc3339(drive.updated_at),
    }


def async_task_wire(task: ArchiveTask, *, url: str) -> dict:
    """An archive's AsyncTask (docs/pds-api.md#async_taskget), with the drive's extensions.

    `url` is the ZIP's signed data URL ("" unless it can be fetched). `status`, `err_code`
    and `message` are the deprecated spellings, still sent for older clients.
    """
    return {
        "async_task_id": task.async_task_id,
        "state": task.state,
        "status": task.state,
        "url": url,
        "total_process": task.total_process,
        "consumed_process": task.consumed_process,
        "error_code": task.error_code,
        "err_code": task.error_code,
        "error_message": task.error_message,
        "message": task.error_message,
        "created_at": rfc3339(task.created_at),
        "started_at": rfc3339(task.started_at),
        "finished_at": rfc3339(task.finished_at),
        # Extensions: the ZIP's name and bytes of contents, and what was left out of it.
        "name": task.name,
        "total_size": task.total_size,
        "skipped_files": list(task.skipped),
    } | (
        # A folder copy's task names the new folder (file/copy's own answer does too).
        {"file_id": task.result_file_id, "drive_id": str(task.drive_id)}
        if task.kind == task.Kind.COPY
        else {}
    )
