"""The PDS HTTP API client: the only code of the portal that speaks to PDS.

Each method is named after the SDK operation it calls and links its section of
`docs/pds-api.md`. Methods return the dataclasses of `types.py` and raise the errors of
`errors.py`; callers never see `requests`, JSON or HTTP statuses.
"""

import ipaddress
import logging
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypedDict

import orjson
import requests
import urllib3
from django.conf import settings

from . import errors, parse
from .answer_errors import error_from, request_id_of, retry_after_seconds
from .http import PdsSession, call_limits, page_budget
from .resilience import Bulkhead, CircuitBreaker, RetryBudget
from .types import (
    AnonymousShare,
    AsyncTask,
    CopyResult,
    DataHead,
    DownloadUrl,
    FileItem,
    OAuthTokens,
    Page,
    SearchHit,
    SharedByMsg,
    ShareLink,
    ShareToken,
    UploadStarted,
    User,
)

logger = logging.getLogger(__name__)

# Reads are POSTs but idempotent, so retries are decided by operation (docs/pds-api.md#retries).
# Anything not listed here (create, update, cancel, oauth/token, ...) is sent exactly once.
IDEMPOTENT_OPERATIONS = frozenset(
    {
        "share_link/get_by_anonymous",
        "share_link/get_share_token",
        "share_link/get_share_id",
        "share_link/list",
        "share_link/search",
        "share_link/get",
        "file/list",
        "file/get",
        "file/get_download_url",
        "file/search",
        "async_task/get",
        "user/get",
        "drive/list_my_drives",
        "drive/get_default_drive",
    }
)
# The `sub_type`s of a `share_link` event (docs/pds-api.md#share_linkreport_event).
SHARE_EVENTS = frozenset({"preview", "save", "download", "report", "video_preview"})
# Not 429: a rate limit asks for fewer calls, and the visitor is better told to come back
# (our 503 with its Retry-After) than kept waiting while we add to the load.
RETRY_STATUSES = frozenset({502, 503, 504})
# A visitor is waiting on every call: a Retry-After longer than this is passed on to them
# (our 503 with the drive's Retry-After) instead of being slept out inside their request.
MAX_RETRY_AFTER = 1.0
BACKOFF_BASE = 0.25
# A retry is made only if this much of the call's deadline is left after waiting for it.
MIN_RETRY_TIME = 0.5
# No answer of the API comes near this (a 100-row listing is about 100 KB); a drive sending
# more is broken, and reading on would fill the worker's memory.
MAX_ANSWER_BYTES = 8 * 1024 * 1024
# Request bodies are written by orjson (requests would use the standard library's json).
JSON_CONTENT = {"Content-Type": "application/json"}


def rfc3339(value: datetime | None) -> str:
    """An aware datetime as PDS writes times ("2020-06-28T03:33:00.000Z"); None as "" (never)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        raise ValueError("PDS times must be timezone-aware")
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _share_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Owner-supplied share fields in the wire format of create and update.

    See docs/pds-api.md#share_linkcreate and #share_linkupdate.
    """
    body = {}
    for name, value in fields.items():
        if name == "expiration" and value is None:
            body[name] = ""  # PDS's spelling of "never expires"
        elif value is None:
            continue
        elif name == "enable_upload":
            # The SDK document reads `enable_upload`; the create/update requests spell it
            # `creatable` (OpenAPI 2022-03-01), which is what PDS accepts.
            body["creatable"] = value
        elif isinstance(value, datetime):
            body[name] = rfc3339(value)
        else:
            body[name] = value
    return body


