"""Building blocks for the `/v2/...` API tests: rows made through the ORM and calls over HTTP."""

import json
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import count

from django.test import Client

from localpds.models import Drive, File, ShareLink, User
from localpds.storage import file_extension_of
from localpds.tokens import access_token_issue

BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)
_clock = count()


def make_user(user_name: str, role: str = User.Role.USER, **fields) -> User:
    user = User.objects.create(user_name=user_name, role=role, **fields)
    Drive.objects.create(owner=user, drive_name=f"{user_name}'s drive")
    return user


def drive_of(user: User) -> Drive:
    return user.drives.order_by("pk").first()


def token_for(user: User) -> str:
    raw, _ = access_token_issue(user=user)
    return raw


def make_file(
    drive: Drive,
    name: str,
    *,
    parent: File | None = None,
    folder: bool = False,
    size: int = 100,
    category: str = "doc",
    content_type: str = "text/plain",
    created_at: datetime | None = None,
    save: bool = True,
) -> File:
    """A file or folder row with a correct `id_path`, like the storage layer writes."""
    when = created_at or BASE_TIME + timedelta(seconds=next(_clock))
    file = File(
        drive=drive,
        parent=parent,
        name=name,
        type=File.Type.FOLDER if folder else File.Type.FILE,
        size=0 if folder else size,
        content_type="" if folder else content_type,
        file_extension="" if folder else file_extension_of(name),
        category="" if folder else category,
        content_hash="" if folder else "a" * 40,
        created_at=when,
        updated_at=when,
    )
    file.id_path = f"{parent.id_path if parent else '/'}{file.file_id}/"
    if save:
        file.save(force_insert=True)
    return file


def make_share(user: User, files: list[File], **fields) -> ShareLink:
    return ShareLink.objects.create(
        creator=user,
        drive=drive_of(user),
        file_id_list=[f.file_id for f in files],
        share_name=fields.pop("share_name", files[0].name if files else "all"),
        **fields,
    )


def call(
    path: str,
    body: dict | None = None,
    *,
    token: str = "",
    share_token: str = "",
    method: str = "post",
    raw: bytes | str | None = None,
    **environ: str,
):
    """POST `body` as JSON to /v2/<path> with the given credentials; return the response.

    `environ` adds WSGI variables, such as the caller's `REMOTE_ADDR`.
    """
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if share_token:
        headers["x-share-token"] = share_token
    data = raw if raw is not None else json.dumps(body if body is not None else {})
    client = _api_client()
    client.cookies.clear()  # each call stands alone, as a fresh client's would
    return client.generic(
        method.upper(),
        f"/v2/{path}",
        data,
        content_type="application/json",
        headers=headers,
        **environ,
    )


@cache
def _api_client() -> Client:
    """One client for every API call: building one loads the middleware again, and WhiteNoise
    scans the static files each time, which made each call ~40 ms."""
    return Client()


def share_token_of(share: ShareLink, password: str = "", **extra) -> str:
    response = call(
        "share_link/get_share_token", {"share_id": share.share_id, "share_pwd": password, **extra}
    )
    assert response.status_code == 200, response.content
    return response.json()["share_token"]


def assert_error(response, status: int, code: str, *, field: str = "") -> dict:
    """The response is a PDS error: status, code, a message (naming `field`) and request ids."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["message"]
    assert body["requestId"] == response["x-ca-request-id"]
    if field:
        assert field in body["message"], body["message"]
    return body
