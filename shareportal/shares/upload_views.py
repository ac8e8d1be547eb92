"""The upload endpoints of a share's pages: small JSON POSTs that `static/js/upload.js` makes.

`POST /s/<share_id>/upload/` asks the drive for an upload and answers the part URLs the
browser PUTs the bytes to (straight to the drive's data host); `POST .../upload/complete/`
finishes it. Both are CSRF-protected (the drop zone carries the token) and answer JSON
`{"code", "error"}` with a clear message and the right status when anything is refused; the
share token stays in the session or the shared cache, never in an answer (`uploads`).
"""

import json
import logging
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shareportal.pds import errors
from shareportal.pds.ids import is_file_id

from . import uploads
from .selectors import ShareFacts
from .services import share_facts_get

logger = logging.getLogger(__name__)

type JsonView = Callable[..., JsonResponse]


def _refusal(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "error": message}, status=status)


def _pds_refusal(exc: errors.PdsError) -> JsonResponse:
    """What the visitor is told when the drive refuses or fails (docs/pds-api.md#filecreate)."""
    if isinstance(exc, errors.NameTaken):
        return _refusal(409, "name_taken", _("A file of this name is already in the folder."))
    if isinstance(exc, errors.QuotaExhausted):
        return _refusal(
            403, "quota", _("The owner's drive is full: there is no room for this file.")
        )
    if isinstance(exc, errors.FeatureDisabled):
        return _refusal(403, "closed", _("This share no longer accepts uploads."))
    if isinstance(exc, errors.ShareNotFound | errors.ShareCancelled | errors.ShareExpired):
        return _refusal(410, "gone", _("This share is no longer available."))
    if isinstance(exc, errors.ShareForbidden):
        return _refusal(403, "gone", _("This share is no longer available."))
    if isinstance(exc, errors.SharePasswordRequired | errors.ShareTokenInvalid):
        return _refusal(
            403, "locked", _("Your access expired: reload the page and enter the password again.")
        )
    if isinstance(exc, errors.InvalidParameter):
        if exc.field == "size":
            return _refusal(400, "too_big", _("This file is larger than the drive accepts."))
        if exc.field == "name":
            return _refusal(400, "bad_name", _("The drive cannot store a file of this name."))
        return _refusal(400, "refused", _("The drive refused this file."))
    if isinstance(exc, errors.NoPermission):
        return _refusal(403, "folder", _("Files cannot be uploaded into this folder."))
    if isinstance(exc, errors.FileNotFound):
        return _refusal(404, "not_found", _("This folder or upload no longer exists."))
    errors.log_if_drive_failed(exc)
    return _refusal(
        exc.status if exc.status >= 500 else 502,
        "unavailable",
        _("The drive is not answering right now. Try again in a moment."),
    )


def _json_upload(view: JsonView) -> JsonView:
    """A POST of a JSON object to an upload endpoint of a share that accepts uploads."""

    @never_cache
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, *, share_id: str) -> JsonResponse:
        try:
            data = json.loads(request.body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return _refusal(400, "bad_request", _("The request was not understood."))
        try:
            facts = share_facts_get(share_id=share_id)
            if not facts.enable_upload:
                return _refusal(403, "closed", _("This share does not accept uploads."))
            return view(request, facts, data)
        except errors.PdsError as exc:
            return _pds_refusal(exc)

    return wrapper


def _name_problem(name: object) -> str:
    """Why the drive could not store a file of this name ("" if it could)."""
    if not isinstance(name, str) or not name.strip():
        return _("The file has no name.")
    if len(name) > uploads.MAX_NAME_LENGTH:
        return _("The file's name is too long.")
    if "/" in name or "\x00" in name or name in (".", ".."):
        return _("The drive cannot store a file of this name.")
    return ""


@_json_upload
def upload_start(request: HttpRequest, facts: ShareFacts, data: dict) -> JsonResponse:
    """Start uploading one file: its reference and the signed URL of each part."""
    name, size, folder = data.get("name"), data.get("size"), data.get("folder") or "root"
    problem = _name_problem(name)
    if problem:
        return _refusal(400, "bad_name", problem)
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        return _refusal(400, "bad_request", _("The file's size was not given."))
    if size > uploads.MAX_SIZE:
        return _refusal(400, "too_big", _("This file is larger than the drive accepts."))
    if folder != "root" and not (isinstance(folder, str) and is_file_id(folder)):
        return _refusal(404, "not_found", _("This folder or upload no longer exists."))
    try:
        started = uploads.upload_start(
            request=request,
            facts=facts,
            folder_id=folder,
            name=str(name),
            size=size,
            rename=data.get("rename") is True,
        )
    except uploads.UntrustedUploadHost:
        logger.warning("Refused upload URLs outside PDS_DATA_ORIGINS (share %s)", facts.share_id)
        return _refusal(502, "unavailable", _("The drive gave an upload address we do not trust."))
    return JsonResponse({"ref": started.ref, "name": started.name, "parts": started.parts})


@_json_upload
def upload_complete(request: HttpRequest, facts: ShareFacts, data: dict) -> JsonResponse:
    """Finish one file once all its parts are PUT: it is in the listing from now on."""
    ref = data.get("ref")
    if not isinstance(ref, str) or not ref:
        return _refusal(400, "bad_request", _("The request was not understood."))
    file = uploads.upload_finish(request=request, facts=facts, ref=ref)
    return JsonResponse({"name": file.name, "file_id": file.file_id, "size": file.size})
