"""The embedded PDS's data: users, drives, files, share links, and OAuth state.

File contents live on disk under `settings.LOCALPDS_BLOB_DIR`, addressed by their SHA-1; the
rows here hold the metadata. Ids follow the PDS wire format: `drive_id` is a numeric string,
`file_id` 40 lowercase hex characters, `share_id` 11 characters of [A-Za-z0-9].
"""

import secrets
import string

from django.db import models
from django.db.models import Q

ROOT = "root"
SHARE_ID_ALPHABET = string.ascii_letters + string.digits


def new_file_id() -> str:
    return secrets.token_hex(20)


def new_user_id() -> str:
    return secrets.token_hex(16)


def new_share_id() -> str:
    return "".join(secrets.choice(SHARE_ID_ALPHABET) for _ in range(11))


class User(models.Model):
    class Role(models.TextChoices):
        SUPERADMIN = "superadmin"
        ADMIN = "admin"
        USER = "user"

    class Status(models.TextChoices):
        ENABLED = "enabled"
        DISABLED = "disabled"

    user_id = models.CharField(primary_key=True, max_length=64, default=new_user_id)
    user_name = models.CharField(max_length=128, unique=True)
    nick_name = models.CharField(max_length=128, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    avatar = models.CharField(max_length=1024, blank=True)
    description = models.CharField(max_length=1024, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.USER)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ENABLED)
    # A Django password hash (django.contrib.auth.hashers); empty means no password sign-in.
    password = models.CharField(max_length=256, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_login_time = models.DateTimeField(null=True, blank=True)

    @property
    def is_admin(self) -> bool:
        return self.role in (self.Role.SUPERADMIN, self.Role.ADMIN)

    def __str__(self) -> str:
        return self.user_name


class Drive(models.Model):
    # The numeric primary key is the wire `drive_id` (as a string).
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="drives")
    drive_name = models.CharField(max_length=1024, default="Default")
    description = models.CharField(max_length=1024, blank=True)
    total_size = models.BigIntegerField(default=0)
    # The most bytes the drive may hold; 0 means no limit. Uploads past it are refused with
    # `QuotaExhausted.Drive` (docs/pds-api.md#filecreate).
    quota = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    @property
    def drive_id(self) -> str:
        return str(self.pk)

    def __str__(self) -> str:
        return f"{self.drive_name} ({self.pk})"


