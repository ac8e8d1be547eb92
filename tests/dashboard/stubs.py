"""Answers of a stubbed PDS in its wire format (`docs/pds-api.md`), for `responses`."""

import json
from urllib.parse import parse_qs, urlsplit

import responses

API = "http://pds.test"
AUTHORIZE = f"{API}/v2/oauth/authorize"
REDIRECT_URI = "http://testserver/dashboard/oauth/callback/"
CLIENT_SECRET = "client-SECRET-c0ffee"
ACCESS = "access-SECRET-a1b2c3"
REFRESH = "refresh-SECRET-d4e5f6"
OWNER = "u-owner"


def url(operation: str) -> str:
    return f"{API}/v2/{operation}"


def tokens_json(access: str = ACCESS, refresh: str = REFRESH, **fields) -> dict:
    """An `oauth/token` answer (docs/pds-api.md#oauthtoken)."""
    return {
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": 7200,
        "user_id": OWNER,
        "role": "user",
        "default_drive_id": "1",
    } | fields


def user_json(user_id: str = OWNER, role: str = "user", **fields) -> dict:
    """A `user/get` answer (docs/pds-api.md#userget)."""
    return {
        "user_id": user_id,
        "user_name": "alice",
        "nick_name": "Alice",
        "avatar": "",
        "email": "alice@example.com",
        "role": role,
        "status": "enabled",
        "domain_id": "localpds",
        "default_drive_id": "1",
    } | fields


def share_json(share_id: str = "sAvciMEXKRz", **fields) -> dict:
    """A ShareLink object (docs/pds-api.md#sharelink-object) as the owner sees it."""
    return {
        "share_id": share_id,
        "share_name": "Holiday photos",
        "description": "",
        "share_pwd": "",
        "drive_id": "1",
        "file_id_list": ["f1", "f2"],
        "expiration": "2099-12-01T00:00:00.000Z",
        "expired": False,
        "status": "enabled",
        "creator": OWNER,
        "created_at": "2026-01-02T03:04:05.000Z",
        "updated_at": "2026-01-02T03:04:05.000Z",
        "share_policy": "url",
        "share_msg": "",
        "share_url": "",
        "disable_preview": False,
        "disable_save": False,
        "disable_download": False,
        "require_login": False,
        "creatable": False,
        "preview_limit": 0,
        "save_limit": 0,
        "download_limit": 0,
        "save_download_limit": 0,
        "preview_count": 7,
        "save_count": 1,
        "download_count": 3,
        "access_count": 12,
    } | fields


def file_json(file_id: str, name: str, *, folder: bool = False, parent: str = "root") -> dict:
    """A File object (docs/pds-api.md#file-object) of the owner's drive."""
    return {
        "file_id": file_id,
        "name": name,
        "type": "folder" if folder else "file",
        "parent_file_id": parent,
        "drive_id": "1",
        "category": "" if folder else "doc",
    }


def error_json(code: str, message: str = "refused") -> dict:
    return {"code": code, "message": message, "requestId": "req-1"}


def add_error(pds: responses.RequestsMock, operation: str, status: int, code: str, message=""):
    pds.post(url(operation), status=status, json=error_json(code, message or code))


def body_of(call) -> dict:
    """The JSON body of a recorded call."""
    return json.loads(call.request.body)


def form_of(call) -> dict[str, str]:
    """The form fields of a recorded form-encoded call (oauth/token)."""
    body = call.request.body
    if isinstance(body, bytes):
        body = body.decode()
    return {key: values[0] for key, values in parse_qs(body).items()}


def calls_to(pds: responses.RequestsMock, operation: str) -> list:
    return [c for c in pds.calls if urlsplit(c.request.url).path == f"/v2/{operation}"]


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
