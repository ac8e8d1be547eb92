"""Dashboard tests talk to a PDS stubbed at its wire format, through the real client."""

import pytest

from shareportal.accounts import session as auth
from shareportal.pds.client import get_client

from ..stubbed_pds import StrictPdsMock
from .stubs import (
    API,
    AUTHORIZE,
    CLIENT_SECRET,
    REDIRECT_URI,
    query_of,
    tokens_json,
    url,
    user_json,
)


@pytest.fixture(autouse=True)
def _dashboard_settings(settings):
    settings.PDS_API_ENDPOINT = API
    settings.PDS_AUTH_ENDPOINT = API
    settings.PDS_OAUTH_AUTHORIZE_URL = AUTHORIZE
    settings.PDS_OAUTH_REDIRECT_URI = REDIRECT_URI
    settings.PDS_OAUTH_CLIENT_ID = "shareportal"
    settings.PDS_OAUTH_CLIENT_SECRET = CLIENT_SECRET
    settings.PUBLIC_BASE_URL = "http://testserver"


# Autouse: a test that forgets to ask for the stub still cannot reach a real drive, and any
# call it makes fails it.
@pytest.fixture(autouse=True)
def pds(monkeypatch):
    """The stubbed PDS: register answers on it; a call to anything unregistered fails."""
    with StrictPdsMock() as rsps:
        monkeypatch.setattr(get_client(), "sleep", lambda seconds: None)
        # A refused refresh waits for a parallel request's tokens; here nobody else runs.
        monkeypatch.setattr(auth, "pause", lambda seconds: None)
        yield rsps
        rsps.assert_every_call_stubbed()


def sign_in(client, pds, *, role="user", user_id="u-owner", next_url="", **tokens):
    """Sign in through the real flow: sign-in page, the drive's redirect back, the callback."""
    path = "/dashboard/signin/" + (f"?next={next_url}" if next_url else "")
    start = client.get(path)
    state = query_of(start["Location"])["state"]
    token = pds.post(url("oauth/token"), json=tokens_json(user_id=user_id, role=role, **tokens))
    user = pds.post(url("user/get"), json=user_json(user_id=user_id, role=role))
    done = client.get("/dashboard/oauth/callback/", {"state": state, "code": "code-1"})
    assert done.status_code == 302, done.content
    # Later answers of the same operations are the test's own.
    pds.remove(token)
    pds.remove(user)
    pds.calls.reset()
    return done


@pytest.fixture
def owner(client, pds):
    """A client signed in as a regular user."""
    sign_in(client, pds)
    return client


@pytest.fixture
def admin(client, pds):
    """A client signed in as a drive administrator."""
    sign_in(client, pds, role="admin", user_id="u-admin")
    return client
