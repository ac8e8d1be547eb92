"""A `responses` mock for suites that stub the PDS: a call with no stub fails the test.

`responses` refuses a call nothing was registered for with `requests.ConnectionError`, which
the PDS client turns into `Unavailable`, which the portal shows as its 502 page; a test
asserting that page would pass for the wrong reason. `StrictPdsMock` fails the test at the
call instead, with `pytest.fail` (a `BaseException`, which neither the client nor Django's
request handling catch), and `assert_every_call_stubbed` checks after the test in case
something swallowed it anyway. A test wanting the drive down registers a stub that fails,
e.g. `body=requests.ConnectionError(...)` or a 5xx answer.
"""

import pytest
import responses


class StrictPdsMock(responses.RequestsMock):
    """`responses.RequestsMock` failing the test on a call that matches no registered stub."""

    def __init__(self, *, assert_all_requests_are_fired: bool = False) -> None:
        super().__init__(assert_all_requests_are_fired=assert_all_requests_are_fired)
        self.unstubbed: list[str] = []

    # `_find_match` is responses' one place that decides a call is unmatched (0.26, pinned);
    # overriding it, rather than the registry, survives `reset()`, which replaces the registry.
    def _find_match(self, request):
        match, reasons = super()._find_match(request)
        if match is None:
            call = f"{request.method} {request.url}"
            self.unstubbed.append(call)
            stubs = "".join(f"\n- {stub.method} {stub.url}" for stub in self.registered())
            pytest.fail(f"PDS call with no stub registered: {call}\nRegistered:{stubs or ' none'}")
        return match, reasons

    def assert_every_call_stubbed(self) -> None:
        assert not self.unstubbed, f"PDS calls with no stub registered: {self.unstubbed}"
