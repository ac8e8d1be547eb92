"""The upload operations of the `/v2/...` API: `file/create`, `file/get_upload_url`,
`file/list_uploaded_parts` and `file/complete` (docs/pds-api.md#uploads).

By an owner (`drive_id` and a Bearer token) or through a share that accepts uploads
(`share_id` and `x-share-token`, as the JS SDK's tests upload). The work is in `uploads`.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest

from . import dataurls, selectors, uploads
from .api import Call, pds_operation
from .models import Drive, Upload
from .wire import file_wire, rfc3339


def _drive(call: Call) -> Drive | None:
    if call.share is not None:
        return None
    return selectors.drive_for_caller(
        caller=call.owner, drive_id=call.body.string("drive_id", required=True)
    )


def _upload(call: Call) -> Upload:
    return uploads.upload_for_caller(body=call.body, share=call.share, user=call.user)


def _common(upload: Upload) -> dict:
    return {
        "domain_id": settings.LOCALPDS_DOMAIN_ID,
        "drive_id": str(upload.drive_id),
        "file_id": upload.file_id,
        "upload_id": upload.upload_id,
    }


@pds_operation(auth="owner_or_share", status=201, writes=True)
def file_create(request: HttpRequest, call: Call) -> dict:
    """Declare a file and get its part URLs (docs/pds-api.md#filecreate)."""
    upload = uploads.upload_create(
        body=call.body, share=call.share, user=call.user, drive=_drive(call)
    )
    answer = _common(upload) | {
        "parent_file_id": upload.parent_id or "root",
        "type": "file",
        "file_name": upload.name,
        "status": "uploading",
        "rapid_upload": False,
        "exist": False,
        "location": "local",
        "part_info_list": uploads.part_urls(request, upload),
    }
    if call.share is not None:
        answer["share_id"] = call.share.share_id
    return answer


@pds_operation(auth="owner_or_share")
def file_get_upload_url(request: HttpRequest, call: Call) -> dict:
    """Fresh part URLs for an unfinished upload (docs/pds-api.md#fileget_upload_url)."""
    upload = _upload(call)
    numbers = uploads.requested_parts(call.body, upload)
    return _common(upload) | {
        "create_at": rfc3339(upload.created_at),
        "part_info_list": uploads.part_urls(request, upload, numbers),
    }


@pds_operation(auth="owner_or_share")
def file_list_uploaded_parts(request: HttpRequest, call: Call) -> dict:
    """The parts of an upload that arrived whole (docs/pds-api.md#filelist_uploaded_parts)."""
    upload = _upload(call)
    marker = call.body.integer("part_number_marker", default=0, minimum=0)
    limit = call.body.integer("limit", default=1000, minimum=1, maximum=1000)
    parts = [part for part in uploads.parts_uploaded(upload) if part.part_number > marker]
    page, rest = parts[:limit], parts[limit:]
    return _common(upload) | {
        "parallel_upload": False,
        "uploaded_parts": [
            {"part_number": part.part_number, "part_size": part.part_size, "etag": part.etag}
            for part in page
        ],
        "next_part_number_marker": str(page[-1].part_number) if rest else "",
    }


@pds_operation(auth="owner_or_share", writes=True)
def file_complete(request: HttpRequest, call: Call) -> dict:
    """Assemble the parts: the file exists from now on (docs/pds-api.md#filecomplete)."""
    file = uploads.upload_complete(upload=_upload(call))
    signer = dataurls.Signer(request)
    top_ids = selectors.share_top_ids(call.share) if call.share is not None else frozenset()
    answer = file_wire(file, signer=signer, share=call.share, top_ids=top_ids)
    answer["status"] = "available"
    answer["upload_id"] = call.body.string("upload_id")
    answer["completed_at"] = rfc3339(datetime.now(UTC))
    return answer
