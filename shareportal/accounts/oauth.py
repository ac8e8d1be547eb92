"""Signing in to the drive: the portal as a confidential OAuth 2.0 client of the drive.

See docs/pds-api.md#oauth.

The authorization code flow with PKCE (S256): `signin_start` remembers a sign-in under way and
sends the user to the drive, `signin_flow_pop` and `signin_finish` complete it on the way back
(the dashboard's callback, the one registered redirect URI, serves owners and share visitors
alike: each flow remembers its own checked `next`). Who is then signed in, and their tokens,
is `session.py`'s.
"""

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest

from shareportal.pds.client import get_client

from .session import owner_remember

FLOWS_KEY = "dashboard_oauth_flows"
# A few sign-ins may be under way at once (two tabs); older ones are forgotten.
MAX_PENDING_FLOWS = 5
# A sign-in that takes longer than this is started again rather than trusted.
FLOW_MAX_AGE_SECONDS = 15 * 60


@dataclass(frozen=True)
class OAuthFlow:
    """A sign-in under way: what the callback needs to finish it."""

    verifier: str
    next_url: str


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge (RFC 7636 §4.1, §4.2)."""
    verifier = secrets.token_urlsafe(64)  # 86 characters, within the 43-128 allowed
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


def signin_start(*, request: HttpRequest, next_url: str) -> str:
    """Remember a new sign-in in the session and return the drive's authorize URL for it.

    `next_url` is where the callback sends the user afterwards: the caller has checked it is
    a page of this site (the dashboard's `next_url_safe`, the share pages' own check).
    """
    state = secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair()
    flows: dict[str, dict[str, Any]] = request.session.get(FLOWS_KEY, {})
    flows[state] = {"verifier": verifier, "next": next_url, "started": time.time()}
    newest = sorted(flows.items(), key=lambda item: item[1]["started"])[-MAX_PENDING_FLOWS:]
    request.session[FLOWS_KEY] = dict(newest)
    query = urlencode(
        {
            "client_id": settings.PDS_OAUTH_CLIENT_ID,
            "redirect_uri": settings.PDS_OAUTH_REDIRECT_URI,
            "response_type": "code",
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "login_type": "default",
            "scope": "all",
        }
    )
    separator = "&" if "?" in settings.PDS_OAUTH_AUTHORIZE_URL else "?"
    return f"{settings.PDS_OAUTH_AUTHORIZE_URL}{separator}{query}"


def signin_flow_pop(*, request: HttpRequest, state: str) -> OAuthFlow | None:
    """The sign-in `state` belongs to, used up; None when it is unknown or too old."""
    flows: dict[str, dict[str, Any]] = request.session.get(FLOWS_KEY, {})
    if not state or state not in flows:
        return None
    flow = flows.pop(state)
    request.session[FLOWS_KEY] = flows
    if time.time() - flow["started"] > FLOW_MAX_AGE_SECONDS:
        return None
    return OAuthFlow(verifier=flow["verifier"], next_url=flow["next"])


def signin_finish(*, request: HttpRequest, code: str, flow: OAuthFlow) -> None:
    """Exchange the code, learn who signed in, and keep them in a new session key."""
    client = get_client()
    tokens = client.oauth_token_by_code(
        code=code, redirect_uri=settings.PDS_OAUTH_REDIRECT_URI, code_verifier=flow.verifier
    )
    user = client.get_user(tokens.access_token)
    drive_id = (
        tokens.default_drive_id
        or user.default_drive_id
        or client.get_default_drive_id(tokens.access_token)
    )
    owner_remember(request=request, tokens=tokens, user=user, drive_id=drive_id)
