"""Owner sign-in: the portal as a confidential OAuth 2.0 client of the drive (pds-api.md §4.1).

The authorization code flow with PKCE (S256). The owner's tokens live only in the server-side
session (the database session backend keeps them out of the cookie, which carries the session
key alone); they are never put in a page, a URL or a log line.
"""

import base64
import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from shareportal.pds import errors
from shareportal.pds.client import get_client
from shareportal.pds.types import ADMIN_ROLES, OAuthTokens, User

logger = logging.getLogger(__name__)

OWNER_KEY = "dashboard_owner"
FLOWS_KEY = "dashboard_oauth_flows"
# A few sign-ins may be under way at once (two tabs); older ones are forgotten.
MAX_PENDING_FLOWS = 5
# A sign-in that takes longer than this is started again rather than trusted.
FLOW_MAX_AGE_SECONDS = 15 * 60
# Refresh this long before the access token expires, so that no call is made with a token that
# runs out on its way to PDS.
REFRESH_MARGIN_SECONDS = 5 * 60
# A refresh that PDS refuses may have lost a race with another request of the same owner, which
# rotated the refresh token a moment ago and is about to save the new one: wait this long for it.
REFRESH_RACE_WAIT_SECONDS = 3.0
REFRESH_RACE_POLL_SECONDS = 0.1


class SignInRequired(Exception):
    """The owner's tokens are gone or the drive refused to renew them: sign in again."""


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


def next_url_safe(request: HttpRequest, candidate: str | None) -> str:
    """`candidate` when it is a page of this site, else the dashboard.

    Only paths are followed: a scheme or host, even our own, is refused, as are the spellings
    browsers read as another host (`//evil.example`, `/\\evil.example`, `https:evil.example`).
    """
    fallback = reverse("dashboard:index")
    if not candidate or not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return fallback
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return fallback
    return candidate


def signin_start(*, request: HttpRequest, next_url: str) -> str:
    """Remember a new sign-in in the session and return the drive's authorize URL for it."""
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
    # A new session key at the change of privilege defeats session fixation; whatever the
    # browser had before (a visitor's share tokens) stays.
    request.session.cycle_key()
    request.session[OWNER_KEY] = _owner_record(tokens, user, drive_id)


def _owner_record(tokens: OAuthTokens, user: User, drive_id: str) -> dict[str, Any]:
    return {
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "expires_at": time.time() + tokens.expires_in,
        "user_id": user.user_id,
        "role": user.role or tokens.role,
        "name": user.nick_name or user.user_name or user.user_id,
        "drive_id": drive_id,
    }


def signout(*, request: HttpRequest) -> None:
    """Forget the owner and everything else in the session, under a new key."""
    request.session.flush()


@dataclass
class Owner:
    """The signed-in owner. Its tokens stay in the session; views see only who they are."""

    session: SessionBase

    @property
    def _record(self) -> dict[str, Any]:
        return self.session[OWNER_KEY]

    @property
    def user_id(self) -> str:
        return self._record["user_id"]

    @property
    def name(self) -> str:
        return self._record["name"]

    @property
    def role(self) -> str:
        return self._record["role"]

    @property
    def drive_id(self) -> str:
        return self._record["drive_id"]

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    def call[T](self, operation: Callable[..., T], **kwargs: Any) -> T:
        """Run `operation(token=access_token, **kwargs)`, renewing the token once if PDS refuses it.

        The one place where the owner's tokens are used: views hand it a selector, services a
        write, and neither sees the session.
        """
        if self._record["expires_at"] - time.time() < REFRESH_MARGIN_SECONDS:
            self.refresh()
        try:
            return operation(token=self._record["access_token"], **kwargs)
        except errors.AccessTokenInvalid:
            self.refresh()
            try:
                return operation(token=self._record["access_token"], **kwargs)
            except errors.AccessTokenInvalid as exc:
                raise SignInRequired from exc

    def refresh(self) -> None:
        """Trade the refresh token for new tokens; SignInRequired when the drive says no."""
        record = dict(self._record)
        if not record.get("refresh_token"):
            raise SignInRequired
        try:
            tokens = get_client().oauth_refresh(refresh_token=record["refresh_token"])
        except (errors.Unavailable, errors.RateLimited, errors.BadResponse):
            raise
        except errors.PdsError as exc:
            # Two requests of one owner (htmx rows, tabs) may refresh at once; PDS rotates
            # refresh tokens, so the slower one is refused. The faster one saves its new tokens
            # in the session store as soon as it has them: use those rather than sign out.
            stored = self._tokens_saved_by_another_request(record["refresh_token"])
            if stored is not None:
                self.session[OWNER_KEY] = stored
                return
            logger.info("owner token refresh refused: code=%s", exc.code or "-")
            raise SignInRequired from exc
        record.update(
            access_token=tokens.access_token,
            # PDS rotates refresh tokens; a server that does not keeps the old one valid.
            refresh_token=tokens.refresh_token or record["refresh_token"],
            expires_at=time.time() + tokens.expires_in,
        )
        self.session[OWNER_KEY] = record
        # Saved now, not when the response is done: the old refresh token is dead, and a
        # parallel request of the owner must find the new one at once.
        try:
            self.session.save()
        except UpdateError as exc:  # signed out in another tab meanwhile
            raise SignInRequired from exc

    def _tokens_saved_by_another_request(self, refresh_token: str) -> dict[str, Any] | None:
        """The owner's record in the session store once it holds another refresh token."""
        polls = round(REFRESH_RACE_WAIT_SECONDS / REFRESH_RACE_POLL_SECONDS)
        for _poll in range(polls + 1):
            stored = type(self.session)(self.session.session_key).load().get(OWNER_KEY)
            if stored is None:
                return None  # signed out meanwhile
            if stored.get("refresh_token") != refresh_token:
                return stored
            if _poll < polls:
                pause(REFRESH_RACE_POLL_SECONDS)
        return None


def pause(seconds: float) -> None:
    """Wait a moment (tests make it instant)."""
    time.sleep(seconds)


def owner_of(request: HttpRequest) -> Owner | None:
    """The signed-in owner of this request's session, or None."""
    if OWNER_KEY not in request.session:
        return None
    return Owner(session=request.session)


def signin_url(request: HttpRequest) -> str:
    """Where to send a signed-out owner so that they come back to this page afterwards."""
    if request.method == "GET" and not request.htmx:
        back = request.get_full_path()
    elif request.htmx and request.htmx.current_url_abs_path:
        back = request.htmx.current_url_abs_path
    else:
        # A form cannot be replayed after signing in: come back to the page it was on.
        back = reverse("dashboard:index")
    return f"{reverse('dashboard:signin')}?{urlencode({'next': back})}"


type View = Callable[..., HttpResponse]


def redirect_for(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that also works from an htmx request, by loading the whole page."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def owner_required(view: View) -> View:
    """Send a signed-out owner to sign in, and give the view `request.owner`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        owner = owner_of(request)
        if owner is None:
            return redirect_for(request, signin_url(request))
        request.owner = owner  # type: ignore[attr-defined]
        try:
            return view(request, *args, **kwargs)
        except SignInRequired:
            url = signin_url(request)
            signout(request=request)
            messages.info(request, _("Your sign-in has expired. Please sign in again."))
            return redirect_for(request, url)

    return wrapper
