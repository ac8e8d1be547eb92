"""Serving file contents behind signed data URLs (see `dataurls`).

`/data/<file_id>/<kind>?e=<expiry>&s=<signature>` streams a file's contents (`download`,
`preview`) or its JPEG thumbnail (`thumbnail`), with the headers a browser, a download manager
and a video player expect: `ETag`, `Last-Modified`, `Accept-Ranges` and single `Range` requests.
"""

import re
import time
import unicodedata
from pathlib import Path, PurePath
from typing import BinaryIO
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_http_methods

from . import archives, dataurls
from .apierrors import with_request_id
from .models import File, ShareLink
from .selectors import share_state_error
from .storage import BIDI_CONTROLS, blob_path
from .thumbnails import thumbnail_path

# Stored files are untrusted: anything a browser could run (HTML, SVG, XML, scripts) must not
# run in the pds origin. `sandbox` gives the document a unique opaque origin with scripts off.
# Only PDF is spared, because Chrome refuses to show a sandboxed PDF at all and a PDF's scripts
# run inside the viewer, not in our origin.
SANDBOX_POLICY = "sandbox"
UNSANDBOXED_TYPES = {"application/pdf"}
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$", re.ASCII)
# Past any file's size; a longer number is read as this instead of overflowing int().
_BEYOND_ANY_SIZE = 10**18


