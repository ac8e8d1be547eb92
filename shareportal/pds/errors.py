"""Typed errors of the PDS client. Views catch these; they never see HTTP or JSON.

See `docs/pds-api.md#error-codes` for the codes each one stands for. Each class says
with `status` the HTTP status of the portal's own answer when it cannot go on: the one home
of that rule, for the share pages and the dashboard alike. PDS's own status, which may differ,
is kept in `pds_status` for the logs.
"""

import logging

logger = logging.getLogger(__name__)


class PdsError(Exception):
    """Any failure talking to PDS. `code` is PDS's error code when it sent one."""

    status = 502  # Bad Gateway: the drive failed us, not the visitor.
    # Seconds to wait before trying again, when the drive said so (only RateLimited knows).
    retry_after: int | None = None

    def __init__(
        self,
        message: str = "",
        *,
        code: str = "",
        pds_status: int | None = None,
        request_id: str = "",
    ) -> None:
        super().__init__(message or code or self.__class__.__name__)
        self.message = message
        self.code = code
        self.pds_status = pds_status
        self.request_id = request_id


# The share itself
class ShareNotFound(PdsError):
    """404 NotFound.ShareLink: no share with that id."""

    status = 404


class ShareCancelled(PdsError):
    """ShareLink.Cancelled: the owner cancelled the share."""

    status = 410


class ShareExpired(PdsError):
    """ShareLink.Expired: the share is past its expiration."""

    status = 410


class ShareForbidden(PdsError):
    """ShareLink.Forbidden: the share is disabled."""

    status = 403


class SharePasswordRequired(PdsError):
    """InvalidResource.SharePwd with no password given: the share needs one."""

    status = 403


class SharePasswordWrong(PdsError):
    """InvalidResource.SharePwd with a password given: it was not the right one."""

    status = 403


class ShareTokenInvalid(PdsError):
    """401 ShareLinkTokenInvalid: get a new share token."""

    status = 403


# The owner
class AccessTokenInvalid(PdsError):
    """401 AccessTokenInvalid (or AccessTokenExpired): refresh or sign in again."""

    status = 403


class NoPermission(PdsError):
    """403 ForbiddenNoPermission / Forbidden: the caller may not see or change this."""

    status = 403


class FileNotFound(PdsError):
    """404 NotFound.File (or any other NotFound.*)."""

    status = 404


class LimitReached(PdsError):
    """403 ShareLink.*LimitExceeded. `kind` is "download", "preview" or "save"."""

    status = 403

    def __init__(self, message: str = "", *, kind: str = "", **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.kind = kind


class InvalidParameter(PdsError):
    """400 InvalidParameter*: PDS refused a field. `field` names it when PDS did."""

    status = 400

    def __init__(self, message: str = "", *, field: str = "", **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.field = field


class ArchiveTooLarge(InvalidParameter):
    """400 ArchiveTooLarge: the ZIP asked for passes the drive's size or count limit.

    A request for too much, so pages that do not handle it say so as for any bad input.
    """


class RateLimited(PdsError):
    """429 TooManyRequests. `retry_after` is in seconds."""

    status = 503

    retry_after: int

    def __init__(self, message: str = "", *, retry_after: int = 1, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class Unavailable(PdsError):
    """PDS could not be reached or failed: connection error, timeout, or a 5xx."""

    status = 502


class Timeout(Unavailable):
    """PDS did not answer within the call's deadline (or a connect timeout)."""

    status = 504


class Busy(Unavailable):
    """503: the drive said it cannot serve us now, or the portal will not add to its load.

    Passed on to the visitor as our 503 with `Retry-After` (the drive's, when it sent one),
    never slept out inside their request.
    """

    status = 503

    retry_after: int

    def __init__(self, message: str = "", *, retry_after: int = 5, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class CircuitOpen(Busy):
    """The drive failed call after call: the portal does not ask it again for a moment."""


class NoSlot(Busy):
    """Every drive slot of this process is held by calls already waiting on the drive."""


class BadResponse(PdsError):
    """PDS answered something that is not the documented shape (bad JSON, missing fields)."""

    status = 502


class FeatureDisabled(NoPermission):
    """403 ShareLink.DownloadDisabled / PreviewDisabled / SaveDisabled: the owner turned it off.

    `kind` is "download", "preview" or "save".
    """

    def __init__(self, message: str = "", *, kind: str = "", **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.kind = kind


class NameTaken(PdsError):
    """409 AlreadyExist.File: the folder already has a file of that name (`check_name_mode`
    `refuse`). Upload it again with `auto_rename` to keep both."""

    status = 409


class QuotaExhausted(PdsError):
    """QuotaExhausted.Drive: the owner's drive has no room left for the file."""

    status = 403


class SearchUnsupported(PdsError):
    """The drive refused `file/search` through a share: a real PDS domain, which offers it to
    owners only (docs/pds-api.md#filesearch-through-a-share). The share pages walk the share's
    folders instead; nothing about the visitor's request is wrong.
    """

    status = 501


# Failures of the drive itself, as opposed to its answers: a transport error, a timeout, a 5xx,
# an answer that is not the documented shape, or the portal shielding a failing drive. A stale
# page may stand in for these (shares.stale), never for an answer such as a 4xx: a cancel, an
# expiry or a password change must win at once.
DRIVE_FAILURES: tuple[type[PdsError], ...] = (Unavailable, BadResponse)


def log_if_drive_failed(exc: PdsError) -> None:
    """Log an error that is the drive's fault, with the request id to look it up by.

    A visitor's or an owner's own mistake (a 4xx of ours) is not the operator's concern, and a
    drive that asks us to slow down (RateLimited) is doing its job. Calls the portal itself
    refused (CircuitOpen, NoSlot) were not sent: the breaker logs once when it opens.
    """
    if exc.status >= 500 and not isinstance(exc, RateLimited | CircuitOpen | NoSlot):
        logger.warning(
            "PDS failed: %s code=%s status=%s request id %s",
            type(exc).__name__,
            exc.code or "-",
            exc.pds_status or "-",
            exc.request_id or "-",
        )