class PdsClient:
    """A client of one PDS domain, holding one reused HTTP session."""

    def __init__(
        self,
        endpoint: str,
        *,
        auth_endpoint: str | None = None,
        connect_timeout: float,
        read_timeout: float,
        deadline: float = 8.0,
        session: requests.Session | None = None,
        max_retries: int = 1,
        sleep: Callable[[float], None] = time.sleep,
        client_id: str = "",
        client_secret: str = "",
        max_concurrent_calls: int = 6,
        slot_wait: float = 0.25,
        breaker_failures: int = 5,
        breaker_cooldown: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise ValueError("the PDS endpoint must be an http(s) URL")
        self.endpoint = endpoint.rstrip("/")
        self.auth_endpoint = (auth_endpoint or endpoint).rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        # The longest one call may take, and all the calls of one page together: connecting,
        # every attempt, waits between them and the whole answer, body included (see
        # http._DeadlineSocket and http.PageBudget).
        self.deadline = deadline
        self.session = session if session is not None else PdsSession()
        self.max_retries = max_retries
        self.sleep = sleep
        self.client_id = client_id
        self.client_secret = client_secret
        self.bulkhead = Bulkhead(max_concurrent_calls, wait=slot_wait)
        self.retry_budget = RetryBudget()
        # One breaker per drive host (the API and the auth endpoint may be two).
        self.breakers: dict[str, CircuitBreaker] = {}
        # Whether the drive refused `file/search` through a share (a real PDS domain): the
        # share pages then walk the share without asking it again.
        self.share_search_refused = False
        for url in {self.endpoint, self.auth_endpoint}:
            host = urllib3.util.parse_url(url).netloc or url
            breaker = next((b for b in self.breakers.values() if b.host == host), None)
            self.breakers[url] = breaker or CircuitBreaker(
                host, failures=breaker_failures, cooldown=breaker_cooldown, clock=clock
            )

    def __repr__(self) -> str:
        return f"<PdsClient {self.endpoint}>"

    # Visitors: a share and the files inside it.

    def get_share_link_by_anonymous(self, share_id: str) -> AnonymousShare:
        """What anyone may know about a share before unlocking it.

        See docs/pds-api.md#share_linkget_by_anonymous.
        """
        data = self._call("share_link/get_by_anonymous", {"share_id": share_id})
        return parse.anonymous_share(data, share_id=share_id)

    def get_share_token(
        self,
        share_id: str,
        share_pwd: str = "",
        *,
        expire_sec: int | None = None,
        client_address: str = "",
        access_token: str = "",
    ) -> ShareToken:
        """A share token for reading a share, needed even without a password.

        See docs/pds-api.md#share_linkget_share_token. `client_address` is the visitor's,
        sent as X-Forwarded-For so that the drive's password guard counts each visitor, not
        the portal (the drive believes it when it lists us in LOCALPDS_TRUSTED_PROXIES).

        Raises SharePasswordRequired when no password was given and one is needed, and
        SharePasswordWrong when the one given is not right. A `require_login` share needs the
        signed-in user's `access_token` (docs/pds-api.md#require_login-shares).
        """
        body: dict[str, Any] = {"share_id": share_id, "share_pwd": share_pwd}
        if expire_sec is not None:
            body["expire_sec"] = expire_sec
        data = self._call(
            "share_link/get_share_token",
            body,
            password_sent=bool(share_pwd),
            forwarded_for=client_address,
            access_token=access_token,
        )
        return parse.share_token(data)

    def get_share_id(self, share_msg: str, *, client_address: str = "") -> SharedByMsg:
        """The share a share code (`share_msg`) stands for, with its password.

        See docs/pds-api.md#share_linkget_share_id. A code is a secret, so `client_address`
        (the visitor's) goes along as X-Forwarded-For for the drive's guard, as with passwords.

        Raises ShareNotFound for a code no share has, RateLimited while the drive's guard makes
        this visitor wait, and the share-state errors (ShareExpired, ...) of its share.
        """
        data = self._call(
            "share_link/get_share_id", {"share_msg": share_msg}, forwarded_for=client_address
        )
        return parse.shared_by_msg(data)

    def list_files(
        self,
        *,
        parent_file_id: str = "root",
        share_id: str = "",
        share_token: str = "",
        drive_id: str = "",
        access_token: str = "",
        marker: str = "",
        limit: int = 50,
        order_by: str = "name",
        order_direction: str = "ASC",
    ) -> Page[FileItem]:
        """One page of a folder, of a share (share id + token) or of a drive.

        See docs/pds-api.md#filelist.
        """
        body: dict[str, Any] = {
            "parent_file_id": parent_file_id,
            "limit": limit,
            "order_by": order_by,
            "order_direction": order_direction,
        }
        if marker:
            body["marker"] = marker
        scope, auth = _scope(share_id, share_token, drive_id, access_token)
        data = self._call("file/list", body | scope, **auth)
        return parse.page(data, parse.file_item)

    def get_file(
        self,
        *,
        file_id: str,
        share_id: str = "",
        share_token: str = "",
        drive_id: str = "",
        access_token: str = "",
    ) -> FileItem:
        """One file or folder, of a share or of a drive (docs/pds-api.md#fileget)."""
        scope, auth = _scope(share_id, share_token, drive_id, access_token)
        data = self._call("file/get", {"file_id": file_id} | scope, **auth)
        return parse.file_item(data)

    def get_download_url(
        self,
        *,
        file_id: str,
        share_id: str = "",
        share_token: str = "",
        drive_id: str = "",
        access_token: str = "",
        file_name: str = "",
    ) -> DownloadUrl:
        """A signed, short-lived URL to a file's bytes (docs/pds-api.md#fileget_download_url)."""
        body: dict[str, Any] = {"file_id": file_id}
        if file_name:
            body["file_name"] = file_name
        scope, auth = _scope(share_id, share_token, drive_id, access_token)
        data = self._call("file/get_download_url", body | scope, **auth)
        return parse.download_url(data)

    def search_share_files(
        self,
        *,
        share_id: str,
        share_token: str,
        query: str,
        marker: str = "",
        limit: int = 50,
        order_by: str = "name ASC",
        access_token: str = "",
    ) -> Page[SearchHit]:
        """One page of the files of a share matching `query`, with their folders in the share.

        The embedded drive's extension of `file/search`, see
        docs/pds-api.md#filesearch-through-a-share. A drive without it refuses the share (a
        real PDS domain searches owners' drives only): that refusal is `SearchUnsupported`, so
        that the share pages can walk the share instead.
        """
        body: dict[str, Any] = {
            "share_id": share_id,
            "query": query,
            "limit": limit,
            "order_by": order_by,
        }
        if marker:
            body["marker"] = marker
        if self.share_search_refused:
            # Learnt from an earlier answer: no call that the drive would refuse again.
            raise errors.SearchUnsupported("PDS does not search through a share")
        try:
            data = self._call(
                "file/search", body, share_token=share_token, access_token=access_token
            )
        except errors.PdsError as exc:
            if _share_search_refused(exc):
                self.share_search_refused = True
                raise errors.SearchUnsupported(
                    "PDS does not search through a share", code=exc.code, pds_status=exc.pds_status
                ) from exc
            raise
        return parse.page(data, parse.search_hit)

    def archive_files(
        self,
        *,
        file_ids: list[str],
        name: str,
        share_id: str = "",
        share_token: str = "",
        drive_id: str = "",
        access_token: str = "",
    ) -> str:
        """Ask PDS to make a ZIP of files and folders; returns the task to follow.

        See docs/pds-api.md#filearchive_files. It starts work (and counts a download), so it
        is never retried. Raises ArchiveTooLarge past the drive's limits.
        """
        body: dict[str, Any] = {"file_ids": list(file_ids), "name": name}
        scope, auth = _scope(share_id, share_token, drive_id, access_token)
        return parse.async_task_id(self._call("file/archive_files", body | scope, **auth))

    def get_async_task(
        self, *, async_task_id: str, share_token: str = "", access_token: str = ""
    ) -> AsyncTask:
        """Where an archive task stands, and its ZIP's URL once made.

        See docs/pds-api.md#async_taskget.
        """
        body = {"async_task_id": async_task_id}
        data = self._call(
            "async_task/get", body, share_token=share_token, access_token=access_token
        )
        return parse.async_task(data)

    def report_event(
        self, *, share_id: str, share_token: str, sub_type: str, access_token: str = ""
    ) -> None:
        """Tell PDS what a visitor of a share did, so that the share's counters move.

        See docs/pds-api.md#share_linkreport_event. `sub_type` is one of `SHARE_EVENTS`. A
        write, never retried. Raises LimitReached past the share's limit for it (`kind`
        "preview", ...), FeatureDisabled when its owner turned it off, ShareTokenInvalid.
        """
        if sub_type not in SHARE_EVENTS:
            raise ValueError(f"not a share_link event: {sub_type!r}")
        body = {
            "event_type": "share_link",
            "share_link": {"share_id": share_id, "sub_type": sub_type},
        }
        self._call(
            "share_link/report_event",
            body,
            share_token=share_token,
            access_token=access_token,
            empty_ok=True,
        )

    def read_data_head(self, url: str, *, max_bytes: int) -> DataHead:
        """The first `max_bytes` of a file, from its signed data URL on the data host.

        See docs/pds-api.md#signed-data-urls. Asked as a `Range`, read as it streams in and
        never past `max_bytes` (nor more than that on the wire), within the call's deadline;
        never retried, never redirected. The caller checks that `url` is on a trusted host.
        Raises Timeout, Unavailable, or BadResponse when the data host refuses it.
        """
        if not url.startswith(("http://", "https://")):
            raise ValueError("a data URL must be an http(s) URL")
        self.bulkhead.acquire()
        started = time.monotonic()
        deadline = page_budget.call_deadline(started + self.deadline)
        # The status line and headers come on top of the body.
        call_limits.start(deadline=deadline, max_bytes=max_bytes + 64 * 1024)
        try:
            left = deadline - started
            with self.session.get(
                url,
                headers={"Range": f"bytes=0-{max_bytes - 1}", "Accept-Encoding": "identity"},
                timeout=(min(self.timeout[0], left), min(self.timeout[1], left)),
                allow_redirects=False,
                stream=True,
            ) as response:
                _log_answer("data", response.status_code, started, request_id_of(response), 1)
                if response.status_code not in (200, 206):
                    raise errors.BadResponse(
                        "the data host refused the file", pds_status=response.status_code
                    )
                data = bytearray()
                for chunk in response.iter_content(64 * 1024):
                    data += chunk
                    if len(data) > max_bytes:
                        break
                total = _range_total(response.headers.get("Content-Range", ""))
                content_type = response.headers.get("Content-Type", "")
        except requests.RequestException as exc:
            _log_failure("data", type(exc).__name__, started, 1)
            raise _transport_error(exc, deadline)[0] from exc
        finally:
            call_limits.end()
            self.bulkhead.release()
        truncated = len(data) > max_bytes or (total is not None and total > len(data))
        return DataHead(
            data=bytes(data[:max_bytes]), truncated=truncated, content_type=content_type
        )

    def copy_file(
        self,
        *,
        file_id: str,
        to_drive_id: str,
        to_parent_file_id: str,
        share_id: str = "",
        share_token: str = "",
        drive_id: str = "",
        access_token: str = "",
        new_name: str = "",
        auto_rename: bool = True,
    ) -> CopyResult:
        """Copy a file or folder into a drive's folder; through a share, "Save to my drive".

        See docs/pds-api.md#filecopy: through a share it takes the share token and the user's
        access token together. A file is copied at once (`async_task_id` ""); a folder's copy
        is a task to follow with `get_async_task`. It writes, so it is never retried.
        """
        body: dict[str, Any] = {
            "file_id": file_id,
            "to_drive_id": to_drive_id,
            "to_parent_file_id": to_parent_file_id,
            "auto_rename": auto_rename,
        }
        if new_name:
            body["new_name"] = new_name
        scope, auth = _scope(share_id, share_token, drive_id, access_token)
        if share_id and not access_token:
            raise ValueError("saving out of a share needs the user's access token")
        return parse.copy_result(self._call("file/copy", body | scope, **auth))

    # Uploads (docs/pds-api.md#uploads). Writes: never retried.

    def create_file(
        self,
        *,
        parent_file_id: str,
        name: str,
        size: int,
        part_sizes: list[int],
        check_name_mode: str = "refuse",
        share_id: str = "",
        share_token: str = "",
        drive_id: str = "",
        access_token: str = "",
    ) -> UploadStarted:
        """Declare a file to upload and get a signed PUT URL per part.

        See docs/pds-api.md#filecreate. Raises NameTaken (with `check_name_mode="refuse"`),
        QuotaExhausted, FeatureDisabled (kind "upload": the share takes no uploads) and
        InvalidParameter (a name or size the drive refuses).
        """
        body: dict[str, Any] = {
            "parent_file_id": parent_file_id,
            "name": name,
            "type": "file",
            "size": size,
            "check_name_mode": check_name_mode,
            "part_info_list": [
                {"part_number": number, "part_size": part_size}
                for number, part_size in enumerate(part_sizes, start=1)
            ],
        }
        scope, auth = _scope(share_id, share_token, drive_id, access_token)
        return parse.upload_started(self._call("file/create", body | scope, **auth))

    def complete_file(
        self,
        *,
        file_id: str,
        upload_id: str,
        share_id: str = "",
        share_token: str = "",
        drive_id: str = "",
        access_token: str = "",
    ) -> FileItem:
        """Finish an upload whose parts are all PUT: the file exists from now on.

        See docs/pds-api.md#filecomplete.
        """
        body = {"file_id": file_id, "upload_id": upload_id}
        scope, auth = _scope(share_id, share_token, drive_id, access_token)
        return parse.file_item(self._call("file/complete", body | scope, **auth))

    # Owners: who they are and their shares.

    def get_user(self, access_token: str) -> User:
        """The signed-in user, found from the access token by `user/get {}`.

        See docs/pds-api.md#userget.
        """
        return parse.user(self._call("user/get", {}, access_token=access_token))

    def get_default_drive_id(self, access_token: str) -> str:
        """The signed-in user's own drive id, from `drive/list_my_drives`.

        See docs/pds-api.md#drivelist_my_drives.
        """
        data = self._call("drive/list_my_drives", {"limit": 100}, access_token=access_token)
        drive_id = parse.default_drive_id(data)
        if not drive_id:
            raise errors.FileNotFound("the user has no drive", code="NotFound.Drive")
        return drive_id

    def list_share_links(
        self,
        access_token: str,
        *,
        creator: str = "",
        marker: str = "",
        limit: int = 50,
        include_cancelled: bool = False,
    ) -> Page[ShareLink]:
        """One page of share links, the caller's or a named creator's.

        See docs/pds-api.md#share_linklist.
        """
        body: dict[str, Any] = {"limit": limit, "include_cancelled": include_cancelled}
        if creator:
            body["creator"] = creator
        if marker:
            body["marker"] = marker
        data = self._call("share_link/list", body, access_token=access_token)
        return parse.page(data, parse.share_link)

    def search_share_links(
        self,
        access_token: str,
        *,
        creators: list[str] | None = None,
        query: str = "",
        marker: str = "",
        limit: int = 50,
        order_by: str = "created_at",
        order_direction: str = "DESC",
    ) -> Page[ShareLink]:
        """One page of share links matching a query in PDS's search syntax.

        See docs/pds-api.md#share_linksearch.
        """
        body: dict[str, Any] = {
            "limit": limit,
            "order_by": order_by,
            "order_direction": order_direction,
        }
        if creators:
            body["creators"] = list(creators)
        if query:
            body["query"] = query
        if marker:
            body["marker"] = marker
        data = self._call("share_link/search", body, access_token=access_token)
        return parse.page(data, parse.share_link)

    def get_share_link(self, access_token: str, share_id: str) -> ShareLink:
        """One share link as its owner sees it, password included.

        See docs/pds-api.md#share_linkget.
        """
        data = self._call("share_link/get", {"share_id": share_id}, access_token=access_token)
        return parse.share_link(data)

    def create_share_link(self, access_token: str, **fields: Any) -> ShareLink:
        """A new share link (docs/pds-api.md#share_linkcreate).

        `expiration` is a datetime or None (never).
        """
        data = self._call("share_link/create", _share_fields(fields), access_token=access_token)
        return parse.share_link(data)

    def update_share_link(self, access_token: str, share_id: str, **fields: Any) -> ShareLink:
        """Change the fields given of a share link, `status` included.

        See docs/pds-api.md#share_linkupdate.
        """
        body = {"share_id": share_id} | _share_fields(fields)
        data = self._call("share_link/update", body, access_token=access_token)
        return parse.share_link(data)

    def cancel_share_link(self, access_token: str, share_id: str) -> None:
        """End a share link for good (docs/pds-api.md#share_linkcancel); PDS answers 204 or `{}`."""
        self._call(
            "share_link/cancel", {"share_id": share_id}, access_token=access_token, empty_ok=True
        )

    # OAuth 2.0 (docs/pds-api.md#oauth): form-encoded, to the auth endpoint, never retried.

    def oauth_token_by_code(
        self, *, code: str, redirect_uri: str, code_verifier: str
    ) -> OAuthTokens:
        """Exchange an authorization code (with its PKCE verifier) for tokens.

        See docs/pds-api.md#oauthtoken.
        """
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        return parse.oauth_tokens(self._call("oauth/token", form=form | self._client_auth()))

    def oauth_refresh(self, *, refresh_token: str) -> OAuthTokens:
        """New tokens from a refresh token; PDS rotates the refresh token too.

        See docs/pds-api.md#oauthtoken.
        """
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return parse.oauth_tokens(self._call("oauth/token", form=form | self._client_auth()))

    def _client_auth(self) -> dict[str, str]:
        auth = {"client_id": self.client_id}
        if self.client_secret:
            auth["client_secret"] = self.client_secret
        return auth

    # Transport.

    def _call(
        self,
        operation: str,
        body: dict[str, Any] | None = None,
        *,
        form: dict[str, str] | None = None,
        share_token: str = "",
        access_token: str = "",
        password_sent: bool = False,
        empty_ok: bool = False,
        forwarded_for: str = "",
    ) -> dict[str, Any]:
        """POST one operation within its deadline and return the JSON object.

        The host's circuit breaker and the process's bulkhead may refuse the call before it is
        sent (`CircuitOpen`, `NoSlot`: 503s). An idempotent operation may be retried once,
        within the retry budget and the deadline (docs/pds-api.md#retries).
        """
        endpoint = self.auth_endpoint if form is not None else self.endpoint
        url = f"{endpoint}/v2/{operation}"
        headers = {"Accept": "application/json"}
        if share_token:
            headers["x-share-token"] = share_token
        if access_token:
            headers["Authorization"] = f"Bearer {access_token}"
        if _is_ip(forwarded_for):
            headers["X-Forwarded-For"] = forwarded_for
        breaker = self.breakers[endpoint]
        breaker.check()
        self.bulkhead.acquire()
        try:
            deadline = page_budget.call_deadline(time.monotonic() + self.deadline)
            self.retry_budget.deposit()
            retries = self.max_retries if operation in IDEMPOTENT_OPERATIONS else 0
            attempt = 0
            while True:
                attempt += 1
                try:
                    return self._attempt(
                        operation,
                        url,
                        attempt,
                        deadline=deadline,
                        breaker=breaker,
                        json=body if form is None else None,
                        form=form,
                        headers=headers,
                        password_sent=password_sent,
                        share_auth=bool(share_token),
                        empty_ok=empty_ok,
                    )
                except _Retryable as failed:
                    wait = failed.wait
                    if attempt > retries or not self._may_retry(breaker, deadline, wait):
                        raise failed.error from failed.__cause__
                    self.sleep(wait)
        finally:
            self.bulkhead.release()

    def _may_retry(self, breaker: CircuitBreaker, deadline: float, wait: float) -> bool:
        """Whether a failed attempt may be tried again after `wait` seconds."""
        if breaker.is_open or deadline - time.monotonic() - wait < MIN_RETRY_TIME:
            return False
        return self.retry_budget.withdraw()

    def _attempt(
        self,
        operation: str,
        url: str,
        attempt: int,
        *,
        deadline: float,
        breaker: CircuitBreaker,
        json: dict[str, Any] | None,
        form: dict[str, str] | None,
        headers: dict[str, str],
        password_sent: bool,
        share_auth: bool,
        empty_ok: bool,
    ) -> dict[str, Any]:
        """Send one attempt; its JSON, or an error (wrapped in `_Retryable` if one may follow)."""
        started = time.monotonic()
        left = deadline - started
        if left <= 0:
            raise errors.Timeout("PDS did not answer in time")
        call_limits.start(deadline=deadline, max_bytes=MAX_ANSWER_BYTES)
        try:
            response = self.session.post(
                url,
                data=form if json is None else orjson.dumps(json),
                headers=headers if json is None else headers | JSON_CONTENT,
                timeout=(min(self.timeout[0], left), min(self.timeout[1], left)),
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            _log_failure(operation, type(exc).__name__, started, attempt)
            breaker.failed()
            error, retryable = _transport_error(exc, deadline)
            if retryable:
                raise _Retryable(error, _backoff(attempt)) from exc
            raise error from exc
        finally:
            call_limits.end()

        status = response.status_code
        request_id = request_id_of(response)
        _log_answer(operation, status, started, request_id, attempt)
        if 200 <= status < 300:
            try:
                data = _json_body(response, request_id=request_id, empty_ok=empty_ok)
            except errors.BadResponse:
                breaker.failed()
                raise
            breaker.succeeded()
            return data
        if status >= 500:
            breaker.failed()
        else:
            breaker.succeeded()
        if 300 <= status < 400:
            raise errors.BadResponse(
                f"PDS answered a redirect ({status})", pds_status=status, request_id=request_id
            )
        error = error_from(response, password_sent=password_sent, share_auth=share_auth)
        if status in RETRY_STATUSES:
            wait = _retry_delay(response, attempt)
            if wait is not None:
                raise _Retryable(error, wait)
        raise error


class _Retryable(Exception):
    """An attempt failed in a way another attempt may cure, after `wait` seconds."""

    def __init__(self, error: errors.PdsError, wait: float) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait


def _transport_error(
    exc: requests.RequestException, deadline: float
) -> tuple[errors.PdsError, bool]:
    """The error a failed send stands for, and whether another attempt may cure it.

    A refused or reset connection, or a connect timeout, is worth another attempt (of a read:
    `_call` never repeats a write). Running out of time, while waiting for the answer or reading
    its body (which requests reports as a connection error), is a `Timeout`, never repeated:
    PDS may still be working, and the visitor would wait twice.
    """
    if call_limits.too_large:
        return errors.BadResponse("PDS sent an answer larger than any answer should be"), False
    if isinstance(exc, requests.ConnectTimeout):
        return errors.Timeout("PDS could not be reached in time"), True
    if time.monotonic() >= deadline or _timed_out(exc):
        return errors.Timeout("PDS did not answer in time"), False
    return errors.Unavailable("PDS could not be reached"), True


def _timed_out(exc: BaseException) -> bool:
    """Whether a timeout is behind `exc` (requests wraps one in a body read as ConnectionError)."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, TimeoutError | requests.Timeout | urllib3.exceptions.TimeoutError):
            return True
        nested = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = nested or seen.__cause__ or seen.__context__
    return False


def _share_search_refused(exc: errors.PdsError) -> bool:
    """Whether PDS refused `file/search` because it does not search shares at all.

    Without the extension PDS wants `drive_id` and a Bearer token: it names a field other than
    ours (`query`, `marker`), asks for an access token, refuses the permission, or has no such
    path. A refused share token, a bad query or a drive that is down are still what they are.
    """
    if isinstance(exc, errors.InvalidParameter):
        return exc.field not in ("query", "marker", "limit", "order_by")
    if isinstance(exc, errors.FeatureDisabled):
        return False
    if isinstance(exc, (errors.AccessTokenInvalid, errors.NoPermission)):
        return True
    if isinstance(exc, errors.FileNotFound):
        return exc.code not in ("NotFound.File", "")  # e.g. InvalidResource.Path
    return exc.pds_status in (405, 501)


class _Credentials(TypedDict, total=False):
    share_token: str
    access_token: str


def _scope(
    share_id: str, share_token: str, drive_id: str, access_token: str
) -> tuple[dict[str, str], _Credentials]:
    """The body field and credentials of a file call: a share (with its token) or a drive.

    Through a share PDS wants `share_id` and `x-share-token` and ignores `drive_id`
    (docs/pds-api.md#files); an access token may ride along for shares that require sign-in.
    """
    if share_id:
        if drive_id:
            raise ValueError("a file call names a share or a drive, not both")
        if not share_token:
            raise ValueError("reading a share needs its share token")
        return {"share_id": share_id}, {"share_token": share_token, "access_token": access_token}
    if drive_id:
        if not access_token:
            raise ValueError("reading a drive needs an access token")
        return {"drive_id": drive_id}, {"access_token": access_token}
    raise ValueError("a file call needs a share_id or a drive_id")


def _is_ip(value: str) -> bool:
    """Only an address goes into X-Forwarded-For: never a header's worth of anything else."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _json_body(response: requests.Response, *, request_id: str, empty_ok: bool) -> dict[str, Any]:
    if empty_ok and not response.content.strip():
        return {}
    try:
        # orjson reads a 50-item listing in a third of the standard library's time. It
        # refuses what PDS never sends (NaN, integers beyond 64 bits, nesting past 1,024)
        # with a ValueError, like any other malformed body.
        data = orjson.loads(response.content)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise errors.BadResponse(
            "PDS answered something other than a JSON object",
            pds_status=response.status_code,
            request_id=request_id,
        )
    return data


def _range_total(content_range: str) -> int | None:
    """The whole size in `Content-Range: bytes 0-99/1234`, or None when it is not said."""
    total = content_range.rpartition("/")[2].strip()
    return int(total) if total.isascii() and total.isdigit() and len(total) < 19 else None


def _backoff(attempt: int) -> float:
    """Exponential backoff with jitter: about 0.25 s, then 0.5 s, never above the cap."""
    ceiling = min(MAX_RETRY_AFTER, BACKOFF_BASE * 2 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _retry_delay(response: requests.Response, attempt: int) -> float | None:
    """How long to wait before retrying this answer, or None when PDS asks for too long."""
    retry_after = retry_after_seconds(response)
    if retry_after is None:
        return _backoff(attempt)
    if retry_after > MAX_RETRY_AFTER:
        return None
    return float(retry_after)


# Log lines name the operation, never its URL query, body or headers: those carry share ids
# with passwords, tokens, codes and client secrets.
def _log_answer(operation: str, status: int, started: float, request_id: str, attempt: int) -> None:
    level = logging.INFO if status < 500 else logging.WARNING
    logger.log(
        level,
        "pds %s status=%s duration_ms=%d request_id=%s attempt=%d",
        operation,
        status,
        (time.monotonic() - started) * 1000,
        request_id or "-",
        attempt,
    )


def _log_failure(operation: str, failure: str, started: float, attempt: int) -> None:
    logger.warning(
        "pds %s failed=%s duration_ms=%d attempt=%d",
        operation,
        failure,
        (time.monotonic() - started) * 1000,
        attempt,
    )


_client_lock = threading.Lock()
_client: tuple[tuple, PdsClient] | None = None


def get_client() -> PdsClient:
    """The process's one PDS client, rebuilt only when its settings change (as tests do)."""
    global _client
    key = (
        settings.PDS_API_ENDPOINT,
        settings.PDS_AUTH_ENDPOINT,
        settings.PDS_CONNECT_TIMEOUT,
        settings.PDS_READ_TIMEOUT,
        settings.PDS_OAUTH_CLIENT_ID,
        settings.PDS_OAUTH_CLIENT_SECRET,
        settings.PDS_DEADLINE,
        settings.PDS_MAX_CONCURRENT_CALLS,
        settings.PDS_SLOT_WAIT,
        settings.PDS_BREAKER_FAILURES,
        settings.PDS_BREAKER_COOLDOWN,
    )
    with _client_lock:
        if _client is None or _client[0] != key:
            if _client is not None:
                _client[1].session.close()
            (endpoint, auth_endpoint, connect_timeout, read_timeout, client_id, secret) = key[:6]
            client = PdsClient(
                endpoint,
                auth_endpoint=auth_endpoint or None,
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                client_id=client_id,
                client_secret=secret,
                deadline=settings.PDS_DEADLINE,
                max_concurrent_calls=settings.PDS_MAX_CONCURRENT_CALLS,
                slot_wait=settings.PDS_SLOT_WAIT,
                breaker_failures=settings.PDS_BREAKER_FAILURES,
                breaker_cooldown=settings.PDS_BREAKER_COOLDOWN,
            )
            _client = (key, client)
        return _client[1]


def forget_client() -> None:
    """Drop the process's client, its breakers and budgets with it (tests start afresh)."""
    global _client
    with _client_lock:
        if _client is not None:
            _client[1].session.close()
        _client = None
