"""Answers of a stubbed PDS in its wire format (`docs/pds-api.md`), for `responses`."""

from responses import matchers

API = "http://pds.test"
# The table of the settings' single-machine cache (`common.backends.database_cache`).
CACHE_TABLE = "shareportal_cache"
DATA = "http://data.test"
TOKEN = "share-token-SECRET-4f9a"


def url(operation: str) -> str:
    return f"{API}/v2/{operation}"


def share_json(**fields) -> dict:
    """A `get_by_anonymous` answer (docs/pds-api.md#share_linkget_by_anonymous).

    Fields override the defaults.
    """
    return {
        "share_name": "Holiday photos",
        "creator_id": "u1",
        "creator_name": "al***ce",
        "creator_phone": "",
        "avatar": "",
        "expiration": "2099-12-01T00:00:00.000Z",
        "updated_at": "2026-01-02T03:04:05.000Z",
        "has_pwd": False,
        "disable_preview": False,
        "disable_save": False,
        "disable_download": False,
        "preview_limit": 0,
        "save_limit": 0,
        "download_limit": 0,
        "save_download_limit": 0,
        "preview_count": 0,
        "save_count": 0,
        "download_count": 0,
        "access_count": 3,
        "file_count": 2,
    } | fields


def file_json(file_id: str, name: str, *, parent: str = "p0", folder: bool = False, **fields):
    """A File object (docs/pds-api.md#file-object) as a share listing returns it."""
    item = {
        "file_id": file_id,
        "name": name,
        "type": "folder" if folder else "file",
        "parent_file_id": parent,
        "drive_id": "1",
        "share_id": "",
        "created_at": "2026-01-01T00:00:00.000Z",
        "updated_at": "2026-01-02T00:00:00.000Z",
    }
    if not folder:
        item |= {"size": 2048, "content_type": "text/plain", "file_extension": "txt"}
        item |= {"category": "doc"}
    return item | fields


def error_json(code: str, message: str = "refused") -> dict:
    return {"code": code, "message": message, "requestId": "req-1"}


def add_share(rsps, share_id: str, **fields) -> None:
    rsps.post(
        url("share_link/get_by_anonymous"),
        json=share_json(**fields),
        match=[matchers.json_params_matcher({"share_id": share_id})],
    )


def add_token(rsps, share_id: str, password: str = "", *, token: str = TOKEN, expires_in=7200):
    rsps.post(
        url("share_link/get_share_token"),
        json={"share_token": token, "expires_in": expires_in},
        match=[
            matchers.json_params_matcher(
                {"share_id": share_id, "share_pwd": password}, strict_match=False
            )
        ],
    )


def add_wrong_password(rsps) -> None:
    rsps.post(
        url("share_link/get_share_token"),
        status=400,
        json=error_json("InvalidResource.SharePwd", "The resource share_pwd is not valid."),
    )


def add_list(rsps, items: list[dict], *, next_marker: str = "", token: str = TOKEN, **body):
    """A `file/list` page, answered only to a call with this share token (and body fields)."""
    match = [matchers.header_matcher({"x-share-token": token})]
    if body:
        match.append(matchers.json_params_matcher(body, strict_match=False))
    rsps.post(url("file/list"), json={"items": items, "next_marker": next_marker}, match=match)


def add_error(rsps, operation: str, status: int, code: str, **kwargs) -> None:
    rsps.post(url(operation), status=status, json=error_json(code), **kwargs)


def calls_to(rsps, operation: str) -> list:
    return [c for c in rsps.calls if c.request.url == url(operation)]
