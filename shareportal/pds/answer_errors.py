"""What a failed PDS answer means: its error code (first) and HTTP status (second) as a typed error.

See `docs/pds-api.md#error-codes` for the codes.
"""

import math
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypedDict

import requests

from . import errors

# Share-state codes whose meaning is fixed whatever the status.
_EXACT = {
    "NotFound.ShareLink": errors.ShareNotFound,
    "ShareLink.Cancelled": errors.ShareCancelled,
    "ShareLink.Expired": errors.ShareExpired,
    "ShareLink.Forbidden": errors.ShareForbidden,
    "AccessTokenInvalid": errors.AccessTokenInvalid,
    "AccessTokenExpired": errors.AccessTokenInvalid,
    "TokenExpired": errors.AccessTokenInvalid,
    "ForbiddenNoPermission": errors.NoPermission,
    "Forbidden": errors.NoPermission,
    # The embedded drive's own code for an archive past its limits (docs/pds-api.md).
    "ArchiveTooLarge": errors.ArchiveTooLarge,
}
# Codes of a failing service: what they mean is in the status (a 503 is `Busy`).
_FAULT_CODES = frozenset({"InternalError", "ServiceUnavailable"})
_RATE_LIMIT_CODES = ("TooManyRequests", "Throttling", "ParamFlowException")

# "The input parameter share_pwd is not valid." and the other documented message templates.
_FIELD_IN_MESSAGE = re.compile(r"\bparameter\s*[:=]?\s*[\"'`]?([A-Za-z_][\w.\[\]]*)", re.I)
_NOT_A_FIELD = frozenset({"is", "are", "was", "not", "the", "a", "an", "value", "of"})
# The longest wait we pass on. A larger Retry-After (or a date years ahead) is as good as "a
# day" to a visitor, and unbounded values overflow the dates we show and send.
MAX_RETRY_AFTER_SECONDS = 24 * 60 * 60


def field_from_message(message: str) -> str:
    """The parameter a PDS `InvalidParameter*` message names, or ""."""
    match = _FIELD_IN_MESSAGE.search(message)
    if not match or match.group(1).lower() in _NOT_A_FIELD:
        return ""
    return match.group(1)


def retry_after_seconds(response: requests.Response) -> int | None:
    """`Retry-After` as whole seconds (from a delay or an HTTP date), None when absent or bad.

    At most a day: see MAX_RETRY_AFTER_SECONDS.
    """
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    # isdigit() alone accepts "²" and other digits int() refuses, and int() refuses more than
    # 4,300 digits; anything that long is over the cap anyway.
    if value.isascii() and value.isdigit():
        seconds = int(value) if len(value) < 10 else MAX_RETRY_AFTER_SECONDS
        return min(seconds, MAX_RETRY_AFTER_SECONDS)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = math.ceil((when - datetime.now(UTC)).total_seconds())
    return min(max(0, seconds), MAX_RETRY_AFTER_SECONDS)


def _kind(code: str, suffix: str) -> str:
    """`ShareLink.SaveDownloadLimitExceeded` -> "save_download"."""
    name = code.removeprefix("ShareLink.").removesuffix(suffix)
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class _Common(TypedDict):
    """What every `errors.PdsError` is given besides its message."""

    code: str
    pds_status: int | None
    request_id: str


