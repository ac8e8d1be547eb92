"""One reused session per client, one client per process, and no request without a timeout."""

import pytest

from shareportal.pds.client import PdsClient, get_client
from shareportal.pds.http import MissingTimeout, PdsSession

from .stubs import API, url


@pytest.mark.parametrize("timeout", [None, (1.0, None), (None, 1.0)])
def test_the_session_refuses_to_send_without_a_timeout(pds, timeout):
    session = PdsSession()

    with pytest.raises(MissingTimeout):
        session.post(url("user/get"), json={}, timeout=timeout)

    assert len(pds.calls) == 0


def test_every_call_carries_the_configured_timeouts_and_our_user_agent(client, pds):
    pds.post(url("user/get"), json={"user_id": "u1"})

    client.get_user("at")

    request = pds.calls[0].request
    assert request.req_kwargs["timeout"] == (1.5, 4.0)
    assert request.headers["User-Agent"].startswith("shareportal/")


def test_calls_ignore_proxies_and_credentials_from_the_environment(client, pds, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NETRC", "/nonexistent/netrc")
    pds.post(url("user/get"), json={"user_id": "u1"})

    client.get_user("at")

    request = pds.calls[0].request
    assert not request.req_kwargs["proxies"]
    assert request.headers["Authorization"] == "Bearer at"


class CountingSession(PdsSession):
    def __init__(self) -> None:
        super().__init__()
        self.sent = 0

    def send(self, request, **kwargs):
        self.sent += 1
        return super().send(request, **kwargs)


def test_a_client_sends_every_call_through_its_one_session(pds):
    session = CountingSession()
    client = PdsClient(API, connect_timeout=1, read_timeout=2, session=session)
    pds.post(url("user/get"), json={"user_id": "u1"})
    pds.post(url("share_link/get_share_token"), json={"share_token": "t"})

    client.get_user("at")
    client.get_share_token("S1234")

    assert session.sent == 2
    assert client.session is session


def test_a_client_builds_its_own_timeout_enforcing_session_when_given_none():
    client = PdsClient(API, connect_timeout=1, read_timeout=2)

    assert isinstance(client.session, PdsSession)


def test_the_process_has_one_client_built_from_the_settings(settings, pds):
    settings.PDS_API_ENDPOINT = "https://one.pds.test"
    settings.PDS_AUTH_ENDPOINT = "https://one-auth.pds.test"
    settings.PDS_CONNECT_TIMEOUT = 2.5
    settings.PDS_READ_TIMEOUT = 7.0
    settings.PDS_OAUTH_CLIENT_ID = "portal-1"
    settings.PDS_OAUTH_CLIENT_SECRET = "secret-1"
    pds.post("https://one.pds.test/v2/user/get", json={"user_id": "u1"})
    pds.post("https://one-auth.pds.test/v2/oauth/token", json={"access_token": "a"})

    first = get_client()
    first.get_user("at")
    first.oauth_refresh(refresh_token="rt")

    assert get_client() is first
    assert get_client().session is first.session
    assert pds.calls[0].request.req_kwargs["timeout"] == (2.5, 7.0)
    assert "client_id=portal-1" in pds.calls[1].request.body
    assert "client_secret=secret-1" in pds.calls[1].request.body


def test_the_client_is_rebuilt_when_its_settings_change(settings):
    settings.PDS_API_ENDPOINT = "https://one.pds.test"
    first = get_client()

    settings.PDS_API_ENDPOINT = "https://two.pds.test"
    second = get_client()

    assert second is not first
    assert second.endpoint == "https://two.pds.test"
    assert get_client() is second


def test_an_endpoint_that_is_not_http_is_refused():
    with pytest.raises(ValueError):
        PdsClient("ftp://pds.test", connect_timeout=1, read_timeout=1)
