"""Fixtures of the PDS client tests: a stubbed PDS and a client that records its sleeps."""

import pytest

from shareportal.pds.client import PdsClient

from ..stubbed_pds import StrictPdsMock
from .stubs import API, AUTH


# Autouse: a test that forgets to ask for the stub still cannot reach a real drive, and any
# call it makes fails it.
@pytest.fixture(autouse=True)
def pds():
    """Stubbed PDS. A call nothing was registered for fails the test, and so does a stub unused.

    The client turns connection errors into `Unavailable`, so `responses`' own refusal of an
    unknown call could pass unnoticed: `StrictPdsMock` fails the test at the call instead.
    """
    with StrictPdsMock(assert_all_requests_are_fired=True) as mock:
        yield mock
        mock.assert_every_call_stubbed()


@pytest.fixture
def sleeps() -> list[float]:
    """The delays the client asked to sleep, instead of sleeping."""
    return []


@pytest.fixture
def client(sleeps) -> PdsClient:
    return PdsClient(
        API,
        auth_endpoint=AUTH,
        connect_timeout=1.5,
        read_timeout=4.0,
        sleep=sleeps.append,
        client_id="portal",
        client_secret="client-secret-xyz",
    )
