"""The embedded PDS's `/v2/...` JSON API: share links, files, users (docs/pds-api.md).

Every operation is a `POST` of a JSON object, wrapped by `pds_operation`, which owns what all of
them share: the method, the body limit, JSON parsing, authentication, the error envelope and the
`x-ca-request-id` header. The views below only read fields and call selectors and services.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from . import archives, copies, dataurls, listing, selectors, services, throttle
from .apierrors import (
    REQUEST_ID_HEADER,
    PdsApiError,
    error_response,
    internal_error,
    invalid_parameter,
    json_response,
    missing_parameter,
    new_request_id,
)
from .models import File, ShareLink, User
from .pagination import keyset_page
from .sharetokens import (
    MAX_EXPIRE_SEC,
    TOKEN_ISSUE_FIELDS,
    share_token_issue,
    share_token_share,
    sign_in_required,
)
from .tokens import access_token_user
from .validation import Body, parse_query
from .wire import (
    ANONYMOUS_SHARE_FIELDS,
    FILE_FIELDS,
    FILE_TIMES,
    anonymous_share_wire,
    async_task_wire,
    drive_wire,
    file_wire,
    file_wirer,
    rfc3339,
    share_wire,
    user_wire,
)

logger = logging.getLogger(__name__)

Auth = Literal["owner", "share", "owner_or_share", "anonymous"]


@dataclass
class Call:
    """One authenticated API call: its body and who makes it (an owner or a share's visitor)."""

    body: Body
    user: User | None = None
    share: ShareLink | None = None

    @property
    def owner(self) -> User:
        """The owner making the call, for operations with `auth="owner"` (or not via a share)."""
        if self.user is None:
            raise RuntimeError("This call is made through a share or anonymously, not by an owner.")
        return self.user


def bearer_user(request: HttpRequest) -> User | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return access_token_user(token.strip())


def _read_body(request: HttpRequest) -> Body:
    limit = settings.LOCALPDS_MAX_BODY_BYTES
    too_big = PdsApiError(413, "EntityTooLarge", f"The request body is larger than {limit} bytes.")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise too_big
    try:
        raw = request.body
    except RequestDataTooBig:
        raise too_big from None
    if len(raw) > limit:
        raise too_big
    if not raw.strip():
        return Body({})
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        # UnicodeDecodeError is a ValueError; RecursionError comes from absurd nesting.
        data = None
    if not isinstance(data, dict):
        raise PdsApiError(
            400, "InvalidRequestJSONFormat", "The request body must be a JSON object."
        )
    return Body(data)


def _authenticate(request: HttpRequest, body: Body, auth: Auth) -> Call:
    if auth == "anonymous":
        return Call(body)
    # Through a share the body names the share and carries no drive
    # (docs/pds-api.md#authentication).
    via_share = auth == "share" or (
        auth == "owner_or_share"
        and (
            "x-share-token" in request.headers
            or (body.has("share_id") and not body.has("drive_id"))
        )
    )
    if via_share:
        share_id = body.string("share_id", required=True)
        token = request.headers.get("x-share-token", "")
        # The visitor's own Bearer token may ride along: a `require_login` share needs it
        # (docs/pds-api.md#require_login-shares), and saving into their drive names them.
        user = bearer_user(request) if "Authorization" in request.headers else None
        share = share_token_share(token=token, share_id=share_id, user=user)
        return Call(body, share=share, user=user)
    user = bearer_user(request)
    if user is None:
        raise PdsApiError(401, "AccessTokenInvalid", "AccessToken is invalid. missing or expired")
    return Call(body, user=user)


type OperationView = Callable[[HttpRequest, Call], dict | HttpResponse | None]


def pds_operation(
    *, auth: Auth, status: int = 200, writes: bool = False
) -> Callable[[OperationView], Callable[[HttpRequest], HttpResponse]]:
    """Make `view(request, call) -> payload` a PDS operation answering `status` on success.

    `writes=True` runs the view in one transaction, so a failure leaves nothing half-written.
    """

    def decorator(view: OperationView):
        @csrf_exempt
        @wraps(view)
        def operation(request: HttpRequest) -> HttpResponse:
            request_id = new_request_id()
            try:
                response = _run(request, view, auth=auth, status=status, writes=writes)
            except PdsApiError as error:
                response = error_response(error, request_id)
            except Exception:
                # Only the path and id are logged: bodies and headers may hold tokens.
                logger.exception("Unexpected error in %s (requestId %s)", request.path, request_id)
                response = error_response(internal_error(), request_id)
            response[REQUEST_ID_HEADER] = request_id
            return response

        return operation

    return decorator


def _run(request: HttpRequest, view, *, auth: Auth, status: int, writes: bool) -> HttpResponse:
    if request.method != "POST":
        raise PdsApiError(
            405,
            "MethodNotAllowed",
            f"The method {request.method} is not allowed here; use POST with a JSON body.",
            headers={"Allow": "POST"},
        )
    call = _authenticate(request, _read_body(request), auth)
    if writes:
        with transaction.atomic():
            payload = view(request, call)
    else:
        payload = view(request, call)
    if status == 204:
        return HttpResponse(status=204)
    if isinstance(payload, HttpResponse):
        # An operation whose status depends on the answer (file/copy: 201 or 202).
        return payload
    return json_response(payload, status=status)


@csrf_exempt
def unknown_path(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any `/v2/...` path that is not an operation: a JSON 404, never an HTML page."""
    error = PdsApiError(404, "InvalidResource.Path", f"The API path {request.path} does not exist.")
    return error_response(error, new_request_id())


# Shared field readers

MAX_INT64 = 2**63 - 1
SHARE_FLAGS = (
    "disable_preview",
    "disable_save",
    "disable_download",
    "require_login",
    "office_editable",
)
SHARE_LIMITS = ("preview_limit", "save_limit", "download_limit", "save_download_limit")
SHARE_COUNTERS = (
    "access_count",
    "preview_count",
    "save_count",
    "download_count",
    "report_count",
    "video_preview_count",
)


def _share_settings(body: Body, *, creating: bool) -> dict[str, Any]:
    """The share fields given in the body (docs/pds-api.md#share_linkcreate, #share_linkupdate)."""
    given: dict[str, Any] = {}
    if body.has("share_pwd"):
        given["share_pwd"] = body.password("share_pwd")
    if body.has("share_name"):
        given["share_name"] = body.string("share_name", max_len=128)
    if body.has("description"):
        given["description"] = body.string("description", max_len=1024)
    if body.has("expiration"):
        given["expiration"] = body.expiration("expiration")
    for name in SHARE_FLAGS:
        if body.has(name):
            given[name] = body.boolean(name)
    # The SDK says `enable_upload`, OpenAPI says `creatable` (docs/pds-api.md#field-spellings):
    # accept either.
    for name in ("enable_upload", "creatable"):
        if body.has(name):
            given["creatable"] = body.boolean(name)
    if body.has("creatable_file_id_list"):
        given["creatable_file_id_list"] = body.string_list("creatable_file_id_list")
    numbers = SHARE_LIMITS if creating else SHARE_LIMITS + SHARE_COUNTERS
    for name in numbers:
        if body.has(name):
            given[name] = body.integer(name, default=0, minimum=0, maximum=MAX_INT64)
    if creating:
        given["share_policy"] = body.choice(
            "share_policy", tuple(ShareLink.Policy.values), default=ShareLink.Policy.URL
        )
    elif body.has("status"):
        # Not `choice`, which reads "" as "the default": an update has none, and an empty
        # status would reach the database's check constraint as a 500.
        if body.string("status") not in ShareLink.Status.values:
            raise invalid_parameter("status", "It must be enabled or disabled.")
        given["status"] = body.string("status")
    return given


SHARE_ORDERS = {
    "share_name": str,
    "description": str,
    "created_at": datetime,
    "updated_at": datetime,
}
FILE_ORDERS = tuple(listing.ORDER_KINDS)


def _direction(body: Body, *, default: str) -> bool:
    """Whether the listing runs descending (`order_direction` ASC|DESC)."""
    direction = body.string("order_direction", default=default).upper()
    if direction not in ("ASC", "DESC"):
        raise invalid_parameter("order_direction", "It must be ASC or DESC.")
    return direction == "DESC"


def _share_page(body: Body, shares, *, total: bool = False) -> dict:
    """A page of shares by `order_by` / `order_direction` / `limit` / `marker`.

    See docs/pds-api.md#share_linklist and #share_linksearch.
    """
    order_by = body.choice("order_by", tuple(SHARE_ORDERS), default="created_at")
    # Dates run newest first unless asked otherwise; text runs A to Z
    # (docs/pds-api.md#share_linklist).
    default_direction = "DESC" if order_by in ("created_at", "updated_at") else "ASC"
    descending = _direction(body, default=default_direction)
    limit = body.integer("limit", default=100, minimum=1, maximum=100)
    items, next_marker = keyset_page(
        shares,
        key=order_by,
        kind=SHARE_ORDERS[order_by],
        descending=descending,
        marker=body.string("marker"),
        limit=limit,
    )
    page = {"items": [share_wire(share) for share in items], "next_marker": next_marker}
    if total:
        page["total_count"] = shares.count()
    return page


# Share links: the owner's side (docs/pds-api.md#share-links)


@pds_operation(auth="owner", status=201, writes=True)
def share_link_create(request: HttpRequest, call: Call) -> dict:
    body = call.body
    creator = call.owner
    if body.has("user_id"):
        creator = selectors.user_for_caller(caller=call.owner, user_id=body.string("user_id"))
    drive = selectors.drive_for_caller(
        caller=creator, drive_id=body.string("drive_id", required=True)
    )
    share_all_files = body.boolean("share_all_files")
    file_ids: list[str] = []
    default_name = drive.drive_name
    if not share_all_files:
        file_ids = body.string_list("file_id_list", min_items=1, max_items=100, required=True)
        files = {f.file_id: f for f in File.objects.filter(drive=drive, file_id__in=file_ids)}
        missing = [file_id for file_id in file_ids if file_id not in files]
        if missing:
            raise selectors.file_not_found(missing[0])
        default_name = files[file_ids[0]].name
    share = services.share_create(
        creator=creator,
        drive=drive,
        file_ids=file_ids,
        share_all_files=share_all_files,
        default_name=default_name,
        settings=_share_settings(body, creating=True),
    )
    return share_wire(share)


@pds_operation(auth="owner")
def share_link_get(request: HttpRequest, call: Call) -> dict:
    share_id = call.body.string("share_id", required=True)
    return share_wire(selectors.share_for_manager(caller=call.owner, share_id=share_id))


@pds_operation(auth="owner", writes=True)
def share_link_update(request: HttpRequest, call: Call) -> dict:
    share_id = call.body.string("share_id", required=True)
    share = selectors.share_for_manager(caller=call.owner, share_id=share_id)
    changes = _share_settings(call.body, creating=False)
    return share_wire(services.share_update(share=share, changes=changes))


@pds_operation(auth="owner", status=204, writes=True)
def share_link_cancel(request: HttpRequest, call: Call) -> None:
    share_id = call.body.string("share_id", required=True)
    services.share_cancel(share=selectors.share_for_manager(caller=call.owner, share_id=share_id))


@pds_operation(auth="owner")
def share_link_list(request: HttpRequest, call: Call) -> dict:
    creator = call.body.string("creator")
    shares = selectors.shares_visible(
        caller=call.owner,
        creators=[creator] if creator else [],
        include_cancelled=call.body.boolean("include_cancelled"),
    )
    return _share_page(call.body, shares)


@pds_operation(auth="owner")
def share_link_search(request: HttpRequest, call: Call) -> dict:
    body = call.body
    shares = selectors.shares_visible(
        caller=call.owner,
        creators=body.string_list("creators"),
        include_cancelled=body.boolean("include_cancelled"),
    )
    conditions = parse_query(body.string("query", max_len=4096))
    shares = selectors.shares_matching(shares, conditions)
    return _share_page(body, shares, total=body.boolean("return_total_count"))


# Share links: the visitor's side (docs/pds-api.md#share_linkget_by_anonymous,
# #share_linkget_share_token, #share_linkget_share_id)


@pds_operation(auth="anonymous")
def share_link_get_by_anonymous(request: HttpRequest, call: Call) -> dict:
    share = selectors.share_for_visitor(
        share_id=call.body.string("share_id", required=True),
        fields=ANONYMOUS_SHARE_FIELDS + selectors.SHARE_TOP_FIELDS,
    )
    file_count = selectors.share_top_files(share).count()
    return anonymous_share_wire(share, file_count=file_count)


@pds_operation(auth="anonymous")
def share_link_get_share_token(request: HttpRequest, call: Call) -> dict:
    body = call.body
    share = selectors.share_for_visitor(
        share_id=body.string("share_id", required=True), fields=TOKEN_ISSUE_FIELDS
    )
    given_pwd = body.string("share_pwd", max_len=64)
    # 0 or nothing means the longest life (docs/pds-api.md#share_linkget_share_token).
    expire_sec = body.integer("expire_sec", default=0, minimum=0, maximum=MAX_EXPIRE_SEC)
    expire_sec = expire_sec or MAX_EXPIRE_SEC
    # Read for everyone, so a wrong type is a 400 even when it would not matter.
    check_share_pwd = body.boolean("check_share_pwd", default=True)
    caller = bearer_user(request)
    if share.require_login and caller is None:
        raise sign_in_required()
    privileged = caller is not None and (caller.is_admin or caller.user_id == share.creator_id)
    skip_pwd = privileged and not check_share_pwd
    if share.share_pwd and not skip_pwd:
        # Not inside a transaction (no `writes=True`): the guard's counts must outlive the
        # refusal of a wrong password.
        services.share_password_check(
            share=share, password=given_pwd, address=throttle.client_address(request)
        )
    # A require_login share's token is bound to its user: it works only beside their Bearer.
    token, expires = share_token_issue(
        share=share, expire_sec=expire_sec, user=caller if share.require_login else None
    )
    services.share_count_access(share=share)
    return {
        "share_token": token,
        "expires_in": expire_sec,
        "expire_time": rfc3339(datetime.fromtimestamp(expires, UTC)),
    }


@pds_operation(auth="anonymous")
def share_link_get_share_id(request: HttpRequest, call: Call) -> dict:
    share_msg = call.body.string("share_msg", required=True, max_len=128)
    # Not inside a transaction (no `writes=True`): the guard's counts must outlive the refusal
    # of a wrong code.
    share = services.share_by_msg(share_msg=share_msg, address=throttle.client_address(request))
    # What share_for_visitor checks, on the row in hand rather than on a second read of it.
    error = selectors.share_state_error(share)
    if error is not None:
        raise error
    return {"share_id": share.share_id, "share_pwd": share.share_pwd}


# What a visitor did (docs/pds-api.md#share_linkreport_event).

EVENT_TYPES = ("share_link", "share_link_access", "media_play")


def _event_object(body: Body, name: str) -> Body:
    """The event's own object (`share_link` or `share_link_access`), required."""
    value = body.data.get(name)
    if value is None:
        raise missing_parameter(name)
    if not isinstance(value, dict):
        raise invalid_parameter(name, "It must be an object.")
    return Body(value)


@pds_operation(auth="anonymous")
def share_link_report_event(request: HttpRequest, call: Call) -> dict:
    """Count what a visitor of a share did, with the share's token in `x-share-token`.

    `share_link` events move the share's counters (a preview or a download past its limit is
    refused, in the same conditional UPDATE as `file/get_download_url` counts downloads);
    `share_link_access` counts an access; `media_play` is accepted and counts nothing.
    """
    body = call.body
    event_type = body.string("event_type", required=True)
    if event_type not in EVENT_TYPES:
        raise invalid_parameter("event_type", f"It must be one of {', '.join(EVENT_TYPES)}.")
    if event_type == "media_play":
        return {}
    event = _event_object(body, event_type)
    share_id = event.string("share_id", required=True, max_len=64)
    if event_type == "share_link":
        count = services.SHARE_EVENTS.get(event.string("sub_type", required=True))
        if count is None:
            raise invalid_parameter(
                "sub_type", f"It must be one of {', '.join(services.SHARE_EVENTS)}."
            )
    else:
        if event.string("sub_type", required=True) != "access":
            raise invalid_parameter("sub_type", "It must be access.")
        count = services.share_count_access
    token = request.headers.get("x-share-token", "")
    count(share=share_token_share(token=token, share_id=share_id))
    return {}


# Files (docs/pds-api.md#files), by their owner (drive_id) or through a share
# (share_id + x-share-token)


def _url_expire_sec(body: Body) -> int:
    return body.integer("url_expire_sec", default=900, minimum=10, maximum=14400)


@pds_operation(auth="owner_or_share")
def file_list(request: HttpRequest, call: Call) -> dict:
    """A page of a folder's items; see docs/pds-api.md#filelist."""
    body = call.body
    parent_file_id = body.string("parent_file_id", required=True)
    top_ids: frozenset[str] = frozenset()
    if call.share is not None:
        children = selectors.share_folder_children(share=call.share, parent_file_id=parent_file_id)
        top_ids = selectors.share_top_ids(call.share)
    else:
        drive = selectors.drive_for_caller(
            caller=call.owner, drive_id=body.string("drive_id", required=True)
        )
        children = selectors.folder_children(drive=drive, parent_file_id=parent_file_id)
    order_by, descending = _file_order(body)
    rows, next_marker = listing.children_page(
        **children._asdict(),
        file_type=body.choice("type", ("file", "folder", ""), default=""),
        category=body.string("category") if body.has("category") else None,
        order_by=order_by,
        descending=descending,
        marker=body.string("marker"),
        limit=_page_limit(body),
    )
    wire = file_wirer(
        signer=dataurls.Signer(request, _url_expire_sec(body)),
        share=call.share,
        top_ids=top_ids,
        url=bool(_extra_fields(body) & {"url", "*"}),
    )
    return {"items": [wire(row) for row in rows], "next_marker": next_marker}


def _extra_fields(body: Body) -> set[str]:
    """The extras a listing asks for in `fields` ("url", or "*" for all), as PDS reads it."""
    return {name.strip() for name in body.string("fields", max_len=1000).split(",")} - {""}


def _page_limit(body: Body) -> int:
    return body.integer("limit", default=50, minimum=1, maximum=100)


def _file_order(body: Body) -> tuple[str, bool]:
    """`file/list` ordering: `order_by` (default created_at) and `order_direction` (ASC)."""
    return body.choice("order_by", FILE_ORDERS, default="created_at"), _direction(
        body, default="ASC"
    )


def _search_order(body: Body) -> tuple[str, bool]:
    """`file/search` spells its order "<key> [ASC|DESC]", e.g. "created_at DESC,name ASC".

    The first key orders; file_id breaks ties, which keyset paging needs anyway.
    """
    words = body.string("order_by", default="name ASC").split(",")[0].split()
    key = words[0] if words else "name"
    direction = words[1].upper() if len(words) > 1 else "ASC"
    if key not in FILE_ORDERS or direction not in ("ASC", "DESC") or len(words) > 2:
        raise invalid_parameter(
            "order_by", f"It must be one of {', '.join(FILE_ORDERS)}, then ASC or DESC."
        )
    return key, direction == "DESC"


def _file_page(
    request: HttpRequest,
    call: Call,
    files: QuerySet[File],
    *,
    order: tuple[str, bool],
    top_ids: frozenset[str] = frozenset(),
) -> dict:
    """A page of files by `limit` / `marker` in `order`, with signed URLs.

    See docs/pds-api.md#filelist.
    """
    body = call.body
    order_by, descending = order
    kind = listing.ORDER_KINDS[order_by]
    # Dicts of the fields the wire needs: no File instances for rows only serialised. A date
    # order reads its key as a datetime too, for the marker.
    fields = FILE_FIELDS + ((order_by,) if kind is datetime else ())
    if call.share is not None:
        fields += ("id_path",)
    items, next_marker = keyset_page(
        files.values(*fields, **FILE_TIMES),
        key=order_by,
        kind=kind,
        descending=descending,
        marker=body.string("marker"),
        limit=_page_limit(body),
    )
    # One signer for the page: the key, origin, paths and expiry are worked out once.
    signer = dataurls.Signer(request, _url_expire_sec(body))
    wire = file_wirer(signer=signer, share=call.share, top_ids=top_ids)
    wired = [wire(row) for row in items]
    if call.share is not None:
        paths = selectors.share_parent_paths(
            share=call.share, id_paths={row["file_id"]: row["id_path"] for row in items}
        )
        for item in wired:
            item["parent_path"] = paths[item["file_id"]]
    return {"items": wired, "next_marker": next_marker}


def _file_for_call(call: Call) -> File:
    file_id = call.body.string("file_id", required=True)
    if call.share is not None:
        return selectors.share_file(share=call.share, file_id=file_id)
    drive = selectors.drive_for_caller(
        caller=call.owner, drive_id=call.body.string("drive_id", required=True)
    )
    return selectors.file_in_drive(drive=drive, file_id=file_id)


@pds_operation(auth="owner_or_share")
def file_get(request: HttpRequest, call: Call) -> dict:
    file = _file_for_call(call)
    signer = dataurls.Signer(request, _url_expire_sec(call.body))
    top_ids: frozenset[str] = frozenset()
    if call.share is not None:
        top_ids = selectors.share_top_ids(call.share)
    return file_wire(file, signer=signer, share=call.share, top_ids=top_ids)


@pds_operation(auth="owner_or_share")
def file_get_download_url(request: HttpRequest, call: Call) -> dict:
    file = _file_for_call(call)
    expire_sec = call.body.integer("expire_sec", default=900, minimum=1, maximum=115200)
    # The name the download is saved under (docs/pds-api.md#fileget_download_url: 1 to 1024
    # characters); "" keeps the file's.
    file_name = call.body.string("file_name", max_len=1024)
    if file.is_folder:
        raise invalid_parameter("file_id", "It names a folder; only files can be downloaded.")
    if call.share is not None:
        services.share_count_download(share=call.share)
    url, expires = dataurls.data_url(
        request, file.file_id, "download", expire_sec, file_name=file_name
    )
    return {
        "url": url,
        "expiration": rfc3339(datetime.fromtimestamp(expires, UTC)),
        "method": "GET",
        "size": file.size,
        "content_hash": file.content_hash.upper(),
        "content_hash_name": "sha1",
    }


@pds_operation(auth="owner_or_share")
def file_search(request: HttpRequest, call: Call) -> dict:
    """`file/search` in one drive with the query mini-language of `validation`.

    Through a share (`share_id` and `x-share-token`, this drive's extension) the same query
    searches the shared subtrees only, and each item says which folders of the share it is in
    (`parent_path`). See docs/pds-api.md#filesearch and #filesearch-through-a-share.
    """
    body = call.body
    conditions = parse_query(body.string("query", required=True, max_len=4096))
    if call.share is not None:
        files = selectors.share_files_matching(share=call.share, conditions=conditions)
        top_ids = selectors.share_top_ids(call.share)
    else:
        drive = selectors.drive_for_caller(
            caller=call.owner, drive_id=body.string("drive_id", required=True)
        )
        files = selectors.files_matching(drive=drive, conditions=conditions)
        top_ids = frozenset()
    page = _file_page(request, call, files, order=_search_order(body), top_ids=top_ids)
    if body.boolean("return_total_count"):
        page["total_count"] = files.count()
    return page


# Archives (docs/pds-api.md#filearchive_files, #async_taskget)

# The most items one archive may name, as share_link/create's file_id_list.
MAX_ARCHIVE_IDS = 100


def _archive_ids(body: Body) -> list[str]:
    """`file_ids`, or the SDK's `files: [{"file_id"}]` (docs/pds-api.md#field-spellings)."""
    if body.has("file_ids") or not body.has("files"):
        return body.string_list("file_ids", min_items=1, max_items=MAX_ARCHIVE_IDS, required=True)
    files = body.data["files"]
    if not isinstance(files, list) or not all(isinstance(item, dict) for item in files):
        raise invalid_parameter("files", 'It must be a list of {"file_id": ...} objects.')
    ids = Body({"files": [item.get("file_id") for item in files]})
    return ids.string_list("files", min_items=1, max_items=MAX_ARCHIVE_IDS)


def _archive_name(body: Body) -> str:
    name = body.string("name", required=True, max_len=1024).strip()
    if not name:
        raise missing_parameter("name")
    return name if name.lower().endswith(".zip") else f"{name}.zip"


@pds_operation(auth="owner_or_share", status=202, writes=True)
def file_archive_files(request: HttpRequest, call: Call) -> dict:
    """Plan a ZIP of files and folders and answer its task (docs/pds-api.md#filearchive_files)."""
    body = call.body
    file_ids, name = _archive_ids(body), _archive_name(body)
    if call.share is not None:
        task = archives.archive_create(
            file_ids=file_ids, name=name, drive_id=call.share.drive_id, share=call.share
        )
    else:
        drive = selectors.drive_for_caller(
            caller=call.owner, drive_id=body.string("drive_id", required=True)
        )
        task = archives.archive_create(
            file_ids=file_ids, name=name, drive_id=drive.pk, user=call.owner
        )
    return {"async_task_id": task.async_task_id}


@pds_operation(auth="anonymous")
def async_task_get(request: HttpRequest, call: Call) -> dict:
    """An archive's or a folder copy's task: its state and, once made, its ZIP's URL.

    See docs/pds-api.md#async_taskget.
    """
    body = call.body
    task = archives.task_for_caller(
        async_task_id=body.string("async_task_id", required=True, max_len=64),
        share_token=request.headers.get("x-share-token", ""),
        user=bearer_user(request) if "Authorization" in request.headers else None,
    )
    url = ""
    if task.kind == task.Kind.ARCHIVE and task.state in (task.State.SUCCEED, task.State.PARTIAL):
        url, _ = dataurls.archive_url(request, task.async_task_id, _url_expire_sec(body))
    return async_task_wire(task, url=url)


# Copies (docs/pds-api.md#filecopy): within the caller's drives, or out of a share into the
# visitor's own drive ("Save to my drive", with x-share-token and the user's Bearer together)


@pds_operation(auth="owner_or_share", status=201, writes=True)
def file_copy(request: HttpRequest, call: Call) -> HttpResponse | dict:
    """Copy a file (201, the new File) or a folder (202, its task) into a drive's folder."""
    body = call.body
    file_id = body.string("file_id", required=True)
    to_parent_file_id = body.string("to_parent_file_id", required=True)
    new_name = body.string("new_name", max_len=1024)
    auto_rename = body.boolean("auto_rename")
    # Through a share the target drive is named (the share's is not the visitor's); an owner's
    # copy stays in the source drive unless told otherwise.
    to_drive_id = body.string("to_drive_id", required=call.share is not None)
    if call.user is None:
        # Through a share with the share token alone: a save goes into a user's drive.
        raise sign_in_required()
    if call.share is not None:
        source = selectors.share_file(share=call.share, file_id=file_id)
    else:
        drive = selectors.drive_for_caller(
            caller=call.owner, drive_id=body.string("drive_id", required=True)
        )
        source = selectors.file_in_drive(drive=drive, file_id=file_id)
        to_drive_id = to_drive_id or drive.drive_id
    to_drive = selectors.drive_for_caller(caller=call.user, drive_id=to_drive_id)
    to_parent = copies.target_folder(drive=to_drive, parent_file_id=to_parent_file_id)
    copy, task = copies.file_copy(
        source=source,
        user=call.user,
        to_drive=to_drive,
        to_parent=to_parent,
        new_name=new_name,
        auto_rename=auto_rename,
        share=call.share,
    )
    answer = {
        "file_id": copy.file_id,
        "drive_id": to_drive.drive_id,
        "domain_id": settings.LOCALPDS_DOMAIN_ID,
    }
    if task is not None:
        return json_response(answer | {"async_task_id": task.async_task_id}, status=202)
    signer = dataurls.Signer(request, _url_expire_sec(body))
    return file_wire(copy, signer=signer) | answer | {"async_task_id": ""}


# Users and drives (docs/pds-api.md#users-and-drives)


@pds_operation(auth="owner")
def user_get(request: HttpRequest, call: Call) -> dict:
    user = selectors.user_for_caller(caller=call.owner, user_id=call.body.string("user_id"))
    drive = selectors.user_default_drive(user)
    return user_wire(user, default_drive_id=drive.drive_id if drive else "")


@pds_operation(auth="owner")
def drive_list_my_drives(request: HttpRequest, call: Call) -> dict:
    drives, next_marker = keyset_page(
        call.owner.drives.all(),
        key="created_at",
        kind=datetime,
        descending=False,
        marker=call.body.string("marker"),
        limit=call.body.integer("limit", default=100, minimum=1, maximum=100),
    )
    return {"items": [drive_wire(drive) for drive in drives], "next_marker": next_marker}


@pds_operation(auth="owner")
def drive_get_default_drive(request: HttpRequest, call: Call) -> dict:
    user = selectors.user_for_caller(caller=call.owner, user_id=call.body.string("user_id"))
    drive = selectors.user_default_drive(user)
    if drive is None:
        raise PdsApiError(404, "NotFound.Drive", f"The user {user.user_id} has no drive.")
    return drive_wire(drive)
