"""Wire-format samples and helpers shared by the PDS client tests."""

import json

API = "https://api.pds.test"
AUTH = "https://auth.pds.test"


def url(operation: str) -> str:
    return f"{API}/v2/{operation}"


def sent_json(call) -> dict:
    """The JSON body a recorded call sent."""
    return json.loads(call.request.body)


def anonymous_share_json(**overrides) -> dict:
    """A `get_by_anonymous` answer as the OpenAPI 2022-03-01 model spells it.

    See docs/pds-api.md#anonymous-share-object.
    """
    return {
        "share_name": "Holiday photos",
        "creator_id": "u1",
        "creator_name": "Al***ce",
        "creator_phone": "136****00",
        "avatar": "https://data.pds.test/avatar.png",
        "expiration": "2030-06-28T11:33:00.000+08:00",
        "updated_at": "2024-01-02T03:04:05Z",
        "has_pwd": True,
        "disable_preview": False,
        "disable_save": False,
        "disable_download": False,
        "preview_count": 4,
        "download_count": 2,
        **overrides,
    }


def share_link_json(**overrides) -> dict:
    """A ShareLink object (docs/pds-api.md#sharelink-object)."""
    return {
        "share_id": "7JQX1FswpQ8",
        "share_name": "Holiday photos",
        "description": "",
        "share_pwd": "s3cr3t-pwd",
        "drive_id": "1",
        "file_id_list": ["a" * 40],
        "expiration": "",
        "expired": False,
        "status": "enabled",
        "creator": "u1",
        "created_at": "2024-01-02T03:04:05.123Z",
        "updated_at": "2024-01-02T03:04:05.123Z",
        "share_policy": "url",
        "share_url": "https://portal.test/s/7JQX1FswpQ8/",
        **overrides,
    }


def file_json(**overrides) -> dict:
    """A File object (docs/pds-api.md#file-object)."""
    return {
        "file_id": "b" * 40,
        "name": "beach.jpg",
        "type": "file",
        "parent_file_id": "root",
        "share_id": "7JQX1FswpQ8",
        "size": 1234,
        "content_type": "image/jpeg",
        "file_extension": "jpg",
        "category": "image",
        "created_at": "2024-01-02T03:04:05Z",
        "updated_at": "2024-01-02T03:04:05Z",
        **overrides,
    }