def _plain(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def content_disposition(disposition: str, name: str) -> str:
    """An RFC 6266 header value that carries any name: UTF-8 `filename*` plus an ASCII fallback."""
    name = "".join(
        ch for ch in name.translate(BIDI_CONTROLS) if unicodedata.category(ch) != "Cc"
    ).strip()
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    # Only plain printable ASCII in the quoted fallback: no quote, backslash or percent sign
    # (some clients percent-decode `filename`).
    fallback = re.sub(r'[^\x20-\x7e]|["\\%]', "_", fallback).strip()
    if not fallback.strip("._ "):
        extension = PurePath(fallback).suffix
        fallback = f"download{extension}"
    value = f'{disposition}; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


class _Slice:
    """A read-only window of `length` bytes of an open file, for streaming one range."""

    def __init__(self, handle: BinaryIO, start: int, length: int) -> None:
        handle.seek(start)
        self._handle = handle
        self._left = length

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        size = self._left if size < 0 else min(size, self._left)
        chunk = self._handle.read(size)
        self._left -= len(chunk)
        return chunk

    def close(self) -> None:
        self._handle.close()


def _byte_number(digits: str) -> int:
    """A Range number; int() refuses more than 4,300 digits, so huge ones are capped."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else _BEYOND_ANY_SIZE


def _byte_range(header: str, size: int) -> tuple[int, int] | str | None:
    """The (first, last) byte of a single-range `Range` header.

    None means "serve the whole file" (no header, a syntax we ignore, or several ranges);
    the string "unsatisfiable" means no byte of the file is in the range.
    """
    match = _RANGE.match(header.strip().replace(" ", ""))
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        suffix = _byte_number(last)
        if suffix == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - suffix), size - 1
    start = _byte_number(first)
    if last and _byte_number(last) < start:
        return None
    if start >= size:
        return "unsatisfiable"
    return start, min(_byte_number(last), size - 1) if last else size - 1


def _serve(
    request: HttpRequest,
    *,
    path: Path,
    content_type: str,
    disposition: str,
    etag: str,
    last_modified: float,
    expires: int,
) -> HttpResponseBase:
    size = path.stat().st_size
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(last_modified),
        "Cache-Control": f"private, max-age={max(0, expires - int(time.time()))}",
        "Accept-Ranges": "bytes",
    }
    if content_type not in UNSANDBOXED_TYPES:
        headers["Content-Security-Policy"] = SANDBOX_POLICY

    conditional = get_conditional_response(request, etag=etag, last_modified=int(last_modified))
    if conditional is not None:
        for key, value in headers.items():
            conditional.headers[key] = value
        return conditional

    byte_range = None
    range_header = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range", "")
    # If-Range: the client has part of an older version; send it the whole new one instead.
    if range_header and (not if_range or if_range in (etag, headers["Last-Modified"])):
        byte_range = _byte_range(range_header, size)
    if byte_range == "unsatisfiable":
        response: HttpResponseBase = _plain(416, "The requested range is not within the file.")
        response.headers["Content-Range"] = f"bytes */{size}"
        for key, value in headers.items():
            response.headers[key] = value
        return response

    status, start, length = 200, 0, size
    if isinstance(byte_range, tuple):
        first, last = byte_range
        status, start, length = 206, first, last - first + 1
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"

    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type=content_type)
    else:
        response = FileResponse(
            _Slice(path.open("rb"), start, length), status=status, content_type=content_type
        )
    response.headers["Content-Length"] = str(length)
    response.headers["Content-Disposition"] = disposition
    for key, value in headers.items():
        response.headers[key] = value
    return response


def _served_type(file: File) -> str:
    content_type = file.content_type or "application/octet-stream"
    # Browsers guess a legacy encoding for text without a charset; our text is UTF-8 nearly
    # always, and a wrong guess only garbles, it never runs anything.
    if content_type.startswith("text/") and "charset" not in content_type:
        content_type += "; charset=utf-8"
    return content_type


@with_request_id
@require_http_methods(["GET", "HEAD"])
def data(request: HttpRequest, file_id: str, kind: str) -> HttpResponseBase:
    """Serve `kind` of a file to whoever holds a valid, unexpired signed URL for it."""
    expires = request.GET.get("e", "")
    name = request.GET.get("n", "")
    if not dataurls.verify(file_id, kind, expires, request.GET.get("s", ""), name):
        return _plain(403, "This link is not valid or has expired.")
    # [:1], not .first(): file_id is the primary key, so no ORDER BY is needed.
    file = next(iter(File.objects.filter(file_id=file_id, type=File.Type.FILE)[:1]), None)
    if file is None:
        return _plain(404, "There is no such file.")

    if kind == "thumbnail":
        path = thumbnail_path(file)
        if path is None:
            return _plain(404, "This file has no thumbnail.")
        return _serve(
            request,
            path=path,
            content_type="image/jpeg",
            disposition=content_disposition("inline", f"{PurePath(file.name).stem}.jpg"),
            etag=f'"{file.content_hash.lower()}-thumbnail"',
            last_modified=file.updated_at.timestamp(),
            expires=int(expires),
        )

    path = blob_path(file)
    if not path.is_file():
        return _plain(404, "The contents of this file are missing.")
    content_type = _served_type(file)
    response = _serve(
        request,
        path=path,
        content_type=content_type,
        disposition=content_disposition(
            "attachment" if kind == "download" else "inline", name or file.name
        ),
        etag=f'"{file.content_hash.lower()}"',
        last_modified=file.updated_at.timestamp(),
        expires=int(expires),
    )
    if kind == "preview" and content_type in UNSANDBOXED_TYPES:
        _framable_by_portal(response)
    return response


def _framable_by_portal(response: HttpResponseBase) -> None:
    """Let the portal's preview page show this PDF in its `<iframe>`, and no other site.

    Only PDF previews: everything else is sandboxed and never framed by the portal.
    """
    parts = urlsplit(settings.LOCALPDS_PORTAL_URL)
    policy = dict(settings.SECURE_CSP)
    policy["frame-ancestors"] = [f"{parts.scheme}://{parts.netloc}"]
    response._csp_config = policy  # type: ignore[attr-defined]  # read by Django's CSP middleware
    response.xframe_options_exempt = True  # type: ignore[attr-defined]  # XFrameOptionsMiddleware


@with_request_id
@require_http_methods(["GET", "HEAD"])
def archive(request: HttpRequest, async_task_id: str) -> HttpResponseBase:
    """Stream the ZIP of an archive task to whoever holds its valid, unexpired signed URL.

    Built from the task's plan as it is sent (zipstream-ng): memory stays flat whatever its
    size, and its length is known, so it is sent with Content-Length. No ranges: a ZIP made
    on the fly is asked for again rather than resumed.
    """
    if not dataurls.archive_verify(
        async_task_id, request.GET.get("e", ""), request.GET.get("s", "")
    ):
        return _plain(403, "This link is not valid or has expired.")
    task = archives.task_live(async_task_id)
    if task is None or task.state not in (task.State.SUCCEED, task.State.PARTIAL):
        return _plain(404, "There is no such archive, or it has expired.")
    if task.share_id is not None:
        share = next(iter(ShareLink.objects.filter(pk=task.share_id)[:1]), None)
        if share is None or share_state_error(share) is not None:
            return _plain(410, "The share this archive came from is no longer available.")
    try:
        stream = archives.zip_stream(task)
    except FileNotFoundError:
        return _plain(410, "Files of this archive changed since it was asked for; ask again.")
    if request.method == "HEAD":
        response: HttpResponseBase = HttpResponse(content_type="application/zip")
    else:
        response = StreamingHttpResponse(stream, content_type="application/zip")
    response.headers["Content-Length"] = str(len(stream))
    response.headers["Content-Disposition"] = content_disposition("attachment", task.name)
    response.headers["Accept-Ranges"] = "none"
    response.headers["Cache-Control"] = "private, no-store"
    return response