def error_from(
    response: requests.Response, *, password_sent: bool = False, share_auth: bool = False
) -> errors.PdsError:
    """The typed error a non-2xx PDS answer stands for.

    `password_sent` tells a missing password from a wrong one; `share_auth` says the call used a
    share token, so that an unexplained 401 means that token rather than an access token.
    """
    status = response.status_code
    body = _json_object(response)
    # Service errors carry {"code", "message", "requestId"}; the OAuth endpoint answers with
    # RFC 6749's {"error", "error_description"}; the API gateway in front of a real PDS domain
    # answers with no body and x-ca-error-* headers instead.
    code = str(body.get("code") or body.get("Code") or "")
    message = str(body.get("message") or body.get("Message") or "")
    if not code and body.get("error"):
        return _oauth_error(body, status=status, request_id=_request_id(response, body))
    if not code:
        code = response.headers.get("x-ca-error-code", "")
        message = message or response.headers.get("x-ca-error-message", "")
    common: _Common = {
        "code": code,
        "pds_status": status,
        "request_id": _request_id(response, body),
    }

    if code in _EXACT:
        return _EXACT[code](message, **common)
    if code in _FAULT_CODES:
        error = _from_status(
            status, message, share_auth=share_auth, response=response, common=common
        )
        if isinstance(error, errors.Unavailable):
            return error
        return errors.Unavailable(message, **common)
    if code == "InvalidResource.SharePwd":
        wrong = errors.SharePasswordWrong if password_sent else errors.SharePasswordRequired
        return wrong(message, **common)
    if "ShareLinkTokenInvalid" in code or code == "ShareTokenInvalid":
        return errors.ShareTokenInvalid(message, **common)
    if code.startswith("ShareLink.") and code.endswith("LimitExceeded"):
        return errors.LimitReached(message, kind=_kind(code, "LimitExceeded"), **common)
    if code.startswith("ShareLink.") and code.endswith("Disabled"):
        return errors.FeatureDisabled(message, kind=_kind(code, "Disabled"), **common)
    if code.startswith("AlreadyExist"):
        return errors.NameTaken(message, **common)
    if code.startswith("QuotaExhausted"):
        return errors.QuotaExhausted(message, **common)
    if code == "SharelinkCreateExceedDailyLimit":
        return errors.LimitReached(message, kind="create", **common)
    if code.startswith(("ForbiddenNoPermission.", "Forbidden.")):
        return errors.NoPermission(message, **common)
    if code.startswith("NotFound"):
        return errors.FileNotFound(message, **common)
    if code.startswith(("InvalidParameter", "InvalidRequestJSONFormat")):
        return errors.InvalidParameter(message, field=field_from_message(message), **common)
    if code.startswith(_RATE_LIMIT_CODES) or status == 429:
        return errors.RateLimited(message, retry_after=retry_after_seconds(response) or 1, **common)
    return _from_status(status, message, share_auth=share_auth, response=response, common=common)


def _from_status(
    status: int,
    message: str,
    *,
    share_auth: bool,
    response: requests.Response,
    common: _Common,
) -> errors.PdsError:
    """The error for a code we do not know (or no code at all), by HTTP status alone."""
    if status == 401:
        if share_auth:
            return errors.ShareTokenInvalid(message, **common)
        return errors.AccessTokenInvalid(message, **common)
    if status == 403:
        return errors.NoPermission(message, **common)
    if status == 404:
        return errors.FileNotFound(message, **common)
    if status == 504:
        return errors.Timeout(message or "PDS timed out", **common)
    if status == 503:
        # Passed on with the drive's Retry-After; without one, a few seconds.
        wait = retry_after_seconds(response)
        busy = errors.Busy(message or "PDS is unavailable for now", **common)
        if wait is not None:
            busy.retry_after = max(1, wait)
        return busy
    if status >= 500:
        return errors.Unavailable(message or f"PDS answered {status}", **common)
    return errors.PdsError(message or f"PDS answered {status}", **common)


def _oauth_error(body: dict, *, status: int, request_id: str) -> errors.PdsError:
    code = str(body["error"])
    message = str(body.get("error_description") or "")
    kind = errors.AccessTokenInvalid if code == "invalid_grant" else errors.PdsError
    return kind(message, code=code, pds_status=status, request_id=request_id)


def _json_object(response: requests.Response) -> dict:
    try:
        body = response.json()
    except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        return {}
    return body if isinstance(body, dict) else {}


def _request_id(response: requests.Response, body: dict) -> str:
    return str(
        response.headers.get("x-ca-request-id")
        or body.get("requestId")
        or body.get("RequestId")
        or body.get("request_id")
        or ""
    )


def request_id_of(response: requests.Response) -> str:
    """The request id PDS gave this answer, from the header or (for errors) the body."""
    return _request_id(response, {}) or _request_id(response, _json_object(response))
