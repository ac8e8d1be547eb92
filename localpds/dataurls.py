"""Signed, expiring data URLs (`url`, `download_url`, `thumbnail`) served by the `pds` process.

A data URL names a file, what to serve of it (`kind`), and until when; an HMAC over those with
the server's secret makes it unforgeable. Anyone holding the URL may fetch it until it expires,
which is what PDS's own OSS-signed URLs promise too.
"""

import hashlib
import hmac
import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

KINDS = ("download", "preview", "thumbnail")
DEFAULT_EXPIRE_SEC = 900


def _signature(file_id: str, kind: str, expires: int, file_name: str) -> str:
    key = hashlib.sha256(b"localpds.dataurl:" + settings.SECRET_KEY.encode()).digest()
    message = f"{file_id}\n{kind}\n{expires}\n{file_name}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def public_base(request: HttpRequest) -> str:
    """The absolute origin of the pds process as the caller reached it (or as configured)."""
    return settings.LOCALPDS_PUBLIC_URL or f"{request.scheme}://{request.get_host()}"


def data_url(
    request: HttpRequest,
    file_id: str,
    kind: str,
    expire_sec: int = DEFAULT_EXPIRE_SEC,
    *,
    file_name: str = "",
) -> tuple[str, int]:
    """An absolute signed URL for `kind` of `file_id`; also returns its expiry (epoch s).

    `file_name` (get_download_url's own field) replaces the stored name in the download's
    Content-Disposition; it is signed too, so nobody can rename a file through its URL.
    """
    if kind not in KINDS:
        raise ValueError(kind)
    expires = int(time.time()) + expire_sec
    params = {"e": expires, "s": _signature(file_id, kind, expires, file_name)}
    if file_name:
        params["n"] = file_name
    query = urlencode(params)
    path = reverse("localpds-data", kwargs={"file_id": file_id, "kind": kind})
    return f"{public_base(request)}{path}?{query}", expires


def verify(file_id: str, kind: str, expires: str, signature: str, file_name: str = "") -> bool:
    """Whether the signature is ours for these values and the URL has not expired."""
    try:
        expires_at = int(expires)
    except (TypeError, ValueError):
        return False
    if kind not in KINDS or expires_at < time.time():
        return False
    # As bytes: compare_digest refuses (TypeError) a str with any non-ASCII character.
    expected = _signature(file_id, kind, expires_at, file_name).encode()
    return hmac.compare_digest(expected, (signature or "").encode())
