"""The part URLs of uploads: `PUT /data/uploads/<upload_id>/<part_number>?e=...&s=...`.

What `file/create` and `file/get_upload_url` hand out (see `uploads`): whoever holds the signed,
expiring URL may PUT that one part's bytes, exactly its size, as to PDS's OSS part URLs. A
browser on one of `LOCALPDS_UPLOAD_ORIGINS` (the portal) may do so across origins: the
preflight is answered and the answer carries the CORS headers. No cookie is read or set.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from . import dataurls, selectors, uploads
from .apierrors import with_request_id
from .models import ShareLink, Upload


def _plain(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _cors(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Let an allowed page read the answer (and its ETag); every other origin gets nothing."""
    origin = request.headers.get("Origin", "")
    if origin and origin in settings.LOCALPDS_UPLOAD_ORIGINS:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Expose-Headers"] = "ETag, x-ca-request-id"
    response["Vary"] = "Origin"
    return response


def _preflight(request: HttpRequest) -> HttpResponseBase:
    response = HttpResponse(status=204)
    origin = request.headers.get("Origin", "")
    if origin in settings.LOCALPDS_UPLOAD_ORIGINS:
        response["Access-Control-Allow-Methods"] = "PUT"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "3600"
    return _cors(request, response)


@with_request_id
@csrf_exempt
def part_put(request: HttpRequest, upload_id: str, part_number: int) -> HttpResponseBase:
    """Store one part of an upload from the request body, streamed to disk."""
    if request.method == "OPTIONS":
        return _preflight(request)
    if request.method != "PUT":
        response = _plain(405, "Upload parts are sent with PUT.")
        response["Allow"] = "PUT, OPTIONS"
        return _cors(request, response)
    return _cors(request, _put(request, upload_id, part_number))


def _put(request: HttpRequest, upload_id: str, part_number: int) -> HttpResponseBase:
    if not dataurls.upload_verify(
        upload_id, part_number, request.GET.get("e", ""), request.GET.get("s", "")
    ):
        return _plain(403, "This upload link is not valid or has expired.")
    upload = selectors.first_row(Upload.objects.filter(upload_id=upload_id))
    if upload is None:
        return _plain(404, "There is no such upload, or it is finished.")
    if upload.share_id is not None:
        share = selectors.first_row(ShareLink.objects.filter(pk=upload.share_id))
        if share is None or selectors.share_state_error(share) is not None:
            return _plain(410, "The share this upload goes to is no longer available.")
        if not share.creatable:
            return _plain(403, "This share no longer accepts uploads.")
    # No Content-Length is an empty body (what WSGI servers give a chunked one as well).
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _plain(400, "The Content-Length is not a number.")
    try:
        etag = uploads.part_write(
            upload=upload, part_number=part_number, declared=declared, stream=request
        )
    except uploads.PartRefused as refused:
        return _plain(refused.status, refused.message)
    response = HttpResponse(status=200)
    response["ETag"] = etag
    return response
