"""The HTTP session the PDS client talks through.

Modelled on Zulip's `outgoing_http.py`: a `requests.Session` that will not send anything
without a timeout, so that no code path can leave a worker waiting on PDS forever.

A timeout alone is not enough: `requests` applies its read timeout to each receive, so a drive
that sends a byte every few seconds holds a thread for as long as it likes (a 385 s page was
measured). The session's connections therefore read through `_DeadlineSocket`, which before
each receive shortens the socket's timeout to what is left of the current call's deadline
(`call_limits`, set by the client around each attempt) and counts the bytes received: the
status line, headers and body together can neither outlast the deadline nor grow without end.
It costs a clock read and a `settimeout` per receive (a few per answer), no thread.
"""

import io
import socket
import threading
import time
from typing import Any

import requests
from django.core.signals import request_finished, request_started
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

USER_AGENT = "shareportal/0.1 (+https://github.com/shareportal; PDS client)"


class MissingTimeout(ValueError):
    """A request was about to be sent without a timeout: a programming error."""


class PdsSession(requests.Session):
    """A `requests.Session` with our User-Agent that refuses to send without a timeout.

    Its connections honour the deadline and size limit of the current call (`call_limits`).

    It does not read the environment (`trust_env`): no `HTTP(S)_PROXY`/`NO_PROXY`, `~/.netrc`
    or `REQUESTS_CA_BUNDLE`. The PDS endpoint is configured, never discovered, and a session
    that trusts the environment looks all of those up again on every call (about 50 us of CPU
    a call, a sixth of what requests costs us per call).
    """

    def __init__(self, *, user_agent: str = USER_AGENT) -> None:
        super().__init__()
        self.trust_env = False
        self.headers["User-Agent"] = user_agent
        self.mount("http://", DeadlineAdapter())
        self.mount("https://", DeadlineAdapter())

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        timeout = kwargs.get("timeout")
        if timeout is None or (isinstance(timeout, tuple) and None in timeout):
            raise MissingTimeout(f"refusing to send {request.method} without a timeout")
        return super().send(request, **kwargs)


class CallLimits(threading.local):
    """The limits of the drive call this thread is making: read by its connection's socket.

    A pooled connection serves one thread at a time, so a thread-local is the current call's.
    `deadline` is a `time.monotonic()` value, 0 for none (a call made outside the client).
    """

    deadline = 0.0
    max_bytes = 0  # 0: no limit
    received = 0
    too_large = False

    def start(self, *, deadline: float, max_bytes: int) -> None:
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.received = 0
        self.too_large = False

    def end(self) -> None:
        self.deadline = 0.0
        self.max_bytes = 0


call_limits = CallLimits()


class PageBudget(threading.local):
    """When the drive calls of the page this thread is answering must all be done by.

    A page may make several calls (the share's facts, a token, the listing); each on its own
    deadline, a drive answering each just in time would hold the visitor for several. Django's
    `request_started` opens a page (its first call sets the deadline, `PdsClient._call`) and
    `request_finished` closes it; outside a request (a command, a shell) each call has its own.
    """

    open = False
    deadline: float | None = None

    def started(self, **kwargs: Any) -> None:
        self.open = True
        self.deadline = None

    def finished(self, **kwargs: Any) -> None:
        self.open = False
        self.deadline = None

    def call_deadline(self, own: float) -> float:
        """The deadline of a call whose own deadline is `own`: the page's, if it ends first."""
        if not self.open:
            return own
        if self.deadline is None:
            self.deadline = own
            return own
        return min(own, self.deadline)


page_budget = PageBudget()
request_started.connect(page_budget.started, dispatch_uid="shareportal.pds.page_started")
request_finished.connect(page_budget.finished, dispatch_uid="shareportal.pds.page_finished")


class AnswerTooLarge(OSError):
    """The drive sent more bytes than any answer of the API needs."""


class _DeadlineSocket:
    """A connected socket whose receives end at the current call's deadline.

    Everything but receiving is the socket's own (`__getattr__`); http.client reads the status
    line, headers and body through `makefile`, which is rebuilt here on `recv_into` below.
    """

    __slots__ = ("_sock",)

    def __init__(self, sock: socket.socket) -> None:
        self._sock: Any = sock  # a plain or a TLS socket

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)

    def recv_into(self, buffer: Any, *args: Any) -> int:
        limits = call_limits
        if limits.deadline:
            left = limits.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the PDS call ran out of time")
            self._sock.settimeout(left)
        received = self._sock.recv_into(buffer, *args)
        if limits.max_bytes:
            limits.received += received
            if limits.received > limits.max_bytes:
                limits.too_large = True
                raise AnswerTooLarge("the PDS answer is larger than any answer should be")
        return received

    def makefile(self, mode: str = "r", buffering: int | None = None, **kwargs: Any) -> Any:
        if mode != "rb":
            return self._sock.makefile(mode, buffering, **kwargs)
        # What socket.makefile does, on this object: the socket's close() waits for the file.
        self._sock._io_refs += 1
        raw = socket.SocketIO(self, "rb")  # type: ignore[arg-type]
        return io.BufferedReader(raw, buffering or io.DEFAULT_BUFFER_SIZE)


class _DeadlineHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        self.sock = _DeadlineSocket(self.sock)


class _DeadlineHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()  # the TLS socket: the deadline applies to what it decrypts too
        self.sock = _DeadlineSocket(self.sock)


class _DeadlineHTTPPool(HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _DeadlineHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter, its pools making connections that honour `call_limits`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _DeadlineHTTPPool,
            "https": _DeadlineHTTPSPool,
        }
