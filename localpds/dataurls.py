"""Signed, expiring data URLs (`url`, `download_url`, `thumbnail`) served by the `pds` process.

A data URL names a file, what to serve of it (`kind`), and until when; an HMAC over those with
the server's secret makes it unforgeable. Anyone holding the URL may fetch it until it expires,
which is what PDS's own OSS-signed URLs promise too.

Listings sign a URL or two per item, so the per-URL work is kept to one HMAC: the key is
derived from SECRET_KEY once per process (`_hmac_base`, keyed on the secret so a changed
setting takes effect), and a `Signer` works out the origin, the path around the file id and
the expiry once per request.
"""

import hashlib
import hmac
import re
import time
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

KINDS = ("download", "preview", "thumbnail")
DEFAULT_EXPIRE_SEC = 900
# Ids `reverse()` would put in a path unchanged (what the `str` converter and `quote` keep);
# anything else goes through `reverse()` itself, so the URL is the same either way.
_PLAIN_ID = re.compile(r"[A-Za-z0-9_.~-]+", re.ASCII)
_ID_PLACEHOLDER = "FILEID"


@lru_cache(maxsize=4)
def _hmac_base(secret: str) -> "hmac.HMAC":
    """An HMAC-SHA256 keyed for data URLs; `.copy()` it per message (the pads are computed)."""
    key = hashlib.sha256(b"localpds.dataurl:" + secret.encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def _signature(file_id: str, kind: str, expires: int, file_name: str) -> str:
    """The HMAC of one data URL: what it names, serves and until when, and the download name."""
    mac = _hmac_base(settings.SECRET_KEY).copy()
    mac.update(f"{file_id}\n{kind}\n{expires}\n{file_name}".encode())
    return mac.hexdigest()


def public_base(request: HttpRequest) -> str:
    """The absolute origin of the pds process as the caller reached it (or as configured)."""
    return settings.LOCALPDS_PUBLIC_URL or f"{request.scheme}://{request.get_host()}"


class Signer:
    """Signed URLs of one request: one origin, one expiry, one path pattern per kind."""

    def __init__(self, request: HttpRequest, expire_sec: int = DEFAULT_EXPIRE_SEC) -> None:
        self.request = request
        self.expires = int(time.time()) + expire_sec
        # Worked out at the first URL, as before: a page of folders reads no host at all.
        self._base: str | None = None
        self._paths: dict[str, tuple[str, str]] = {}

    def _path(self, file_id: str, kind: str) -> str:
        if self._base is None:
            self._base = public_base(self.request)
        around = self._paths.get(kind)
        if around is None:
            path = reverse("localpds-data", kwargs={"file_id": _ID_PLACEHOLDER, "kind": kind})
            head, _, tail = path.rpartition(_ID_PLACEHOLDER)
            around = self._paths[kind] = (self._base + head, tail)
        if _PLAIN_ID.fullmatch(file_id):
            return f"{around[0]}{file_id}{around[1]}"
        path = reverse("localpds-data", kwargs={"file_id": file_id, "kind": kind})
        return self._base + path

    def url(self, file_id: str, kind: str, *, file_name: str = "") -> str:
        """An absolute signed URL for `kind` of `file_id`, expiring at `self.expires`."""
        if kind not in KINDS:
            raise ValueError(kind)
        signature = _signature(file_id, kind, self.expires, file_name)
        if file_name:
            query = urlencode({"e": self.expires, "s": signature, "n": file_name})
        else:
            # What urlencode writes for these two: digits and hex need no quoting.
            query = f"e={self.expires}&s={signature}"
        return f"{self._path(file_id, kind)}?{query}"


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
    signer = Signer(request, expire_sec)
    return signer.url(file_id, kind, file_name=file_name), signer.expires


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


# Archives (`archives`) are signed like files, under a kind no file URL can carry.
ARCHIVE_KIND = "archive"


def archive_url(request: HttpRequest, async_task_id: str, expire_sec: int) -> tuple[str, int]:
    """An absolute signed URL of an archive task's ZIP; also returns its expiry (epoch s)."""
    expires = int(time.time()) + expire_sec
    signature = _signature(async_task_id, ARCHIVE_KIND, expires, "")
    path = reverse("localpds-archive", kwargs={"async_task_id": async_task_id})
    return f"{public_base(request)}{path}?e={expires}&s={signature}", expires


def archive_verify(async_task_id: str, expires: str, signature: str) -> bool:
    """Whether an archive URL's signature is ours and it has not expired."""
    try:
        expires_at = int(expires)
    except (TypeError, ValueError):
        return False
    if expires_at < time.time():
        return False
    expected = _signature(async_task_id, ARCHIVE_KIND, expires_at, "").encode()
    return hmac.compare_digest(expected, (signature or "").encode())


# Upload parts (`uploads`) are signed like files, under a kind no file URL can carry, over the
# upload and the part's number: a URL puts the bytes of that one part only.
UPLOAD_KIND = "upload"


def upload_url(request: HttpRequest, upload_id: str, part_number: int, expires: int) -> str:
    """An absolute signed URL to PUT one part of an upload to, valid until `expires` (epoch s)."""
    signature = _signature(f"{upload_id}/{part_number}", UPLOAD_KIND, expires, "")
    path = reverse(
        "localpds-upload-part", kwargs={"upload_id": upload_id, "part_number": part_number}
    )
    return f"{public_base(request)}{path}?e={expires}&s={signature}"


def upload_verify(upload_id: str, part_number: int, expires: str, signature: str) -> bool:
    """Whether a part URL's signature is ours and it has not expired."""
    try:
        expires_at = int(expires)
    except (TypeError, ValueError):
        return False
    if expires_at < time.time():
        return False
    expected = _signature(f"{upload_id}/{part_number}", UPLOAD_KIND, expires_at, "").encode()
    return hmac.compare_digest(expected, (signature or "").encode())
