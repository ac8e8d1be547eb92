"""The HTTP session the PDS client talks through.

Modelled on Zulip's `outgoing_http.py`: a `requests.Session` that will not send anything
without a timeout, so that no code path can leave a worker waiting on PDS forever.
"""

from typing import Any

import requests

USER_AGENT = "shareportal/0.1 (+https://github.com/shareportal; PDS client)"


class MissingTimeout(ValueError):
    """A request was about to be sent without a timeout: a programming error."""


class PdsSession(requests.Session):
    """A `requests.Session` with our User-Agent that refuses to send without a timeout.

    It does not read the environment (`trust_env`): no `HTTP(S)_PROXY`/`NO_PROXY`, `~/.netrc`
    or `REQUESTS_CA_BUNDLE`. The PDS endpoint is configured, never discovered, and a session
    that trusts the environment looks all of those up again on every call (about 50 us of CPU
    a call, a sixth of what requests costs us per call).
    """

    def __init__(self, *, user_agent: str = USER_AGENT) -> None:
        super().__init__()
        self.trust_env = False
        self.headers["User-Agent"] = user_agent

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        timeout = kwargs.get("timeout")
        if timeout is None or (isinstance(timeout, tuple) and None in timeout):
            raise MissingTimeout(f"refusing to send {request.method} without a timeout")
        return super().send(request, **kwargs)
