"""Shared set-up for the OAuth tests: a drive user, a registered client, and the flow's steps."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib.auth.hashers import make_password
from django.test import Client

from localpds.models import Drive, OAuthClient, User

AUTHORIZE = "/v2/oauth/authorize"
TOKEN = "/v2/oauth/token"
REDIRECT_URI = "https://portal.example/dashboard/oauth/callback/"
CLIENT_ID = "shareportal"
CLIENT_SECRET = "portal-secret"
PASSWORD = "correct horse battery"


def use_test_settings(settings) -> None:
    """Fast password hashing: the default hasher costs a good fraction of a second a call."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(user_name: str = "alice", password: str = PASSWORD, **fields) -> User:
    user = User.objects.create(user_name=user_name, password=make_password(password), **fields)
    Drive.objects.create(owner=user)
    return user


def make_client(
    client_id: str = CLIENT_ID,
    secret: str | None = CLIENT_SECRET,
    name: str = "Share portal",
    redirect_uris: str = REDIRECT_URI,
) -> OAuthClient:
    return OAuthClient.objects.create(
        client_id=client_id,
        name=name,
        client_secret=make_password(secret) if secret else "",
        redirect_uris=redirect_uris,
    )


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_url(challenge: str, **overrides) -> str:
    params = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "state": "xyz-state",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "login_type": "default",
    }
    params.update(overrides)
    return f"{AUTHORIZE}?{urlencode({k: v for k, v in params.items() if v is not None})}"


def redirect_params(response) -> dict[str, list[str]]:
    """The query of a redirect to the client, after checking it goes to the client."""
    location = response["Location"]
    assert location.startswith(REDIRECT_URI + "?"), location
    return parse_qs(urlsplit(location).query, keep_blank_values=True)


def sign_in(browser: Client, url: str, user_name: str = "alice", password: str = PASSWORD):
    return browser.post(url, {"user_name": user_name, "password": password})


def obtain_code(browser: Client, **overrides) -> tuple[str, str]:
    """Run authorize, sign-in and consent as a browser would; return (code, verifier)."""
    verifier, challenge = pkce_pair()
    url = authorize_url(challenge, **overrides)
    page = browser.get(url)
    assert page.status_code == 200
    if 'name="password"' in page.content.decode():
        assert sign_in(browser, url).status_code == 303
    response = browser.post(url, {"decision": "allow"})
    assert response.status_code == 302
    return redirect_params(response)["code"][0], verifier


def exchange_fields(code: str, verifier: str, **overrides) -> dict[str, str]:
    """The fields of a code exchange, right unless overridden; an override of None drops one."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "code_verifier": verifier,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def exchange(browser: Client, code: str, verifier: str, headers=None, **overrides):
    data = exchange_fields(code, verifier, **overrides)
    return browser.post(
        TOKEN, urlencode(data), content_type="application/x-www-form-urlencoded", headers=headers
    )


def refresh(browser: Client, refresh_token: str, **overrides):
    data = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    data.update(overrides)
    return browser.post(TOKEN, urlencode(data), content_type="application/x-www-form-urlencoded")
