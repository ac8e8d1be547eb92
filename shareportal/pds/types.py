"""Typed results of the PDS client, one dataclass (or named tuple) per wire object.

Each mirrors the fields of a PDS answer in `docs/pds-api.md` (#anonymous-share-object,
#share_linkget_share_token, #sharelink-object, #file-object, #fileget_download_url,
#users-and-drives, #oauthtoken); where PDS spells a field two ways the dataclass holds one and
the client reads either (docs/pds-api.md#field-spellings).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

# The drive roles that administer a domain (docs/pds-api.md#user-object): they may see
# everyone's shares.
ADMIN_ROLES = frozenset({"superadmin", "admin", "subdomain_super_admin", "subdomain_admin"})


@dataclass(frozen=True)
class AnonymousShare:
    """`share_link/get_by_anonymous` (docs/pds-api.md#share_linkget_by_anonymous).

    What a visitor may know before unlocking.
    """

    share_id: str
    share_name: str
    creator_id: str
    creator_name: str  # masked by PDS, e.g. "AB***CD"
    creator_phone: str
    avatar: str
    expiration: datetime | None  # None: never expires
    updated_at: datetime | None
    has_pwd: bool
    disable_preview: bool
    disable_save: bool
    disable_download: bool
    enable_upload: bool  # `enable_upload` or `creatable`
    require_login: bool
    preview_limit: int
    save_limit: int
    download_limit: int
    save_download_limit: int
    preview_count: int
    save_count: int
    download_count: int
    access_count: int
    file_count: int | None  # None when PDS does not say
    # "url": opened by its link; "msg": by its share code (`share_link/get_share_id`).
    share_policy: str = "url"

    @property
    def needs_code(self) -> bool:
        """Whether visitors open it with its share code (`share_policy` "msg")."""
        return self.share_policy == "msg"

    # "" when PDS does not say: its specs leave it out, the embedded drive sends it. A default,
    # so that facts cached before the field existed still read (as "") after an upgrade.
    description: str = ""


@dataclass(frozen=True)
class ShareToken:
    """`share_link/get_share_token` (docs/pds-api.md#share_linkget_share_token)."""

    # Secrets are left out of repr() so that a logged or displayed object cannot leak them.
    share_token: str = field(repr=False)
    expires_in: int  # seconds
    expire_time: datetime | None


@dataclass(frozen=True)
class SharedByMsg:
    """`share_link/get_share_id` (docs/pds-api.md#share_linkget_share_id): the share a share
    code (`share_msg`) stands for, and its password ("" for none)."""

    share_id: str
    # A secret: left out of repr() so that a logged or displayed object cannot leak it.
    share_pwd: str = field(repr=False)


@dataclass(frozen=True)
class ShareLink:
    """The owner's view of a share: create, get, update, list, search.

    See docs/pds-api.md#sharelink-object.
    """

    share_id: str
    share_name: str
    description: str
    share_pwd: str = field(repr=False)
    drive_id: str
    file_id_list: list[str]
    expiration: datetime | None
    expired: bool
    status: str  # "enabled" | "disabled"
    creator: str
    created_at: datetime | None
    updated_at: datetime | None
    share_policy: str  # "url" | "msg"
    share_msg: str
    share_url: str
    disable_preview: bool
    disable_save: bool
    disable_download: bool
    require_login: bool
    enable_upload: bool
    preview_limit: int
    save_limit: int
    download_limit: int
    save_download_limit: int
    preview_count: int
    save_count: int
    download_count: int
    access_count: int

    @property
    def has_pwd(self) -> bool:
        return bool(self.share_pwd)


class FileItem(NamedTuple):
    """One file or folder (docs/pds-api.md#file-object).

    A named tuple rather than a frozen dataclass, immutable alike: a listing parses one per
    item, and a frozen dataclass sets each of these 14 fields through `object.__setattr__`
    (1.6 us an item against 0.4 us).
    """

    file_id: str
    name: str
    type: str  # "file" | "folder"
    parent_file_id: str
    drive_id: str
    share_id: str
    size: int | None
    content_type: str
    file_extension: str
    category: str
    created_at: datetime | None
    updated_at: datetime | None
    thumbnail: str  # signed URL or ""
    url: str  # signed preview URL or ""

    @property
    def is_folder(self) -> bool:
        return self.type == "folder"


class SearchHit(NamedTuple):
    """One item of `file/search` through a share (docs/pds-api.md#filesearch-through-a-share).

    `parent_path` is the share's folders from its top down to the item's folder, as
    `(file_id, name)` pairs: empty for a top item, and for a drive that does not say.
    """

    item: FileItem
    parent_path: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Page[T]:
    """A page of a listing: its items and the marker of the next page ("" on the last)."""

    items: list[T]
    next_marker: str = ""


@dataclass(frozen=True)
class DownloadUrl:
    """`file/get_download_url` (docs/pds-api.md#fileget_download_url)."""

    url: str
    expiration: datetime | None
    size: int | None


@dataclass(frozen=True)
class DataHead:
    """The first bytes of a file, read from its signed data URL (docs/pds-api.md#signed-data-urls).

    `truncated`: the file goes on past `data`.
    """

    data: bytes = field(repr=False)
    truncated: bool
    content_type: str


@dataclass(frozen=True)
class User:
    """`user/get` (docs/pds-api.md#userget)."""

    user_id: str
    user_name: str
    nick_name: str
    avatar: str
    email: str
    role: str
    status: str
    domain_id: str
    default_drive_id: str

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES


@dataclass(frozen=True)
class OAuthTokens:
    """`oauth/token` (docs/pds-api.md#oauthtoken)."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int
    token_type: str = "Bearer"
    user_id: str = ""
    role: str = ""
    default_drive_id: str = ""
    extra: dict = field(default_factory=dict)  # the rest of the answer, without the tokens


@dataclass(frozen=True)
class SkippedFile:
    """An item an archive left out: its id, its name when PDS may tell it, and why."""

    file_id: str
    name: str
    code: str


@dataclass(frozen=True)
class CopyResult:
    """`file/copy`'s answer (docs/pds-api.md#filecopy): the copy, and its task for a folder."""

    file_id: str
    drive_id: str
    async_task_id: str  # "" when the copy is already made


@dataclass(frozen=True)
class AsyncTask:
    """`async_task/get` of an archive (docs/pds-api.md#async_taskget).

    `state` is Running, Succeed, PartialSucceed or Failed; `url` the ZIP's signed URL once it
    can be fetched. `total_size` and `skipped` are the embedded drive's extensions (0 and ()
    from a PDS that does not send them).
    """

    async_task_id: str
    state: str
    url: str = field(repr=False)
    total_process: int
    consumed_process: int
    error_code: str
    error_message: str
    total_size: int = 0
    skipped: tuple[SkippedFile, ...] = ()

    @property
    def finished(self) -> bool:
        return self.state in ("Succeed", "PartialSucceed", "Failed")


@dataclass(frozen=True)
class UploadPart:
    """One part of an upload: its bytes go by PUT to `upload_url` (signed, on the data host)."""

    part_number: int
    part_size: int
    upload_url: str = field(repr=False)


@dataclass(frozen=True)
class UploadStarted:
    """`file/create` (docs/pds-api.md#filecreate): where each part of the new file goes."""

    file_id: str
    upload_id: str
    file_name: str  # the name the drive gives it (auto_rename may change it)
    parent_file_id: str
    parts: list[UploadPart]