class File(models.Model):
    class Type(models.TextChoices):
        FILE = "file"
        FOLDER = "folder"

    file_id = models.CharField(primary_key=True, max_length=50, default=new_file_id)
    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="files")
    # None for the items at the top of the drive: their wire parent_file_id is "root".
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    # "/<id>/<id>/.../<own id>/" from the top of the drive: an indexed prefix test answers
    # "is this file inside that shared folder?" in one comparison.
    id_path = models.CharField(max_length=2048, db_index=True)
    name = models.CharField(max_length=1024)
    type = models.CharField(max_length=8, choices=Type.choices)
    size = models.BigIntegerField(default=0)
    content_type = models.CharField(max_length=255, blank=True)
    file_extension = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=16, blank=True)
    # SHA-1 of the contents, which also names the blob on disk.
    content_hash = models.CharField(max_length=40, blank=True)
    description = models.CharField(max_length=1024, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        # Keyset pagination: each listing order is (parent, sort key, file_id), fully indexed.
        indexes = [
            models.Index(fields=["drive", "parent", "name", "file_id"], name="file_by_name"),
            models.Index(fields=["drive", "parent", "size", "file_id"], name="file_by_size"),
            models.Index(
                fields=["drive", "parent", "created_at", "file_id"], name="file_by_created"
            ),
            models.Index(
                fields=["drive", "parent", "updated_at", "file_id"], name="file_by_updated"
            ),
            # `file/search` through a share reads its subtrees as ranges of `id_path` within
            # the drive, and matches names as it goes: with the name and id in the index, a
            # 10,000-file share is searched in the index alone (0.6 ms on SQLite, against 5 ms
            # fetching each row; bench/search.py). PostgreSQL finds the same prefixes through
            # `id_path`'s own LIKE index (varchar_pattern_ops).
            models.Index(fields=["drive", "id_path", "name", "file_id"], name="file_by_path"),
        ]

    @property
    def parent_file_id(self) -> str:
        return self.parent_id or ROOT

    @property
    def is_folder(self) -> bool:
        return self.type == self.Type.FOLDER

    def __str__(self) -> str:
        return self.name


class ShareLink(models.Model):
    class Status(models.TextChoices):
        ENABLED = "enabled"
        DISABLED = "disabled"

    class Policy(models.TextChoices):
        URL = "url"
        MSG = "msg"

    share_id = models.CharField(primary_key=True, max_length=64, default=new_share_id)
    creator = models.ForeignKey(User, on_delete=models.CASCADE, related_name="share_links")
    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="share_links")
    # The shared top-level items, in the order the owner gave them (1 to 100 file ids).
    file_id_list = models.JSONField(default=list)
    share_all_files = models.BooleanField(default=False)
    share_name = models.CharField(max_length=128, blank=True)
    description = models.CharField(max_length=1024, blank=True)
    # PDS hands the password back to its owner (share_link/get), so it is kept as given.
    share_pwd = models.CharField(max_length=64, blank=True)
    # Bumped whenever the password changes: share tokens carry it and die with the old value.
    pwd_version = models.PositiveIntegerField(default=0)
    share_policy = models.CharField(max_length=8, choices=Policy.choices, default=Policy.URL)
    share_msg = models.CharField(max_length=128, blank=True, db_index=True)
    # None means the share never expires (wire value "").
    expiration = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ENABLED)
    # Cancelling is final: the share answers ShareLink.Cancelled and leaves the owner's list.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    disable_preview = models.BooleanField(default=False)
    disable_save = models.BooleanField(default=False)
    disable_download = models.BooleanField(default=False)
    require_login = models.BooleanField(default=False)
    office_editable = models.BooleanField(default=False)
    creatable = models.BooleanField(default=False)
    creatable_file_id_list = models.JSONField(default=list)
    preview_limit = models.BigIntegerField(default=0)
    save_limit = models.BigIntegerField(default=0)
    download_limit = models.BigIntegerField(default=0)
    save_download_limit = models.BigIntegerField(default=0)
    access_count = models.BigIntegerField(default=0)
    preview_count = models.BigIntegerField(default=0)
    save_count = models.BigIntegerField(default=0)
    download_count = models.BigIntegerField(default=0)
    report_count = models.BigIntegerField(default=0)
    video_preview_count = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["creator", "created_at", "share_id"], name="share_by_created"),
            models.Index(fields=["creator", "updated_at", "share_id"], name="share_by_updated"),
            models.Index(fields=["created_at", "share_id"], name="share_all_by_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["enabled", "disabled"]), name="share_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.share_name or self.share_id


class AccessToken(models.Model):
    """An owner's bearer token. Only its SHA-256 is stored; the raw value is shown once."""

    token_hash = models.CharField(primary_key=True, max_length=64)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    client = models.ForeignKey(
        "OAuthClient", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The grant this token came from, so a replayed authorization code can revoke it.
    grant = models.ForeignKey(
        "AuthorizationCode", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)


class OAuthClient(models.Model):
    """A registered OAuth 2.0 client (an "App" of the drive)."""

    client_id = models.CharField(primary_key=True, max_length=64)
    name = models.CharField(max_length=128)
    # A Django password hash of the client secret; empty for public clients.
    client_secret = models.CharField(max_length=256, blank=True)
    # Exact redirect URIs, one per line.
    redirect_uris = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def allows_redirect(self, uri: str) -> bool:
        return uri in self.redirect_uris.split()

    def __str__(self) -> str:
        return self.name


class AuthorizationCode(models.Model):
    code_hash = models.CharField(primary_key=True, max_length=64)
    client = models.ForeignKey(OAuthClient, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    redirect_uri = models.CharField(max_length=2048)
    code_challenge = models.CharField(max_length=128)
    code_challenge_method = models.CharField(max_length=8, default="S256")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class RefreshToken(models.Model):
    """A rotating refresh token: each use replaces it with a new one."""

    token_hash = models.CharField(primary_key=True, max_length=64)
    client = models.ForeignKey(OAuthClient, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    grant = models.ForeignKey(
        AuthorizationCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)


class AttemptCounter(models.Model):
    """Password attempts of one throttle key (`localpds.throttle`): a caller, a share, a user.

    Moved only by single conditional UPDATEs, so concurrent workers never lose a count. Times
    are epoch seconds, which SQL can add to and compare on SQLite and PostgreSQL alike.
    """

    # The SHA-256 of the key: no user name or address is stored, and any key fits.
    key = models.CharField(primary_key=True, max_length=64)
    attempts = models.PositiveIntegerField(default=0)
    # No attempt is admitted before this moment: the backoff the last one earned.
    next_at = models.FloatField(default=0.0)
    # The row counts nothing from this moment on: its window and its backoff are over.
    expires_at = models.FloatField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:12]}: {self.attempts}"


class ArchiveTask(models.Model):
    """A ZIP asked for with `file/archive_files`, or a folder copied by `file/copy`
    (`kind`), followed with `async_task/get`.

    The plan is the work: at creation the named items are resolved (through the share, if
    any), walked and checked against the limits, and what goes in is recorded here with its
    safe path in the ZIP. The ZIP itself is streamed from this plan when its data URL is
    fetched, so nothing is built ahead and nothing waits in memory or on disk.
    """

    class State(models.TextChoices):
        RUNNING = "Running"
        SUCCEED = "Succeed"
        PARTIAL = "PartialSucceed"
        FAILED = "Failed"

    class Kind(models.TextChoices):
        ARCHIVE = "archive"
        COPY = "copy"

    async_task_id = models.CharField(primary_key=True, max_length=64, default=new_user_id)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.ARCHIVE)
    # A copy's new top folder (in `drive`, the copy's target drive); "" for an archive.
    result_file_id = models.CharField(max_length=50, blank=True)
    # Set for a visitor's archive: only a token of this share may follow it.
    share = models.ForeignKey(
        ShareLink, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Set for an owner's archive: only this user (or an administrator) may follow it.
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=1024)
    state = models.CharField(max_length=16, choices=State.choices, default=State.RUNNING)
    # [[path in the ZIP, content hash or "" for a folder, size], ...] in the ZIP's order.
    entries = models.JSONField(default=list)
    # [{"file_id", "name", "code"}, ...]: named items or files left out, and why.
    skipped = models.JSONField(default=list)
    total_process = models.PositiveIntegerField(default=0)
    consumed_process = models.PositiveIntegerField(default=0)
    total_size = models.BigIntegerField(default=0)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.CharField(max_length=1024, blank=True)
    created_at = models.DateTimeField(db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"


class Upload(models.Model):
    """A file being uploaded: declared by `file/create`, finished by `file/complete`.

    Until it is complete the file has no `File` row, so no listing, search or archive sees it;
    its parts wait on disk under the data directory's `uploads/<upload_id>/`
    (`localpds.uploads`). `file_id` is handed out at creation and becomes the file's.
    """

    upload_id = models.CharField(primary_key=True, max_length=64, default=new_user_id)
    file_id = models.CharField(max_length=50, unique=True, default=new_file_id)
    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="+")
    # None: the top of the drive.
    parent = models.ForeignKey(
        File, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Set for a visitor's upload: only a token of this share may go on with it.
    share = models.ForeignKey(
        ShareLink, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Set for an owner's upload: only this user (or an administrator) may go on with it.
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=1024)
    check_name_mode = models.CharField(max_length=16)
    size = models.BigIntegerField()
    # The size of each part, in part-number order (part 1 first).
    part_sizes = models.JSONField(default=list)
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.upload_id})"
