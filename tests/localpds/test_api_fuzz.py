"""Every operation, every field, a fixed set of hostile values: always a PDS error, never a 500.

Deterministic (no random input): each field of each operation gets every value of `HOSTILE`.
A value of the wrong JSON type must be a 400 naming the field; any other value may succeed or
fail, but a failure must be a 4xx in PDS's envelope (`code`, `message`, `requestId` that
matches the `x-ca-request-id` header).
"""

from dataclasses import dataclass

import pytest

from .api_helpers import call, drive_of, make_share, share_token_of, token_for

pytestmark = [pytest.mark.urls("localpds.urls"), pytest.mark.django_db]

HOSTILE = [
    None,
    "",
    "true",
    "x" * 5000,
    "\u202e\U0001f600\x01'\"<script>../",
    "\ud800",  # a lone surrogate: valid JSON ("\\ud800"), not encodable as UTF-8
    True,
    -1,
    2**64,
    1.5,
    float("nan"),
    [],
    ["a", [["b"]]],
    {"$gt": ""},
]


@dataclass(frozen=True)
class Operation:
    path: str
    auth: str  # "owner", "share" or "anonymous"
    fields: dict[str, type]  # field name -> the JSON type it must have


OPERATIONS = [
    Operation(
        "share_link/create",
        "owner",
        {
            "drive_id": str,
            "file_id_list": list,
            "share_all_files": bool,
            "share_pwd": str,
            "share_name": str,
            "description": str,
            "expiration": str,
            "disable_download": bool,
            "download_limit": int,
            "save_download_limit": int,
            "share_policy": str,
            "user_id": str,
            "creatable_file_id_list": list,
        },
    ),
    Operation("share_link/get", "owner", {"share_id": str}),
    Operation(
        "share_link/update",
        "owner",
        {
            "share_id": str,
            "share_pwd": str,
            "share_name": str,
            "expiration": str,
            "status": str,
            "disable_preview": bool,
            "preview_limit": int,
            "download_count": int,
        },
    ),
    Operation("share_link/cancel", "owner", {"share_id": str}),
    Operation(
        "share_link/list",
        "owner",
        {
            "creator": str,
            "include_cancelled": bool,
            "limit": int,
            "marker": str,
            "order_by": str,
            "order_direction": str,
        },
    ),
    Operation(
        "share_link/search",
        "owner",
        {
            "creators": list,
            "query": str,
            "limit": int,
            "marker": str,
            "order_by": str,
            "return_total_count": bool,
        },
    ),
    Operation("share_link/get_by_anonymous", "anonymous", {"share_id": str}),
    Operation(
        "share_link/get_share_token",
        "anonymous",
        {"share_id": str, "share_pwd": str, "expire_sec": int, "check_share_pwd": bool},
    ),
    Operation("share_link/get_share_id", "anonymous", {"share_msg": str}),
    Operation(
        "file/list",
        "owner",
        {
            "drive_id": str,
            "parent_file_id": str,
            "limit": int,
            "marker": str,
            "order_by": str,
            "order_direction": str,
            "type": str,
            "category": str,
            "url_expire_sec": int,
        },
    ),
    Operation(
        "file/list",
        "share",
        {"share_id": str, "parent_file_id": str, "limit": int, "marker": str, "order_by": str},
    ),
    Operation("file/get", "owner", {"drive_id": str, "file_id": str, "url_expire_sec": int}),
    Operation("file/get", "share", {"share_id": str, "file_id": str, "url_expire_sec": int}),
    Operation(
        "file/get_download_url", "owner", {"drive_id": str, "file_id": str, "expire_sec": int}
    ),
    Operation("file/get_download_url", "share", {"share_id": str, "file_id": str}),
    Operation(
        "file/search",
        "owner",
        {"drive_id": str, "query": str, "order_by": str, "limit": int, "marker": str},
    ),
    Operation("user/get", "owner", {"user_id": str}),
    Operation("drive/list_my_drives", "owner", {"limit": int, "marker": str}),
    Operation("drive/get_default_drive", "owner", {"user_id": str}),
]


def wrong_type(value, kind: type) -> bool:
    if value is None:
        return False  # null counts as "not given"
    if kind is int:
        return isinstance(value, bool) or not isinstance(value, int)
    return not isinstance(value, kind)


def problems_of(response, field: str, value, kind: type) -> list[str]:
    """What is wrong with one answer; empty if it is a success or a proper PDS error."""
    status = response.status_code
    if status < 300:
        return [] if not wrong_type(value, kind) else [f"{status}: accepted a wrong type"]
    try:
        body = response.json()
    except ValueError:
        return [f"{status}: not JSON"]
    found = []
    if not 400 <= status < 500:
        found.append(f"{status}: not a 4xx")
    if not body.get("code") or not body.get("message"):
        found.append(f"{status}: no code or message")
    if body.get("requestId") != response.get("x-ca-request-id"):
        found.append(f"{status}: requestId differs from the x-ca-request-id header")
    if wrong_type(value, kind) and (status != 400 or field not in body.get("message", "")):
        found.append(f"{status}: a wrong type must be a 400 naming the field ({body})")
    return found


@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{op.path}-{op.auth}" for op in OPERATIONS])
def test_hostile_field_values_get_a_pds_error_never_a_500(alice, tree, operation):
    share = make_share(alice, [tree.shared], share_policy="msg", share_msg="m" * 16)
    owner_token = token_for(alice)
    share_token = share_token_of(share)
    valid = {
        "drive_id": drive_of(alice).drive_id,
        "share_id": share.share_id,
        "file_id": tree.top.file_id,
        "file_id_list": [tree.top.file_id],
        "parent_file_id": tree.shared.file_id,
        "share_msg": share.share_msg,
        "query": "name match 'top'"
        if operation.path == "file/search"
        else "share_name_for_fuzzy match 'shared'",
    }
    base = {name: valid[name] for name in operation.fields if name in valid}
    if operation.auth == "share":
        base.pop("drive_id", None)
    credentials = {
        "owner": {"token": owner_token},
        "share": {"share_token": share_token},
        "anonymous": {},
    }[operation.auth]

    problems = []
    for field, kind in operation.fields.items():
        for value in HOSTILE:
            response = call(operation.path, {**base, field: value}, **credentials)
            problems += [
                f"{field}={value!r:.40}: {problem}"
                for problem in problems_of(response, field, value, kind)
            ]

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "raw",
    [
        b"null",
        b"[]",
        b"true",
        b'"{}"',
        b"NaN",
        b"{" * 100_000,
        b'{"user_id": "a"',
        b"\xff{}",
    ],
)
def test_bodies_that_are_not_a_usable_object_get_a_pds_error(alice, raw):
    response = call("user/get", raw=raw, token=token_for(alice))

    assert 400 <= response.status_code < 500, response.content
    assert response.json()["requestId"] == response["x-ca-request-id"]
