"""Errors of the embedded PDS's API as PDS sends them: `{"code", "message", "requestId"}`.

Every response of the `pds` process carries an `x-ca-request-id` header (docs/pds-api.md#errors);
error bodies repeat it as `requestId`. The codes and statuses are those of
docs/pds-api.md#error-codes.
"""

import logging
import uuid
from collections.abc import Callable
from functools import wraps

import orjson
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.functional import Promise

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "x-ca-request-id"


class PdsApiError(Exception):
    """A failure the API answers with its own status and code instead of a traceback."""

    def __init__(self, status: int, code: str, message: str, *, headers: dict | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def invalid_parameter(name: str, reason: str, *, code: str = "InvalidParameter") -> PdsApiError:
    """A 400 that names the offending field first, as PDS's own messages do."""
    return PdsApiError(400, code, f"The input parameter {name} is not valid. {reason}")


def missing_parameter(name: str) -> PdsApiError:
    return PdsApiError(
        400, "InvalidParameterMissing", f"The input parameter {name} is missing. It is required."
    )


def internal_error() -> PdsApiError:
    return PdsApiError(
        500, "InternalError", "The request has been failed due to some unknown error."
    )


def too_many_requests(retry_after: int, message: str) -> PdsApiError:
    """A 429 with the seconds to wait in `Retry-After` (docs/pds-api.md#error-codes)."""
    return PdsApiError(
        429,
        "TooManyRequests",
        f"{message} Retry after {retry_after} seconds.",
        headers={"Retry-After": str(retry_after)},
    )


def service_unavailable(message: str) -> PdsApiError:
    return PdsApiError(503, "ServiceUnavailable", message)


def new_request_id() -> str:
    return str(uuid.uuid4()).upper()


def _only_text(value: object) -> str:
    # A lazily translated message is text; anything else (a datetime, a Decimal) is a bug in
    # the payload: the wire's times are RFC 3339 text written by `wire.rfc3339`, not
    # whatever format an encoder would pick.
    if isinstance(value, Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON the API writes")


def json_response(payload: object, *, status: int = 200) -> HttpResponse:
    """An API answer: `payload` as JSON (UTF-8, compact).

    orjson writes a 50-item listing in a twentieth of the time of the standard library's
    encoder, which was a tenth of the drive's CPU per listing.
    """
    body = orjson.dumps(payload, default=_only_text, option=orjson.OPT_PASSTHROUGH_DATETIME)
    return HttpResponse(body, status=status, content_type="application/json")


def error_response(error: PdsApiError, request_id: str) -> HttpResponse:
    payload = {"code": error.code, "message": error.message, "requestId": request_id}
    response = json_response(payload, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    response[REQUEST_ID_HEADER] = request_id
    return response


def with_request_id(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Give every answer of a non-API view (data URLs, OAuth pages) an `x-ca-request-id`.

    Outermost, so the 405 of `require_http_methods` gets one too.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if REQUEST_ID_HEADER not in response:
            response[REQUEST_ID_HEADER] = new_request_id()
        return response

    return wrapped


def json_bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The pds process's 400 handler (a disallowed Host, an unreadable form): JSON, not HTML."""
    error = PdsApiError(400, "InvalidParameter", "The request is malformed and was not read.")
    return error_response(error, new_request_id())


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The pds process's 404 handler: a PDS-shaped JSON error instead of an HTML page."""
    error = PdsApiError(404, "NotFound", f"The resource {request.path} cannot be found.")
    return error_response(error, new_request_id())


def json_server_error(request: HttpRequest) -> HttpResponse:
    """The pds process's 500 handler (Django has already logged the exception)."""
    return error_response(internal_error(), new_request_id())
